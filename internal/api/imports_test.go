package api_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
	"github.com/allyprm/ally/internal/jobs"
)

// upload posts a file to the import endpoint with its media type.
func (e *env) upload(contentType, body string, hdr ...string) resp {
	e.tb.Helper()
	return e.do("POST", "/api/v1/leads/import?filename=leads.file", body, append([]string{"Content-Type", contentType}, hdr...)...)
}

// runJobs runs the background jobs (imports and deliveries) with a real
// runner until none is due.
func (e *env) runJobs() {
	e.tb.Helper()
	r := jobs.New(e.db, jobs.Options{})
	e.app.ServeJobs(r)
	if _, err := r.RunDue(context.Background()); err != nil {
		e.tb.Fatal(err)
	}
}

// dispatch runs the due dispatch jobs alone: new leads' deliveries are
// written, and none is attempted yet.
func (e *env) dispatch() {
	e.tb.Helper()
	r := jobs.New(e.db, jobs.Options{})
	r.Handle(ally.JobDispatch, e.app.HandleDispatch)
	if _, err := r.RunDue(context.Background()); err != nil {
		e.tb.Fatal(err)
	}
}

func TestImportCSVAndNDJSON(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		for _, c := range []struct {
			name, contentType, body string
			badLine                 string
		}{
			{"csv", "text/csv; charset=utf-8",
				"email,firstName,company,country,budget\n" +
					"ana@example.com,Ana,Acme,BE,5000\n" +
					"not-an-address,Bob,Globex,NL,10\n" +
					"cy@example.com,Cy,\"Initech, Inc.\",FR,\n", "3"},
			{"ndjson", "application/x-ndjson",
				`{"email":"dee@example.com","company":"Acme","custom":{"budget":5}}` + "\n" +
					`{"email":"eve@example.com","country":"Belgium"}` + "\n" +
					`{"email":"fay@example.com"}` + "\n", "2"},
		} {
			r := must(t, e.upload(c.contentType, c.body), http.StatusAccepted)
			im := r.data(t)
			id, _ := im["id"].(string)
			if r.header.Get("Location") != "/api/v1/imports/"+id || im["status"] != "queued" || im["format"] != c.name ||
				im["filename"] != "leads.file" || im["bytes"] != float64(len(c.body)) {
				t.Fatalf("%s: upload answered %s (Location %q)", c.name, r.body, r.header.Get("Location"))
			}
			e.runJobs()

			got := must(t, e.do("GET", r.header.Get("Location"), nil), http.StatusOK).data(t)
			if got["status"] != "done" || got["rowsDone"] != 3.0 || got["rowsOk"] != 2.0 || got["rowsFailed"] != 1.0 ||
				got["bytesDone"] != got["bytes"] || got["finishedAt"] == nil || got["error"] != nil {
				t.Errorf("%s: after the job: %v", c.name, got)
			}

			er := must(t, e.do("GET", "/api/v1/imports/"+id+"/errors", nil), http.StatusOK)
			if ct := er.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("%s: errors Content-Type %q", c.name, ct)
			}
			rows, err := csv.NewReader(strings.NewReader(string(er.body))).ReadAll()
			if err != nil || len(rows) != 2 || strings.Join(rows[0], ",") != "line,reason" || rows[1][0] != c.badLine || rows[1][1] == "" {
				t.Errorf("%s: error report %q (%v), want the header and line %s", c.name, er.body, err, c.badLine)
			}
		}
		if ids := e.leadIDs("", 200); len(ids) != 4 {
			t.Errorf("%d leads after two imports of two good rows each", len(ids))
		}
		if ids := e.leadIDs("q=initech", 200); len(ids) != 1 {
			t.Errorf("the quoted CSV company was not imported: %v", ids)
		}
		items, next := must(t, e.do("GET", "/api/v1/imports", nil), http.StatusOK).list(t)
		if len(items) != 2 || items[0]["format"] != "ndjson" || next != "" {
			t.Errorf("import list: %v", items)
		}
	})
}

func TestImportRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		for _, ct := range []string{"application/json", "text/plain", "multipart/form-data; boundary=x", ""} {
			r := must(t, e.upload(ct, "email\nana@example.com\n"), http.StatusUnsupportedMediaType)
			if er := r.err(t); er.Code != "unsupported_media_type" {
				t.Errorf("Content-Type %q: %+v", ct, er)
			}
		}
		must(t, e.upload("text/csv", ""), http.StatusBadRequest).err(t)
		must(t, e.do("GET", "/api/v1/imports/imp_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", nil), http.StatusNotFound).err(t)
		must(t, e.do("GET", "/api/v1/imports/imp_01HVK6Y8Z8Q7J8J8J8J8J8J8J8/errors", nil), http.StatusNotFound).err(t)
		if items, _ := must(t, e.do("GET", "/api/v1/imports", nil), http.StatusOK).list(t); len(items) != 0 {
			t.Errorf("refused uploads left imports: %v", items)
		}

		// A retried upload with the same Idempotency-Key gets the first answer.
		first := must(t, e.upload("text/csv", "email\nana@example.com\n", "Idempotency-Key", "upload-1"), http.StatusAccepted)
		again := must(t, e.upload("text/csv", "email\nana@example.com\n", "Idempotency-Key", "upload-1"), http.StatusAccepted)
		if again.data(t)["id"] != first.data(t)["id"] || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retried upload: %s, first %s", again.body, first.body)
		}
		if items, _ := must(t, e.do("GET", "/api/v1/imports", nil), http.StatusOK).list(t); len(items) != 1 {
			t.Errorf("%d imports after a retried upload, want 1", len(items))
		}
	})
}
