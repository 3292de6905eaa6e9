package browsertest

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

const (
	importRows = 5000
	// importTimeout bounds the upload and the import job together: 5,000
	// rows under the race detector on a busy two-core machine.
	importTimeout = 90 * time.Second
)

// badRow is a row of an import file that must be refused, with a word
// of the reason the error report must give.
type badRow struct{ email, country, reason string }

// importBad are the rows of the test's file that must be refused, by data
// row (the header is line 1, so data row n is line n+1).
var importBad = map[int]badRow{
	1234: {email: "not-an-email", country: "DE", reason: "e-mail"},
	3901: {email: "ok@import.example", country: "Germany", reason: "country"},
}

// TestImportJourney uploads a CSV of 5,000 leads with two bad rows from
// the admin's import page, as a user picks a file: the progress bar moves
// through the upload and the import to the counts, the bad rows are
// refused without holding the others back, and the error report names
// their lines.
func TestImportJourney(t *testing.T) {
	t.Parallel()
	engines := []struct {
		name    string
		backend func(*testing.T) backend
	}{{"sqlite", sqliteBackend}, {"postgres", postgresBackend}}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			needBrowser(t)
			b := e.backend(t)
			b.run(t, "user", "create", "--email", staffEmail, "--password", staffPassword, "--role", "owner", "--name", "Olive Owner")
			file := writeImportFile(t, "leads.csv", importRows, importBad)
			srv := b.serve(t)
			start := time.Now()

			staff := newTab(t, srv.URL, "staff")
			signInStaff(staff, staffEmail, staffPassword)
			seen := uploadImport(staff, file, importRows, importRows-len(importBad), len(importBad))
			t.Logf("%s: the progress bar showed %s", e.name, seen)
			checkImportPage(staff, "leads.csv", importRows-len(importBad), len(importBad))
			checkErrorReport(staff)
			checkImportedLeads(staff)
			t.Logf("%s: import journey took %s", e.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// writeImportFile writes a CSV file of rows leads, the rows of bad
// broken, and returns its path.
func writeImportFile(t *testing.T, name string, rows int, bad map[int]badRow) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("externalId,firstName,lastName,email,company,country,source\n")
	for i := 1; i <= rows; i++ {
		email, country := fmt.Sprintf("ada.%d@import.example", i), "DE"
		if b, ok := bad[i]; ok {
			email, country = b.email, b.country
		}
		fmt.Fprintf(&sb, "imp-%04d,Ada,Row %d,%s,Import Co %d,%s,web\n", i, i, email, i, country)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// importWatch records every state the progress bar of the import form
// shows, as [value, phase text], in window.importSeen.
const importWatch = `(() => {
	const bar = document.getElementById("import-bar"), phase = document.getElementById("import-phase");
	window.importSeen = [];
	new MutationObserver(() => {
		const last = window.importSeen[window.importSeen.length - 1], now = [bar.value, phase.textContent];
		if (!last || last[0] !== now[0] || last[1] !== now[1]) window.importSeen.push(now);
	}).observe(phase, {childList: true, characterData: true, subtree: true});
})()`

// uploadImport imports the file with uploads throttled so the upload's
// progress can be seen, and wants the form to end with the counts. It
// returns the states the progress bar went through.
func uploadImport(b *tab, file string, rows, ok, refused int) string {
	b.t.Helper()
	info, err := os.Stat(file)
	if err != nil {
		b.t.Fatal(err)
	}
	// About two seconds of upload: several progress events on loopback.
	importFile(b, file, float64(info.Size())/2)
	b.wantText("#import-phase", "Import done.")
	b.wantText("#import-counts", fmt.Sprintf("%d rows read: %d imported, %d refused.", rows, ok, refused))
	seen := run(b, "reading the progress bar's states", chromedp.Evaluate[[][2]any](`window.importSeen`))
	var parts []string
	uploading, between := false, false
	for _, s := range seen {
		v, _ := s[0].(float64)
		text := fmt.Sprint(s[1])
		parts = append(parts, fmt.Sprintf("%v%% %q", v, text))
		uploading = uploading || (strings.HasPrefix(text, "Uploading… ") && v > 0 && v < 100)
		between = between || strings.HasPrefix(text, "Uploaded.") || strings.HasPrefix(text, "Importing…")
	}
	states := strings.Join(parts, " → ")
	last := seen[len(seen)-1]
	if len(seen) < 3 || !uploading || !between || last[0] != float64(100) || last[1] != "Import done." {
		b.fatalf("the progress bar did not move through the upload and the import to 100%%: %s", states)
	}
	return states
}

// importFile opens the import page, picks the file in the form and starts
// it, with uploads limited to bytesPerSecond when it is above 0, and waits
// until the form says the import ended, without an error. The states of
// the progress bar are in window.importSeen.
func importFile(b *tab, file string, bytesPerSecond float64) {
	b.t.Helper()
	b.clickOK("opening the imports", `nav.main a[href="/admin/imports"]`)
	b.wantText("main h1", "Import leads")
	b.do("picking the file", chromedp.SetUploadFiles(`#f-file`, []string{file}))
	b.do("watching the progress bar", chromedp.Evaluate[chromedp.Void](importWatch))
	if bytesPerSecond > 0 {
		b.do("throttling uploads", throttleUploads(bytesPerSecond))
	}
	b.do("starting the upload", chromedp.Click(`#import-submit`))
	b.waitJS("the import form says the import ended", `!document.getElementById("import-link").hidden`, importTimeout)
	if bytesPerSecond > 0 {
		b.do("ending the throttle", throttleUploads(-1))
	}
	if msg := run(b, "reading the error box", chromedp.Evaluate[string](
		`document.getElementById("import-error").hidden ? "" : document.getElementById("import-error").textContent`)); msg != "" {
		b.fatalf("the import form shows an error: %s", msg)
	}
}

// throttleUploads limits what the tab sends to bytesPerSecond (-1: no
// limit), as a slow line would.
func throttleUploads(bytesPerSecond float64) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: bytesPerSecond}}})
		return chromedp.Void{}, err
	}
}

