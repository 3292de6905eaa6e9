package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// The import benchmarks: Ally's import of benchRows CSV rows against the
// plainest bulk insert of the same rows into the same engine (the issue's
// aim: at least half its rate). Each iteration starts on an empty
// database; rows/s is the number to compare.

const benchRows = 100_000

// benchColumns are the file's ten columns.
var benchColumns = []string{"externalId", "firstName", "lastName", "email", "phone", "title", "company", "companyDomain", "country", "source"}

// benchRow is row i's values, in benchColumns order.
func benchRow(i int) []string {
	countries := []string{"DE", "FR", "NL", "US", "GB"}
	return []string{fmt.Sprintf("crm-%06d", i), "Ana", fmt.Sprintf("Lima %d", i), fmt.Sprintf("lead%06d@example.com", i),
		"+49 30 1234567", "Head of IT", fmt.Sprintf("Company %d", i%5000), fmt.Sprintf("company%d.example", i%5000),
		countries[i%len(countries)], "web"}
}

func benchCSV() string {
	var b strings.Builder
	b.WriteString(strings.Join(benchColumns, ",") + "\n")
	for i := range benchRows {
		b.WriteString(strings.Join(benchRow(i), ",") + "\n")
	}
	return b.String()
}

// benchImportEnv is an app over an empty store with 50 active partners and
// two rules: DE and FR round-robin among the 25 "emea" partners, the rest
// weighted among five. No partner has delivery settings: this measures
// intake, not deliveries.
func benchImportEnv(b *testing.B, engine string) *importEnv {
	db := storetest.Open(b, engine)
	e := &importEnv{a: app.New(db), db: db}
	e.admin = impStaff(b, e.a, "admin@vendor.example", ally.RoleAdmin)
	var weights []ally.RuleWeight
	for i := range 50 {
		cats := []string{"amer"}
		if i%2 == 0 {
			cats = []string{"emea"}
		}
		p, _, err := e.a.CreatePartner(context.Background(), e.admin, ally.PartnerFields{Name: ptr(fmt.Sprintf("Partner %02d", i)),
			Status: ptr(ally.StatusActive), Categories: &cats})
		if err != nil {
			b.Fatal(err)
		}
		if i%10 == 1 {
			weights = append(weights, ally.RuleWeight{PartnerID: p.ID, Weight: i})
		}
	}
	impRule(b, e.a, e.admin, ally.RoutingRuleFields{Name: ptr("DACH and France"), Priority: ptr(10), Enabled: ptr(true),
		Conditions: &ally.RuleConditions{Countries: []string{"DE", "FR"}, Categories: []string{"emea"}}, Mode: ptr(ally.RouteRoundRobin)})
	impRule(b, e.a, e.admin, ally.RoutingRuleFields{Name: ptr("Everyone else"), Priority: ptr(20), Enabled: ptr(true),
		Mode: ptr(ally.RouteWeighted), Weights: &weights})
	return e
}

func BenchmarkImport(b *testing.B) {
	body := benchCSV()
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				e := benchImportEnv(b, engine)
				b.StartTimer()
				im, err := e.a.StartImport(context.Background(), e.admin, ally.ImportCSV, "bench.csv", strings.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				if im, _ = e.runJobs(b, im.ID); im.RowsOK != benchRows {
					b.Fatalf("import: %+v", im)
				}
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// bareTable is the leads table's columns with its primary key only.
const bareTable = `CREATE TABLE bare_leads (
    id TEXT PRIMARY KEY, external_id TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
    email TEXT NOT NULL, phone TEXT NOT NULL, title TEXT NOT NULL, company TEXT NOT NULL,
    company_domain TEXT NOT NULL, country TEXT NOT NULL, source TEXT NOT NULL, status TEXT NOT NULL,
    received_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version BIGINT NOT NULL)`

var bareColumns = []string{"id", "external_id", "first_name", "last_name", "email", "phone", "title", "company",
	"company_domain", "country", "source", "status", "received_at", "updated_at", "version"}

// bareRows are the benchmark's rows as the bare insert writes them.
func bareRows() [][]any {
	rows := make([][]any, benchRows)
	for i := range rows {
		row := []any{ally.NewID(ally.PrefixLead)}
		for _, v := range benchRow(i) {
			row = append(row, v)
		}
		rows[i] = append(row, "new", int64(1_800_000_000_000), int64(1_800_000_000_000), int64(1))
	}
	return rows
}

// BenchmarkImportBareInsert is the ceiling: the same rows into a plain
// leads-shaped table, SQLite as one transaction of prepared single-row
// INSERTs, PostgreSQL by COPY.
func BenchmarkImportBareInsert(b *testing.B) {
	rows := bareRows()
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db, url := storetest.OpenURL(b, engine)
				b.StartTimer()
				if engine == store.EnginePostgres {
					bareCopy(b, url, rows)
				} else {
					bareInserts(b, db, rows)
				}
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func bareInserts(b *testing.B, db *store.DB, rows [][]any) {
	ctx := context.Background()
	if _, err := db.SQLDB().ExecContext(ctx, bareTable); err != nil {
		b.Fatal(err)
	}
	tx, err := db.SQLDB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO bare_leads (`+strings.Join(bareColumns, ", ")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func bareCopy(b *testing.B, url string, rows [][]any) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, bareTable); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"bare_leads"}, bareColumns, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
}
