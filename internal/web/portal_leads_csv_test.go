package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

// TestPortalLeadsExportCells checks the cells the export formats itself
// rather than through encoding/json and time.Format: the custom fields are
// what json.Marshal makes of them, whatever they hold, and the received
// time is its UTC millisecond form.
func TestPortalLeadsExportCells(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		a := e.leadsPartner("Alpha Partners", ally.Sections{Leads: true, LeadExport: true})
		customs := []map[string]any{
			{"budget": "10k"},
			{"z": "last", "a": "first", "m.id": "middle", "_x-y": ""},
			{"html": "<b>bold</b> & co", "quote": `say "hi"`, "slash": `a\b`, "lines": "one\ntwo\tthree"},
			{"city": "Zürich", "jp": "日本", "sep": "line\u2028para\u2029end"},
			{"seats": float64(12), "vip": true, "none": nil, "tags": []any{"a", "b"}},
			{"formula": "=1+2", "phone": "+32 2 555 01 01"},
			{},
		}
		want := map[string]string{}
		for i, c := range customs {
			l := e.leadFor(a, ally.LeadInput{FirstName: "Lead", LastName: fmt.Sprint(i), Company: fmt.Sprintf("Company %d", i), Custom: c})
			js := ""
			if len(c) > 0 {
				b, err := json.Marshal(c)
				if err != nil {
					t.Fatal(err)
				}
				js = string(b)
			}
			want[l.ID] = js + "|" + l.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		rows := leadsCSV(t, e.signedInAt(a, "ann@alpha.example").get("/partner/leads/export.csv"))
		ids, customCol, received := csvColumn(t, rows, "id"), csvColumn(t, rows, "custom fields"), csvColumn(t, rows, "received at")
		if len(ids) != len(customs) {
			t.Fatalf("%d rows, want %d", len(ids), len(customs))
		}
		for i, id := range ids {
			if got := customCol[i] + "|" + received[i]; got != want[id] {
				t.Errorf("lead %s: custom fields|received at %q, want %q", id, got, want[id])
			}
		}
	})
}

// failingWriter is a ResponseWriter whose connection breaks after limit
// bytes, as when the browser goes away in the middle of a download.
type failingWriter struct {
	*httptest.ResponseRecorder
	limit int
}

var errGone = errors.New("client gone")

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.Body.Len()+len(p) > f.limit {
		return 0, errGone
	}
	return f.ResponseRecorder.Write(p)
}

// TestPortalLeadsExportCutMidway breaks the connection partway: the
// handler stops reading leads, cuts the response (http.ErrAbortHandler,
// so the browser reports a failed download) instead of ending it as if
// complete, and the export is still on record with the rows that left.
func TestPortalLeadsExportCutMidway(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		a := e.leadsPartner("Alpha Partners", ally.Sections{Leads: true, LeadExport: true})
		const n = 2000 // about 400 KB of rows: many batches of the download
		seedExportLeads(t, e.db, a.ID, n)
		alpha := e.signedInAt(a, "ann@alpha.example")
		req := httptest.NewRequest("GET", "/partner/leads/export.csv", nil)
		req.AddCookie(&http.Cookie{Name: "ally_portal", Value: alpha.cookie("ally_portal", "/partner/")})
		w := &failingWriter{ResponseRecorder: httptest.NewRecorder(), limit: 16 << 10}
		func() {
			defer func() {
				if p := recover(); p != http.ErrAbortHandler {
					t.Fatalf("the handler ended with %v, want http.ErrAbortHandler", p)
				}
			}()
			e.mux.ServeHTTP(w, req)
		}()
		if w.Code != http.StatusOK || w.Body.Len() == 0 {
			t.Fatalf("status %d, %d bytes before the break", w.Code, w.Body.Len())
		}
		ev := e.audits("lead.export")
		if len(ev) != 1 {
			t.Fatalf("%d export events", len(ev))
		}
		rows, err := strconv.Atoi(fmt.Sprint(ev[0].Changes["rows"].After))
		if err != nil || rows < 1 || rows >= n {
			t.Fatalf("export recorded %v rows, want some but not all %d", ev[0].Changes["rows"].After, n)
		}
	})
}
