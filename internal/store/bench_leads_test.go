package store_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The lead benchmarks measure Ally's bulk paths beside a bare use of the
// same database with the same rows (docs/benchmarks.md: the aims are
// ratios to these ceilings). Each reports rows/s.

const (
	benchLeadBatch    = 2_000 // leads per transaction, as an import batch
	benchLeadPartners = 1_000
)

// benchLeadStore returns a store with benchLeadPartners active partners.
func benchLeadStore(b *testing.B, engine string) (*store.DB, []string) {
	b.Helper()
	db := storetest.Open(b, engine)
	var ps []*ally.Partner
	for i := range benchLeadPartners {
		p := newPartner(fmt.Sprintf("Partner %04d", i))
		p.Categories = []string{"reseller"}
		ps = append(ps, p)
	}
	mustPartners(b, db, ps...)
	return db, ids(ps)
}

// benchLeads makes n routed leads as an import batch would: every field
// of a CSV row, a custom field, and the routing explanation.
func benchLeads(partners []string, n int) []*ally.Lead {
	ls := make([]*ally.Lead, n)
	at := now()
	for i := range ls {
		in := &ally.LeadInput{FirstName: "Ana", LastName: fmt.Sprintf("Lima %d", i),
			Email: fmt.Sprintf("ana.lima%d@buyer%d.example", i, i%997), Phone: "+32 2 555 01 02", Title: "Head of IT",
			Company: fmt.Sprintf("Buyer %d NV", i%997), CompanyDomain: fmt.Sprintf("buyer%d.example", i%997),
			Country: "BE", Region: "Flanders", Source: "web", Message: "Please call me about pricing for 40 seats.",
			Custom: map[string]any{"campaign": "q4-webinar"}}
		l := ally.NewLead(in, at)
		p := partners[i%len(partners)]
		l.PartnerID, l.AssignedAt, l.ImportID = p, at, "imp_bench"
		l.Routing = &ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_bench", RuleName: "Benelux",
			Mode: ally.RouteRoundRobin, PartnerID: p, PartnerName: "Partner", Reason: "next in turn",
			Rules:      []ally.RuleTrace{{RuleID: "rule_bench", RuleName: "Benelux", Matched: true, Reason: "country BE"}},
			Candidates: []ally.CandidateTrace{{PartnerID: p, PartnerName: "Partner", Chosen: true, Reason: "next in turn"}}}
		ls[i] = l
	}
	return ls
}