// waitJS waits until the expression is true on the page, for at most timeout.
func (b *tab) waitJS(what, expr string, timeout time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+5*time.Second)
	defer cancel()
	poll := chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(timeout))
	if _, err := chromedp.Run(ctx, poll); err != nil {
		b.fatalf("waiting until %s: %v", what, err)
	}
}

// checkImportPage follows the form's link to the import's page: done, the
// bar full, the counts.
func checkImportPage(b *tab, filename string, ok, refused int) {
	b.t.Helper()
	b.clickOK("opening the import", `#import-link a`)
	b.wantText("main h1", "Import of "+filename)
	b.wantText("#h-progress", "Done")
	if v := run(b, "reading the progress bar", chromedp.Evaluate[float64](`document.querySelector('section[aria-labelledby="h-progress"] progress').value`)); v != 100 {
		b.fatalf("the import's progress bar is at %v%%", v)
	}
	got := b.props(`section[aria-labelledby="h-progress"] dl.props`)
	if got["Status"] != "done" || got["Imported"] != fmt.Sprint(ok) || got["Refused"] != fmt.Sprint(refused) {
		b.fatalf("the import's counts are %v, want done, %d imported, %d refused", got, ok, refused)
	}
}

// checkErrorReport fetches the page's error report link: a CSV naming the
// line of each bad row with its reason, and nothing else.
func checkErrorReport(b *tab) {
	b.t.Helper()
	rep := b.fetchLink(`a[href$="/errors.csv"]`)
	if rep.Status != 200 || !strings.HasPrefix(rep.Type, "text/csv") || !strings.HasPrefix(rep.Disposition, "attachment") {
		b.fatalf("the error report: %d %q %q\n%s", rep.Status, rep.Type, rep.Disposition, rep.Body)
	}
	rows, err := csv.NewReader(strings.NewReader(rep.Body)).ReadAll()
	if err != nil || len(rows) != 1+len(importBad) || strings.Join(rows[0], ",") != "line,reason" {
		b.fatalf("the error report is not a header and %d rows (%v):\n%s", len(importBad), err, rep.Body)
	}
	for _, r := range rows[1:] {
		var n int
		if _, err := fmt.Sscan(r[0], &n); err != nil {
			b.fatalf("the error report's line %q is not a number:\n%s", r[0], rep.Body)
		}
		bad, ok := importBad[n-1]
		if !ok || !strings.Contains(r[1], bad.reason) {
			b.fatalf("the error report names line %d (%s), want lines %v with their reasons:\n%s", n, r[1], importBadLines(), rep.Body)
		}
	}
}

func importBadLines() []int {
	var lines []int
	for n := range importBad {
		lines = append(lines, n+1)
	}
	return lines
}

// checkImportedLeads searches the leads: a good row's lead is there, a
// bad row's is not.
func checkImportedLeads(b *tab) {
	b.t.Helper()
	for row := range importBad {
		for _, n := range []int{row - 1, row} {
			b.open(fmt.Sprintf("/admin/leads?q=Import+Co+%d", n))
			rows := b.rows("main table.list tbody tr")
			_, bad := importBad[n]
			switch {
			case bad && len(rows) != 0:
				b.fatalf("the refused row %d became a lead:\n%s", n, strings.Join(rows, "\n"))
			case !bad && (len(rows) != 1 || !strings.Contains(rows[0], fmt.Sprintf("Ada Row %d", n))):
				b.fatalf("searching row %d's company lists:\n%s", n, strings.Join(rows, "\n"))
			}
		}
	}
}

// props reads a definition list: each term's text to its definition's.
func (b *tab) props(sel chromedp.CSS) map[string]string {
	b.t.Helper()
	return run(b, "reading "+string(sel), chromedp.Evaluate[map[string]string](fmt.Sprintf(`(() => {
		const out = {};
		for (const dt of document.querySelectorAll(%s + " > dt")) out[dt.innerText.trim()] = dt.nextElementSibling.innerText.trim();
		return out;
	})()`, jsString(string(sel)))))
}
