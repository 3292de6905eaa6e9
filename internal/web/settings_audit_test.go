package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

func TestAuditLogFilters(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		admin := e.user("admin@vendor.example", ally.RoleAdmin)
		other := e.user("other@vendor.example", ally.RoleAdmin)
		acme, err := e.app.AddPartner(e.ctx, admin, ally.PartnerFields{Name: uiPtr("Acme")})
		if err != nil {
			t.Fatal(err)
		}
		globex, err := e.app.AddPartner(e.ctx, other, ally.PartnerFields{Name: uiPtr("Globex")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.UpdatePartner(e.ctx, other, acme.ID, ally.PartnerFields{Name: uiPtr("Acme Two")}, appUpdate()); err != nil {
			t.Fatal(err)
		}
		b := e.signInStepwise("admin@vendor.example")

		all := b.get("/admin/audit")
		wantText(t, all, http.StatusOK, "partner.created", "partner.updated", "Acme → Acme Two", "/admin/partners/"+acme.ID,
			"/admin/partners/"+globex.ID, "user.created", "auth.signin", `href="/admin/audit.csv?"`)

		byPartner := b.get("/admin/audit?partner=" + globex.ID)
		wantText(t, byPartner, http.StatusOK, "/admin/partners/"+globex.ID, "partner.created", "audit.csv?partner="+globex.ID)
		wantNoText(t, byPartner, "/admin/partners/"+acme.ID, "<code>auth.signin</code>")

		byActor := b.get("/admin/audit?actor=" + other.ID)
		wantText(t, byActor, http.StatusOK, "Acme → Acme Two", "/admin/partners/"+globex.ID)
		wantNoText(t, byActor, "<code>auth.signin</code>")

		byAction := b.get("/admin/audit?action=partner.updated")
		wantText(t, byAction, http.StatusOK, "Acme → Acme Two")
		wantNoText(t, byAction, "<code>partner.created</code>")

		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		wantText(t, b.get("/admin/audit?from="+today+"&to="+today), http.StatusOK, "Acme → Acme Two")
		wantText(t, b.get("/admin/audit?from="+tomorrow), http.StatusOK, "No events match.")
		wantText(t, b.get("/admin/audit?to="+yesterday), http.StatusOK, "No events match.")
		wantText(t, b.get("/admin/audit?from="+today+"&action=partner.created&actor="+other.ID), http.StatusOK, "/admin/partners/"+globex.ID)

		wantText(t, b.get("/admin/audit?from=08/05/2026"), http.StatusUnprocessableEntity, "must be a date like 2026-05-08", `value="08/05/2026"`)
		wantText(t, b.get("/admin/audit?from="+tomorrow+"&to="+yesterday), http.StatusUnprocessableEntity, "must not be before the from date")
		wantText(t, b.get("/admin/audit.csv?to=never"), http.StatusBadRequest)

		// Cursor pages: 60 more events make a second page, with the filters kept.
		for i := range 60 {
			e.systemPartner(fmt.Sprintf("Bulk %02d", i))
		}
		first := b.get("/admin/audit?action=partner.created")
		next := between(first.body, `<a href="`, `" rel="next"`)
		if next == "" {
			t.Fatalf("no next page\n%s", first.body)
		}
		next = strings.ReplaceAll(next, "&amp;", "&")
		if u, _ := url.Parse(next); u.Query().Get("action") != "partner.created" || !strings.HasPrefix(u.Query().Get("before"), "aud_") {
			t.Fatalf("next link %q", next)
		}
		second := b.get(next)
		wantText(t, second, http.StatusOK, "Newest", "/admin/partners/"+acme.ID)
		wantNoText(t, second, "Bulk 59")
	})
}

// between returns the text of s between the first from and the following to.
func between(s, from, to string) string {
	i := strings.Index(s, to)
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(s[:i], from)
	if j < 0 {
		return ""
	}
	return s[j+len(from) : i]
}