// BenchmarkCreateLeads inserts import batches of benchLeadBatch leads, one
// transaction each, through the store.
func BenchmarkCreateLeads(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db, partners := benchLeadStore(b, engine)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ls := benchLeads(partners, benchLeadBatch)
				b.StartTimer()
				mustWrite(b, db, func(tx ally.Tx) error { return tx.CreateLeads(ctx, ls) })
			}
			b.ReportMetric(float64(b.N*benchLeadBatch)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// leadColumns are the leads table's columns, in the order bareLeadRow gives values.
var leadColumns = []string{"id", "version", "external_id", "first_name", "last_name", "email", "phone", "title",
	"company", "company_lower", "company_domain", "country", "region", "source", "message", "custom", "search",
	"partner_id", "status", "status_reason", "routing", "assigned_at", "updated_at", "received_at", "import_id"}

// bareLeadRow is a lead as the bare insert gets it: column values ready,
// nothing to encode.
func bareLeadRow(l *ally.Lead) []any {
	return []any{l.ID, l.Version, l.ExternalID, l.FirstName, l.LastName, l.Email, l.Phone, l.Title,
		l.Company, strings.ToLower(l.Company), l.CompanyDomain, l.Country, l.Region, l.Source, l.Message,
		`{"campaign":"q4-webinar"}`, strings.ToLower(l.FirstName + " " + l.LastName + " " + l.Email + " " + l.Company),
		l.PartnerID, string(l.Status), l.StatusReason, bareRouting, l.AssignedAt.UnixMilli(), l.UpdatedAt.UnixMilli(),
		l.ReceivedAt.UnixMilli(), l.ImportID}
}

// bareRouting is a routing explanation of benchLeads' size.
var bareRouting = `{"at":"2026-11-21T10:00:00Z","outcome":"assigned","ruleId":"rule_bench","ruleName":"Benelux",` +
	`"mode":"round_robin","partnerId":"ptn_01JDBENCHBENCHBENCHBENCHBENC","partnerName":"Partner","reason":"next in turn",` +
	`"rules":[{"ruleId":"rule_bench","ruleName":"Benelux","matched":true,"reason":"country BE"}],` +
	`"candidates":[{"partnerId":"ptn_01JDBENCHBENCHBENCHBENCHBENC","partnerName":"Partner","chosen":true,"reason":"next in turn"}]}`

// BenchmarkBareLeadInsert inserts the same batches the plainest way each
// engine has: on SQLite one prepared single-row INSERT run per row in the
// batch's transaction, on PostgreSQL COPY.
func BenchmarkBareLeadInsert(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db, partners := benchLeadStore(b, engine)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				rows := make([][]any, benchLeadBatch)
				for i, l := range benchLeads(partners, benchLeadBatch) {
					rows[i] = bareLeadRow(l)
				}
				b.StartTimer()
				if err := bareInsert(ctx, db, rows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchLeadBatch)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkLeadInsertRatio alternates a CreateLeads batch and a bare batch
// of the same size into the same table, timing each, and reports both
// rates and their ratio: on a shared machine whose speed drifts from
// second to second, pairs measured side by side give a steadier ratio than
// two benchmarks run one after the other.
func BenchmarkLeadInsertRatio(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db, partners := benchLeadStore(b, engine)
			ctx := context.Background()
			var ours, bare time.Duration
			for range b.N {
				ls := benchLeads(partners, benchLeadBatch)
				rows := make([][]any, benchLeadBatch)
				for i, l := range benchLeads(partners, benchLeadBatch) {
					rows[i] = bareLeadRow(l)
				}
				start := time.Now()
				mustWrite(b, db, func(tx ally.Tx) error { return tx.CreateLeads(ctx, ls) })
				ours += time.Since(start)
				start = time.Now()
				if err := bareInsert(ctx, db, rows); err != nil {
					b.Fatal(err)
				}
				bare += time.Since(start)
			}
			rows := float64(b.N * benchLeadBatch)
			b.ReportMetric(rows/ours.Seconds(), "store-rows/s")
			b.ReportMetric(rows/bare.Seconds(), "bare-rows/s")
			b.ReportMetric(bare.Seconds()/ours.Seconds(), "ratio")
		})
	}
}

// bareInsert is the engine's plainest bulk insert of rows.
func bareInsert(ctx context.Context, db *store.DB, rows [][]any) error {
	if db.Engine() == store.EnginePostgres {
		return bareCopy(ctx, db.SQLDB(), rows)
	}
	return bareInserts(ctx, db.SQLDB(), rows)
}

