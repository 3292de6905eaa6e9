package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/web"
)

// BenchmarkPortalLeadExport downloads a partner's whole lead list as CSV
// from the portal (session, filters, app, store, csvsafe, HTTP) beside a
// bare loop over the same rows: SELECT → encoding/csv → io.Discard. It
// reports rows/s for both, their ratio (aim ≥ 0.5) and the peak heap in
// use during the export, at 100,000 rows and, with
// ALLY_BENCH_EXPORT_ROWS=100000,1000000, a million: memory must not grow
// with the row count. (A million rows take minutes to seed on two cores,
// too long for every CI run.)
func BenchmarkPortalLeadExport(b *testing.B) {
	sizes := []int{100_000}
	if v := os.Getenv("ALLY_BENCH_EXPORT_ROWS"); v != "" {
		sizes = sizes[:0]
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("ALLY_BENCH_EXPORT_ROWS: %q is not a row count", f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, engine := range storetest.Engines(b) {
		for _, rows := range sizes {
			b.Run(fmt.Sprintf("%s/%dk", engine, rows/1000), func(b *testing.B) {
				benchExport(b, engine, rows)
			})
		}
	}
}

func benchExport(b *testing.B, engine string, rows int) {
	ctx := context.Background()
	db := storetest.Open(b, engine)
	a := app.New(db)
	system := ally.System("bench")
	tpl, err := a.CreateExperienceTemplate(ctx, system, ally.ExperienceTemplateFields{
		Name: uiPtr("Export"), Sections: &ally.Sections{Leads: true, LeadExport: true}})
	if err != nil {
		b.Fatal(err)
	}
	p, _, err := a.CreatePartner(ctx, system, ally.PartnerFields{Name: uiPtr("Exporter"), Status: uiPtr(ally.StatusActive), ExperienceTemplateID: &tpl.ID})
	if err != nil {
		b.Fatal(err)
	}
	seedExportLeads(b, db, p.ID, rows)
	// A real database has statistics (autovacuum gathers them after a large
	// insert); without them PostgreSQL sorts the partner's leads on disk
	// before the first row, whether autovacuum has run yet or not.
	if _, err := db.SQLDB().ExecContext(ctx, "ANALYZE leads"); err != nil {
		b.Fatal(err)
	}
	cookie := portalCookie(b, a, p.ID)

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	web.Register(mux, a, web.Config{BaseURL: srv.URL})

	var bare, ours time.Duration
	var peak uint64
	n := 0
	for b.Loop() {
		// Each side starts on a collected heap, paying for its own garbage
		// only (not the seeding's nor the other side's), and the peak is
		// the export's.
		runtime.GC()
		bare += bareExport(b, db, p.ID, rows)
		runtime.GC()
		got, took, heap := portalExport(b, srv.URL, cookie)
		ours, peak, n = ours+took, max(peak, heap), n+1
		if got != rows {
			b.Fatalf("export had %d rows, want %d", got, rows)
		}
	}
	// Rates over all the iterations (-benchtime Nx), not the last one's.
	b.ReportMetric(float64(n*rows)/ours.Seconds(), "rows/s")
	b.ReportMetric(float64(n*rows)/bare.Seconds(), "bare-rows/s")
	b.ReportMetric(bare.Seconds()/ours.Seconds(), "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// seedExportLeads writes rows leads of the partner straight through the store.
func seedExportLeads(tb testing.TB, db *store.DB, partnerID string, rows int) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const batch = 5000
	buf := make([]*ally.Lead, 0, batch)
	for start := 0; start < rows; start += batch {
		buf = buf[:0]
		for i := start; i < min(rows, start+batch); i++ {
			buf = append(buf, &ally.Lead{ID: ally.NewID(ally.PrefixLead), FirstName: "Anna", LastName: "Lead " + strconv.Itoa(i),
				Email: fmt.Sprintf("lead%07d@customer.example", i), Phone: "+32 2 555 01 01", Title: "CTO",
				Company: fmt.Sprintf("Customer %07d", i), CompanyDomain: "customer.example", Country: "BE", Region: "EMEA",
				Source: "web", Message: "Please call me about pricing.", Custom: map[string]any{"budget": "10k"},
				PartnerID: partnerID, Status: ally.LeadNew, ReceivedAt: now, AssignedAt: now, UpdatedAt: now, Version: 1})
		}
		if err := db.Write(ctx, func(tx ally.Tx) error { return tx.CreateLeads(ctx, buf) }); err != nil {
			tb.Fatal(err)
		}
	}
}

// portalCookie signs a new portal user of the partner in and returns its session cookie.
func portalCookie(b *testing.B, a *app.App, partnerID string) *http.Cookie {
	ctx := context.Background()
	system := ally.System("bench")
	c, err := a.CreateContact(ctx, system, partnerID, ally.ContactFields{Name: uiPtr("Exporter"), Email: uiPtr("export@exporter.example")})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.SetTemporaryPassword(ctx, system, c.ID, "temporary password 1"); err != nil {
		b.Fatal(err)
	}
	in, err := a.SignInPartner(ctx, "export@exporter.example", "temporary password 1", app.ClientMeta{IP: "192.0.2.7"})
	if err != nil {
		b.Fatal(err)
	}
	actor, sess, err := a.Authenticate(ctx, in.Token, app.ClientMeta{})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.ChangeOwnPassword(ctx, actor, sess.ID, "temporary password 1", "exporter password 2"); err != nil {
		b.Fatal(err)
	}
	return &http.Cookie{Name: "ally_portal", Value: in.Token}
}

// exportClient reads the download with a large buffer and takes it as sent
// (the server does not compress it).
var exportClient = &http.Client{Transport: &http.Transport{ReadBufferSize: 64 << 10, DisableCompression: true}}

// portalExport downloads the CSV, counting rows and sampling the heap in use.
func portalExport(b *testing.B, base string, cookie *http.Cookie) (rows int, took time.Duration, peak uint64) {
	req, _ := http.NewRequest("GET", base+"/partner/leads/export.csv", nil)
	req.AddCookie(cookie)
	var maxHeap atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > maxHeap.Load() {
				maxHeap.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	resp, err := exportClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		b.Fatalf("export: %d %s", resp.StatusCode, body)
	}
	// Lines are counted in large reads (no row has a line break inside),
	// so the client costs little beside the server on the same two cores.
	buf := make([]byte, 256<<10)
	for {
		n, err := resp.Body.Read(buf)
		rows += bytes.Count(buf[:n], []byte{'\n'})
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	took = time.Since(start)
	close(done)
	<-sampled
	rows-- // the header
	return rows, took, maxHeap.Load()
}

// bareExport is the ceiling: the same rows read with one SELECT and written
// with encoding/csv to nowhere, no HTTP, no checks.
func bareExport(b *testing.B, db *store.DB, partnerID string, want int) time.Duration {
	start := time.Now()
	q := `SELECT id, received_at, status, status_reason, first_name, last_name, email, phone, title, company,
		company_domain, country, region, source, message, external_id, custom FROM leads WHERE partner_id = $1 ORDER BY id DESC`
	rs, err := db.SQLDB().QueryContext(context.Background(), q, partnerID)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	w := csv.NewWriter(io.Discard)
	rec := make([]string, 17)
	ptrs := make([]any, 17)
	var received int64
	var external sql.NullString
	for i := range ptrs {
		ptrs[i] = &rec[i]
	}
	ptrs[1], ptrs[15] = &received, &external
	n := 0
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		rec[1] = strconv.FormatInt(received, 10)
		rec[15] = external.String
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
		n++
	}
	w.Flush()
	if err := rs.Err(); err != nil {
		b.Fatal(err)
	}
	if n != want {
		b.Fatalf("bare export read %d rows, want %d", n, want)
	}
	return time.Since(start)
}