func TestAuditCSV(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		admin := e.user("admin@vendor.example", ally.RoleAdmin)
		evil, err := e.app.AddPartner(e.ctx, admin, ally.PartnerFields{Name: uiPtr(`=HYPERLINK("http://evil.example","click")`)})
		if err != nil {
			t.Fatal(err)
		}
		b := e.signInStepwise("admin@vendor.example")

		pg := b.get("/admin/audit.csv?partner=" + evil.ID)
		wantText(t, pg, http.StatusOK)
		if ct, cd := pg.header.Get("Content-Type"), pg.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
			!strings.HasPrefix(cd, `attachment; filename="audit-`) {
			t.Fatalf("headers: %q, %q", ct, cd)
		}
		rows, err := csv.NewReader(strings.NewReader(pg.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		wantHeader := []string{"time", "actor kind", "actor id", "actor label", "action", "target type", "target id", "partner id", "ip", "user agent", "changes"}
		// Newest first: the export's own audit event (about the partner it
		// filtered on), then the partner's creation.
		if len(rows) != 3 || strings.Join(rows[0], "|") != strings.Join(wantHeader, "|") || rows[1][4] != "audit.exported" {
			t.Fatalf("rows: %q", rows)
		}
		row := rows[2]
		if row[1] != "staff" || row[2] != admin.ID || row[4] != "partner.created" || row[7] != evil.ID {
			t.Fatalf("row: %q", row)
		}
		if !strings.HasPrefix(row[10], `{`) || !strings.Contains(row[10], `HYPERLINK`) {
			t.Fatalf("changes cell: %q", row[10])
		}
		// A cell that starts with = comes out with ' in front. Anyone can put
		// one there: the e-mail typed into a failed sign-in is the actor label.
		formula := `=HYPERLINK("http://evil.example","open")`
		anon := e.anonymous()
		anon.post("/admin/login", url.Values{"email": {formula}, "password": {"wrong password"}})
		pg = b.get("/admin/audit.csv?action=auth.signin_failed")
		rows, err = csv.NewReader(strings.NewReader(pg.body)).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][3] != "'"+strings.ToLower(formula) {
			t.Fatalf("formula cell: %q, %v", rows, err)
		}
		if !strings.Contains(pg.body, `"'=hyperlink(`) {
			t.Fatalf("raw CSV: %s", pg.body)
		}

		// The export itself is audited, with its filter.
		ev := e.audits("audit.exported")
		if len(ev) != 2 || ev[len(ev)-1].ActorID != admin.ID {
			t.Fatalf("export audit: %+v", ev)
		}
		if f, ok := ev[len(ev)-1].Changes["filter"].After.(map[string]any); !ok || f["partnerId"] != evil.ID {
			t.Fatalf("export audit filter: %+v", ev[len(ev)-1].Changes)
		}
	})
}

// flushCounter is a ResponseWriter that counts flushes and bytes, to show
// the export goes out in pieces rather than as one buffered response.
type flushCounter struct {
	*httptest.ResponseRecorder
	flushes      int
	bytesAtFirst int // bytes written when the first flush came
}

func (f *flushCounter) Flush() {
	if f.flushes == 0 {
		f.bytesAtFirst = f.Body.Len()
	}
	f.flushes++
	f.ResponseRecorder.Flush()
}

// TestAuditCSVStreams exports 5,000 events and checks the handler flushed
// many times along the way, the first time long before the end.
func TestAuditCSVStreams(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		admin := e.user("admin@vendor.example", ally.RoleAdmin)
		const n = 5000
		err := e.db.Write(e.ctx, func(tx ally.Tx) error {
			for i := range n {
				ev := ally.NewAuditEvent(admin, "bulk.event", "thing", fmt.Sprint(i), time.Now().UTC())
				ev.Changes = map[string]ally.Change{"n": {Before: i, After: i + 1}}
				if err := tx.CreateAuditEvent(e.ctx, ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		b := e.signInStepwise("admin@vendor.example")

		// Through the mux directly, with the signed-in cookie, so the test
		// owns the ResponseWriter.
		req := httptest.NewRequest("GET", "/admin/audit.csv?action=bulk.event", nil)
		req.AddCookie(&http.Cookie{Name: "ally_admin", Value: b.cookie("ally_admin", "/admin/")})
		w := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
		e.mux.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		if w.flushes < n/500 || w.bytesAtFirst == 0 || w.bytesAtFirst > w.Body.Len()/10 {
			t.Fatalf("flushes %d, %d bytes at the first of %d", w.flushes, w.bytesAtFirst, w.Body.Len())
		}
		rows, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
		if err != nil || len(rows) != n+1 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		if rows[1][6] != fmt.Sprint(n-1) || rows[n][6] != "0" {
			t.Fatalf("not newest first: %q … %q", rows[1], rows[n])
		}

		// Over the network the download arrives in pieces too: the first
		// rows can be read before the last are written.
		resp, err := b.client.Get(e.base + "/admin/audit.csv?action=bulk.event")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 {
			t.Fatalf("buffered response: length %d, encoding %v", resp.ContentLength, resp.TransferEncoding)
		}
		got, _ := io.ReadAll(resp.Body)
		if c := bytes.Count(got, []byte("\n")); c != n+1 {
			t.Fatalf("%d lines over the network", c)
		}
	})
}
