package main_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// importRows is the size of the upload (about 4.1 MB with each lead's
// message: four stored chunks): large enough that the import is still
// running when half of it is done, small enough to import within the
// test's time under the race detector (which slows the pure-Go SQLite to
// one or two thousand rows a second here).
const importRows = 20_000

// message is each lead's message: it makes the rows long enough that
// half the file spans more than one stored chunk.
var message = strings.Repeat("Wants a quote for the engine; ", 4)

// leadsFile is a CSV upload of n leads, each with its own externalId
// (imp-000001 …), of which the rows in bad (1-based) are refused: a bad
// e-mail or a country that is no ISO code.
func leadsFile(n int, bad map[int]string) []byte {
	var buf bytes.Buffer
	buf.Grow(n * 220)
	buf.WriteString("externalId,firstName,lastName,email,company,country,source,message\n")
	for i := 1; i <= n; i++ {
		email, country := fmt.Sprintf("ada.%d@import.example", i), "GB"
		switch bad[i] {
		case "email":
			email = "not-an-address"
		case "country":
			country = "Germany"
		}
		fmt.Fprintf(&buf, "imp-%06d,Ada,Lovelace %d,%s,Analytical Engines Ltd,%s,event,%s\n", i, i, email, country, message)
	}
	return buf.Bytes()
}

// importLock is the job lock of the import test: short, so the restarted
// node takes the killed node's import over soon, but long enough that a
// job run (the runner gives it 0.9 of the lock) holds a batch of rows
// under the race detector on a busy machine.
const importLock = "ALLY_JOB_LOCK=10s"

// kill -9 in the middle of a bulk import: the upload was acknowledged (202),
// so after a restart every row of it is imported exactly once, and the
// counts and the error report say so.
func TestLeadImportSurvivesKill(t *testing.T) {
	t.Parallel()
	onEachBackend(t, func(t *testing.T, b backend) {
		_, key := b.setupAdmin(t)
		bad := map[int]string{}
		for i := 7; i <= importRows; i += importRows / 9 {
			bad[i] = map[bool]string{true: "email", false: "country"}[len(bad)%2 == 0]
		}
		bad[importRows] = "email" // the very last row too
		file := leadsFile(importRows, bad)

		p := b.serveLeads(t, importLock)
		start := time.Now()
		r := postRaw(t, p.URL+"/api/v1/leads/import", key, "text/csv", file)
		if r.status != 202 {
			t.Fatalf("import upload: status %d, want 202: %s", r.status, r.raw)
		}
		id := str(r.object(t), "id")
		if !strings.HasPrefix(id, ally.PrefixImport) || r.header.Get("Location") != "/api/v1/imports/"+id {
			t.Fatalf("import answer: id %q, Location %q: %s", id, r.header.Get("Location"), r.raw)
		}

		// Kill the server once half the rows are committed (past the
		// first stored chunk) and the rest are not.
		var before map[string]any
		eventually(t, 60*time.Second, "the import running, half done", func() (bool, string) {
			before = mustCall(t, 200, "GET", p.URL+"/api/v1/imports/"+id, key, nil).object(t)
			if s := str(before, "status"); s == string(ally.ImportDone) || s == string(ally.ImportFailed) {
				t.Fatalf("the import ended (%s) before the test could kill the server mid-way; make the file larger: %v", s, before)
			}
			return str(before, "status") == string(ally.ImportRunning) && num(before, "rowsDone") >= importRows/2, fmt.Sprint(before)
		})
		p.Kill()
		killed := time.Now()
		t.Logf("%s: killed after %s with %d of %d rows done", b.Name, time.Since(start).Round(time.Millisecond), num(before, "rowsDone"), importRows)

		p = b.serveLeads(t, importLock)
		after := mustCall(t, 200, "GET", p.URL+"/api/v1/imports/"+id, key, nil).object(t)
		if num(after, "rowsDone") < num(before, "rowsDone") {
			t.Errorf("progress went back over the restart: %d rows done before the kill, %d after", num(before, "rowsDone"), num(after, "rowsDone"))
		}
		var im map[string]any
		eventually(t, 60*time.Second, "the import done after the restart", func() (bool, string) {
			im = mustCall(t, 200, "GET", p.URL+"/api/v1/imports/"+id, key, nil).object(t)
			if str(im, "status") == string(ally.ImportFailed) {
				t.Fatalf("the import failed after the restart: %v", im)
			}
			return str(im, "status") == string(ally.ImportDone), fmt.Sprint(im)
		})

		ok, failed := num(im, "rowsOk"), num(im, "rowsFailed")
		if num(im, "rowsDone") != importRows || ok+failed != importRows || failed != int64(len(bad)) {
			t.Errorf("counts: rowsDone %d, rowsOk %d + rowsFailed %d; the file has %d rows, %d of them bad",
				num(im, "rowsDone"), ok, failed, importRows, len(bad))
		}
		if num(im, "bytes") != int64(len(file)) || num(im, "bytesDone") != int64(len(file)) {
			t.Errorf("bytes %d, bytesDone %d; the file has %d", num(im, "bytes"), num(im, "bytesDone"), len(file))
		}
		t.Logf("%s: done %s after the kill", b.Name, time.Since(killed).Round(time.Millisecond))
		checkImportErrors(t, p.URL, key, id, bad)
		checkImportedOnce(t, "database", storedLeads(t, b, id), bad, ok)
		checkImportedOnce(t, "API list", listedLeads(t, p.URL, key), bad, ok)
	})
}