func bareInserts(ctx context.Context, db *sql.DB, rows [][]any) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO leads (`+strings.Join(leadColumns, ", ")+`) VALUES (?`+
		strings.Repeat(", ?", len(leadColumns)-1)+`)`)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := st.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func bareCopy(ctx context.Context, db *sql.DB, rows [][]any) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"leads"}, leadColumns, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

const benchExportLeads = 100_000

// benchExportStore returns a store holding benchExportLeads leads.
func benchExportStore(b *testing.B, engine string) *store.DB {
	b.Helper()
	db, partners := benchLeadStore(b, engine)
	for range benchExportLeads / benchLeadBatch {
		ls := benchLeads(partners, benchLeadBatch)
		mustWrite(b, db, func(tx ally.Tx) error { return tx.CreateLeads(context.Background(), ls) })
	}
	// A first read after a bulk load sets PostgreSQL's hint bits, writing
	// pages; VACUUM does it here, so no side of a comparison pays for it.
	if engine == store.EnginePostgres {
		if _, err := db.SQLDB().ExecContext(context.Background(), `VACUUM ANALYZE leads`); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// BenchmarkEachLead streams every lead through EachLead into CSV, as the
// export does, beside BenchmarkBareLeadCSV's plain SELECT into CSV.
func BenchmarkEachLead(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db := benchExportStore(b, engine)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				n, err := exportCSV(ctx, db)
				if err != nil || n != benchExportLeads {
					b.Fatalf("%d leads, %v", n, err)
				}
			}
			b.ReportMetric(float64(b.N*benchExportLeads)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkLeadExportRatio alternates a whole EachLead export and a bare
// SELECT-to-CSV loop over the same rows and reports both rates and their
// ratio (see BenchmarkLeadInsertRatio for why pairs).
func BenchmarkLeadExportRatio(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db := benchExportStore(b, engine)
			ctx := context.Background()
			var ours, bare time.Duration
			if _, err := bareCSV(ctx, db.SQLDB()); err != nil { // warm the cache
				b.Fatal(err)
			}
			for range b.N {
				start := time.Now()
				if n, err := exportCSV(ctx, db); err != nil || n != benchExportLeads {
					b.Fatalf("%d leads, %v", n, err)
				}
				ours += time.Since(start)
				start = time.Now()
				if n, err := bareCSV(ctx, db.SQLDB()); err != nil || n != benchExportLeads {
					b.Fatalf("%d leads, %v", n, err)
				}
				bare += time.Since(start)
			}
			rows := float64(b.N * benchExportLeads)
			b.ReportMetric(rows/ours.Seconds(), "store-rows/s")
			b.ReportMetric(rows/bare.Seconds(), "bare-rows/s")
			b.ReportMetric(bare.Seconds()/ours.Seconds(), "ratio")
		})
	}
}

// exportCSV writes every lead as CSV through EachLead, as the export does.
func exportCSV(ctx context.Context, db *store.DB) (int, error) {
	w := csv.NewWriter(io.Discard)
	rec := make([]string, 16)
	n := 0
	err := db.EachLead(ctx, ally.LeadFilter{}, func(l *ally.Lead) error {
		n++
		return w.Write(leadRecord(rec, l))
	})
	w.Flush()
	return n, err
}

// leadRecord fills rec with the lead's export columns.
func leadRecord(rec []string, l *ally.Lead) []string {
	return append(rec[:0], l.ID, l.ReceivedAt.Format(time.RFC3339), string(l.Status), l.FirstName, l.LastName,
		l.Email, l.Phone, l.Title, l.Company, l.CompanyDomain, l.Country, l.Region, l.Source, l.Message,
		l.PartnerName, strconv.Itoa(len(l.Custom)))
}

// BenchmarkBareLeadCSV is the ceiling for the export: the same rows and
// columns read by a plain SELECT straight into encoding/csv.
func BenchmarkBareLeadCSV(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db := benchExportStore(b, engine)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				n, err := bareCSV(ctx, db.SQLDB())
				if err != nil || n != benchExportLeads {
					b.Fatalf("%d leads, %v", n, err)
				}
			}
			b.ReportMetric(float64(b.N*benchExportLeads)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func bareCSV(ctx context.Context, db *sql.DB) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT l.id, l.received_at, l.status, l.first_name, l.last_name,
		l.email, l.phone, l.title, l.company, l.company_domain, l.country, l.region, l.source, l.message,
		p.name, l.custom FROM leads l LEFT JOIN partners p ON p.id = l.partner_id ORDER BY l.id DESC`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	w := csv.NewWriter(io.Discard)
	rec := make([]string, 16)
	ptrs := make([]any, 16)
	var received int64
	var partner sql.NullString
	for i := range rec {
		ptrs[i] = &rec[i]
	}
	ptrs[1], ptrs[14] = &received, &partner
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		rec[1], rec[14] = time.UnixMilli(received).UTC().Format(time.RFC3339), partner.String
		if err := w.Write(rec); err != nil {
			return n, err
		}
		n++
	}
	w.Flush()
	return n, rows.Err()
}
