package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

// ldImportCSV has two good rows and a bad one on line 3 (the header is line 1).
const ldImportCSV = "firstName,lastName,company,email,country,budget\n" +
	"Ada,Lovelace,Engines Ltd,ada@engines.example,GB,50k\n" +
	"Bad,Row,,not-an-email,XX,\n" +
	"Grace,Hopper,Navy Labs,grace@navy.example,US,\n"

func TestAdminImportWithProgress(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		b := e.signIn("admin@vendor.example")
		pg := b.get("/admin/imports")
		wantText(t, pg, http.StatusOK, "Import leads", `enctype="multipart/form-data"`, `data-raw="/admin/imports"`, "No imports yet.")
		// The progress bar's script is a static file, not inline.
		src := regexpFind(t, pg.body, `<script src="(/static/import\.[0-9a-f]+\.js)" defer></script>`)
		js := b.get(src)
		if js.status != http.StatusOK || !strings.Contains(js.body, "upload.onprogress") || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") {
			t.Fatalf("import.js: %d %s", js.status, js.header)
		}

		// import.js: the file as the body, answered with the import to follow.
		pg = b.postRaw("/admin/imports?filename=people.csv", "text/csv", strings.NewReader(ldImportCSV), nil)
		if pg.status != http.StatusAccepted {
			t.Fatalf("raw upload: %d %s", pg.status, pg.body)
		}
		var started struct{ ID, Status, URL string }
		if err := json.Unmarshal([]byte(pg.body), &started); err != nil || !ally.HasPrefix(started.ID, ally.PrefixImport) || started.Status != "queued" {
			t.Fatalf("raw upload answer %s: %v", pg.body, err)
		}
		// Until the job runs, the page reloads itself and the poll says queued.
		ip := b.get(started.URL)
		wantText(t, ip, http.StatusOK, "people.csv", "Waiting to start", "This page updates itself")
		if ip.header.Get("Refresh") == "" {
			t.Fatalf("a queued import's page does not refresh itself")
		}
		poll := ldProgress(t, b, started.URL+"/progress")
		if poll.Status != "queued" || poll.Done || poll.Bytes != int64(len(ldImportCSV)) {
			t.Fatalf("progress before the job: %+v", poll)
		}

		e.runJobs()
		poll = ldProgress(t, b, started.URL+"/progress")
		if poll.Status != "done" || !poll.Done || poll.RowsDone != 3 || poll.RowsOK != 2 || poll.RowsFailed != 1 || poll.Percent != 100 {
			t.Fatalf("progress after the job: %+v", poll)
		}
		ip = b.get(started.URL)
		wantText(t, ip, http.StatusOK, "Done", "<dt>Imported</dt><dd>2</dd>", "<dt>Refused</dt><dd>1</dd>", "Download error report")
		if ip.header.Get("Refresh") != "" {
			t.Fatalf("a finished import's page still refreshes")
		}
		wantText(t, b.get("/admin/leads"), http.StatusOK, "Ada Lovelace", "Grace Hopper")
		wantText(t, b.get("/admin/imports"), http.StatusOK, "people.csv", "badge imp-done")

		// The error report: the bad line with its reason, as CSV.
		rep := b.get(started.URL + "/errors.csv")
		if rep.status != http.StatusOK || !strings.HasPrefix(rep.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(rep.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("errors.csv: %d %s", rep.status, rep.header)
		}
		rows, err := csv.NewReader(strings.NewReader(rep.body)).ReadAll()
		if err != nil || len(rows) != 2 || rows[0][0] != "line" || rows[1][0] != "3" || !strings.Contains(rows[1][1], "e-mail") {
			t.Fatalf("errors.csv rows %q: %v", rows, err)
		}

		// Without JavaScript: the form posts the file (multipart) and lands on the import's page.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, err := mw.CreateFormFile("file", "more.ndjson")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write([]byte(`{"firstName":"Joan","lastName":"Clarke","company":"Hut 8","email":"joan@hut8.example"}` + "\n"))
		_ = mw.Close()
		pg = b.postRaw("/admin/imports/upload", mw.FormDataContentType(), &body, nil)
		if pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/admin/imports/imp_") {
			t.Fatalf("multipart upload: %d %q %s", pg.status, pg.location(), pg.body)
		}
		e.runJobs()
		ip = b.follow(pg)
		wantText(t, ip, http.StatusOK, "more.ndjson", "ndjson", "<dt>Imported</dt><dd>1</dd>", "<dt>Refused</dt><dd>0</dd>")
		wantNoText(t, ip, "Download error report")
		wantText(t, b.get("/admin/leads"), http.StatusOK, "Joan Clarke")

		// Refusals say what to do.
		pg = b.postRaw("/admin/imports?filename=people.xlsx", "application/octet-stream", strings.NewReader("x"), nil)
		if pg.status != http.StatusUnprocessableEntity || !strings.Contains(pg.body, "must be CSV") {
			t.Fatalf("unknown format: %d %s", pg.status, pg.body)
		}
		body.Reset()
		mw = multipart.NewWriter(&body)
		_ = mw.WriteField("note", "no file")
		_ = mw.Close()
		wantText(t, b.postRaw("/admin/imports/upload", mw.FormDataContentType(), &body, nil), http.StatusUnprocessableEntity, "Choose a file to import.")
		wantUI(t, b.get("/admin/imports/imp_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"), http.StatusNotFound)

		// A row naming an archived partner: admins read which and why; staff
		// who see only some partners do not see imports at all.
		gone := e.activePartner("Gone Partner", "")
		if _, err := e.app.ArchivePartner(e.ctx, e.admin, gone.ID, appUpdate()); err != nil {
			t.Fatal(err)
		}
		pg = b.postRaw("/admin/imports?filename=gone.csv", "text/csv", strings.NewReader("email,partnerId\nx@gone.example,"+gone.ID+"\n"), nil)
		if err := json.Unmarshal([]byte(pg.body), &started); err != nil {
			t.Fatalf("%s: %v", pg.body, err)
		}
		e.runJobs()
		wantText(t, b.get(started.URL+"/errors.csv"), http.StatusOK, "partner Gone Partner is archived")
		e.user("ana@vendor.example", ally.RoleManager)
		rep = e.signIn("ana@vendor.example").get(started.URL + "/errors.csv")
		wantUI(t, rep, http.StatusForbidden)
		wantNoText(t, rep, "Gone Partner")

		// A viewer neither sees imports nor uploads.
		e.user("vera@vendor.example", ally.RoleViewer)
		v := e.signIn("vera@vendor.example")
		wantUI(t, v.get("/admin/imports"), http.StatusForbidden)
		pg = v.postRaw("/admin/imports?filename=people.csv", "text/csv", strings.NewReader(ldImportCSV), nil)
		if pg.status != http.StatusForbidden {
			t.Fatalf("viewer upload: %d %s", pg.status, pg.body)
		}
	})
}

// ldProgressJSON is the progress poll's answer.
type ldProgressJSON struct {
	Status                       string
	Bytes, BytesDone             int64
	RowsDone, RowsOK, RowsFailed int64
	Percent                      int64
	Done                         bool
}

func ldProgress(t *testing.T, b *uiBrowser, path string) ldProgressJSON {
	t.Helper()
	pg := b.get(path)
	var p ldProgressJSON
	if pg.status != http.StatusOK || json.Unmarshal([]byte(pg.body), &p) != nil {
		t.Fatalf("progress %s: %d %s", path, pg.status, pg.body)
	}
	return p
}