// checkImportErrors asserts the error report lists each bad row once, by
// its line in the file (the header is line 1), and nothing else.
func checkImportErrors(t *testing.T, base, key, id string, bad map[int]string) {
	t.Helper()
	r := call(t, "GET", base+"/api/v1/imports/"+id+"/errors", key, nil)
	if r.status != 200 {
		t.Fatalf("errors report: status %d: %s", r.status, r.raw)
	}
	records, err := csv.NewReader(strings.NewReader(r.raw)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("errors report is not CSV with a header (%v): %q", err, r.raw)
	}
	lines := map[int]int{}
	for _, rec := range records[1:] {
		line, err := strconv.Atoi(rec[0])
		if err != nil {
			t.Errorf("errors report row %q: no line number", rec)
			continue
		}
		lines[line]++
	}
	for row, why := range bad {
		if lines[row+1] != 1 {
			t.Errorf("row %d (bad %s, line %d) is in the errors report %d times", row, why, row+1, lines[row+1])
		}
		delete(lines, row+1)
	}
	for line, n := range lines {
		t.Errorf("errors report names line %d (%d times), a good row", line, n)
	}
}

// storedLeads counts the leads in the database by externalId, asserting
// each came in with import id.
func storedLeads(t *testing.T, b backend, id string) map[string]int {
	t.Helper()
	seen := make(map[string]int, importRows)
	elsewhere := 0
	err := openStore(t, b).EachLead(context.Background(), ally.LeadFilter{Sort: ally.LeadSortOldest}, func(l *ally.Lead) error {
		seen[l.ExternalID]++
		if l.ImportID != id {
			if elsewhere++; elsewhere <= 10 {
				t.Errorf("lead %s (%s) has import %q, want %s", l.ID, l.ExternalID, l.ImportID, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

// listedLeads counts the leads the API lists, page by page, by externalId.
func listedLeads(t *testing.T, base, key string) map[string]int {
	t.Helper()
	seen := make(map[string]int, importRows)
	for _, l := range listAll(t, base, key, "/api/v1/leads?sort=oldest") {
		seen[str(l, "externalId")]++
	}
	return seen
}

// checkImportedOnce asserts the leads seen (where: the database, the API)
// are the good rows of the file, each exactly once, rowsOK in all.
func checkImportedOnce(t *testing.T, where string, seen map[string]int, bad map[int]string, rowsOK int64) {
	t.Helper()
	total, missing, twice := 0, 0, 0
	for _, n := range seen {
		total += n
	}
	for i := 1; i <= importRows; i++ {
		ext := fmt.Sprintf("imp-%06d", i)
		n := seen[ext]
		switch {
		case bad[i] != "" && n != 0:
			t.Errorf("%s: bad row %d (%s) was imported %d times", where, i, bad[i], n)
		case bad[i] == "" && n == 0:
			if missing++; missing <= 10 {
				t.Errorf("%s: row %d (%s) is missing", where, i, ext)
			}
		case n > 1:
			if twice++; twice <= 10 {
				t.Errorf("%s: row %d (%s) was imported %d times", where, i, ext, n)
			}
		}
	}
	if missing > 0 || twice > 0 {
		t.Errorf("%s: %d rows missing, %d imported more than once", where, missing, twice)
	}
	if int64(total) != rowsOK {
		t.Errorf("%s: %d leads, the import says %d rows imported", where, total, rowsOK)
	}
}
