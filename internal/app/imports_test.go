package app_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// importEnv is an app over a fresh store with an admin, two partners and a
// rule giving German leads to the first.
type importEnv struct {
	a      *app.App
	db     *store.DB
	admin  ally.Actor
	de, fr *ally.Partner
	now    func() time.Time
	url    string // the database's, for the benchmarks' own connections
}

// eachImport runs fn on every engine; opts add to app.New's.
func eachImport(t *testing.T, fn func(t *testing.T, e *importEnv), opts ...app.Option) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newImportEnv(t, engine, opts...))
		})
	}
}

func newImportEnv(tb testing.TB, engine string, opts ...app.Option) *importEnv {
	db := storetest.Open(tb, engine)
	e := &importEnv{a: app.New(db, opts...), db: db, now: time.Now}
	e.admin = impStaff(tb, e.a, "admin@vendor.example", ally.RoleAdmin)
	e.de = impPartner(tb, e.a, e.admin, "Deutsch GmbH")
	e.fr = impPartner(tb, e.a, e.admin, "Français SA")
	impRule(tb, e.a, e.admin, ally.RoutingRuleFields{Name: ptr("Germany"), Priority: ptr(10), Enabled: ptr(true),
		Conditions: &ally.RuleConditions{Countries: []string{"DE"}}, Mode: ptr(ally.RouteToPartner), PartnerID: &e.de.ID})
	return e
}

func impStaff(tb testing.TB, a *app.App, email string, role ally.Role) ally.Actor {
	tb.Helper()
	u, err := a.CreateUser(context.Background(), sys, ally.NewUser{Email: email, Role: role, Password: "long enough password"})
	if err != nil {
		tb.Fatal(err)
	}
	return ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Label: u.Email, Role: u.Role}
}

func impPartner(tb testing.TB, a *app.App, actor ally.Actor, name string) *ally.Partner {
	tb.Helper()
	p, _, err := a.CreatePartner(context.Background(), actor, ally.PartnerFields{Name: &name, Status: ptr(ally.StatusActive)})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func impRule(tb testing.TB, a *app.App, actor ally.Actor, f ally.RoutingRuleFields) *ally.RoutingRule {
	tb.Helper()
	r, err := a.CreateRoutingRule(context.Background(), actor, f)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// start uploads body and checks the import is queued.
func (e *importEnv) start(tb testing.TB, format ally.ImportFormat, body string) *ally.LeadImport {
	tb.Helper()
	im, err := e.a.StartImport(context.Background(), e.admin, format, "leads."+string(format), strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if im.Status != ally.ImportQueued || im.Bytes != int64(len(body)) {
		tb.Fatalf("after upload: %+v", im)
	}
	return im
}

// runJobs runs the import job with a real job runner until the import
// has ended, and returns it and how many runs it took.
func (e *importEnv) runJobs(tb testing.TB, id string) (*ally.LeadImport, int) {
	tb.Helper()
	ctx := context.Background()
	r := jobs.New(e.db, jobs.Options{Now: e.now})
	r.Handle(ally.JobImport, e.a.HandleImport)
	for runs := 1; runs <= 100; runs++ {
		if _, err := r.RunOnce(ctx); err != nil {
			tb.Fatal(err)
		}
		im, err := e.a.Import(ctx, e.admin, id)
		if err != nil {
			tb.Fatal(err)
		}
		if im.Status == ally.ImportDone || im.Status == ally.ImportFailed {
			return im, runs
		}
	}
	tb.Fatal("the import did not end in 100 runs")
	return nil, 0
}

// imported runs an upload to its end.
func (e *importEnv) imported(tb testing.TB, format ally.ImportFormat, body string) *ally.LeadImport {
	tb.Helper()
	im, _ := e.runJobs(tb, e.start(tb, format, body).ID)
	return im
}

// leadsOf returns the import's leads by e-mail, failing on a repeat.
func (e *importEnv) leadsOf(tb testing.TB, id string) map[string]*ally.Lead {
	tb.Helper()
	out := map[string]*ally.Lead{}
	err := e.db.EachLead(context.Background(), ally.LeadFilter{Sort: ally.LeadSortOldest}, func(l *ally.Lead) error {
		if l.ImportID != id {
			return nil
		}
		if out[l.Email] != nil {
			return fmt.Errorf("%s imported twice", l.Email)
		}
		out[l.Email] = l
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// routed reads a lead whole: EachLead streams leads without their routing
// explanation.
func (e *importEnv) routed(tb testing.TB, l *ally.Lead) *ally.Lead {
	tb.Helper()
	full, err := e.db.FindLeadByID(context.Background(), l.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return full
}

// rowErrors returns the import's error report as "line: reason".
func (e *importEnv) rowErrors(tb testing.TB, id string) []string {
	tb.Helper()
	var out []string
	err := e.a.ImportErrors(context.Background(), e.admin, id, func(r *ally.ImportRowError) error {
		out = append(out, fmt.Sprintf("%d: %s", r.Line, r.Reason))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestImportCSV(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		ctx := context.Background()
		body := "\ufeffEmail,FIRSTNAME,lastName,company,country,source,partnerId,custom.score,Budget\r\n" +
			"ana@a.example,Ana,Lima,Acme,de,Web,,7,5000\r\n" +
			"bo@b.example,Bo,Berg,Beta,DE,event," + e.fr.ID + ",,\r\n" +
			"cy@c.example,Cy,Chen,Gamma,US,,,,\r\n"
		im := e.imported(t, ally.ImportCSV, body)
		if im.Status != ally.ImportDone || im.RowsDone != 3 || im.RowsOK != 3 || im.RowsFailed != 0 ||
			im.StartedAt.IsZero() || im.FinishedAt.IsZero() || im.Error != "" {
			t.Fatalf("import: %+v", im)
		}
		leads := e.leadsOf(t, im.ID)
		if len(leads) != 3 {
			t.Fatalf("%d leads", len(leads))
		}
		ana, bo, cy := e.routed(t, leads["ana@a.example"]), e.routed(t, leads["bo@b.example"]), e.routed(t, leads["cy@c.example"])
		// The rules place a row without partnerId; partnerId assigns directly.
		if ana.PartnerID != e.de.ID || ana.Routing == nil || ana.Routing.Outcome != ally.RoutedByRule {
			t.Errorf("ana: partner %s, routing %+v", ana.PartnerID, ana.Routing)
		}
		if bo.PartnerID != e.fr.ID || bo.Routing == nil || bo.Routing.Outcome != ally.RoutedDirect {
			t.Errorf("bo: partner %s, routing %+v", bo.PartnerID, bo.Routing)
		}
		if cy.PartnerID != "" || cy.Routing == nil || cy.Routing.Outcome != ally.RoutedNowhere {
			t.Errorf("cy: partner %s, routing %+v", cy.PartnerID, cy.Routing)
		}
		// Known columns ignore case and are normalized; others are custom fields.
		if ana.FirstName != "Ana" || ana.Country != "DE" || ana.Source != "web" ||
			ana.Custom["score"] != "7" || ana.Custom["Budget"] != "5000" || len(ana.Custom) != 2 {
			t.Errorf("ana: %+v", ana)
		}
		if len(bo.Custom) != 0 {
			t.Errorf("empty cells became custom fields: %v", bo.Custom)
		}
		// The stored upload is gone; the import is audited; the importer told.
		if _, err := e.db.FindImportChunk(ctx, im.ID, 0); !ally.IsNotFound(err) {
			t.Errorf("chunk after the import: %v", err)
		}
		start, _ := e.a.AuditEvents(ctx, sys, ally.AuditFilter{Action: "lead.import.start"})
		end, _ := e.a.AuditEvents(ctx, sys, ally.AuditFilter{Action: "lead.import"})
		if len(start.Items) != 1 || start.Items[0].ActorID != e.admin.ID || start.Items[0].TargetID != im.ID ||
			len(end.Items) != 1 || end.Items[0].ActorKind != ally.ActorSystem || end.Items[0].ActorLabel != e.admin.Label ||
			fmt.Sprint(end.Items[0].Changes["rowsOk"].After) != "3" {
			t.Errorf("audit: %+v %+v", start.Items, end.Items)
		}
		ns, _ := e.a.Notifications(ctx, e.admin, 10)
		if len(ns) != 1 || !strings.Contains(ns[0].Text, "Import finished: 3 leads, 0 rows refused") {
			t.Errorf("notifications: %+v", ns)
		}
		// A finished import's job does nothing when run again.
		if err := e.a.HandleImport(ctx, impJob(im.ID)); err != nil {
			t.Fatal(err)
		}
		if n := len(e.leadsOf(t, im.ID)); n != 3 {
			t.Fatalf("a second run made %d leads", n)
		}
	})
}

func impJob(id string) *ally.Job {
	return &ally.Job{Kind: ally.JobImport, Args: []byte(`{"importId":"` + id + `"}`)}
}

// TestImportBadRows: every bad row is reported with its line and why,
// and the good rows around it are imported.
func TestImportBadRows(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		rows := []struct {
			name, row, reason string // reason "" means the row is good
		}{
			{"good", "ok1@x.example,A,DE,Acme,", ""},
			{"missing e-mail", ",A,DE,,", "email: is required"},
			{"bad e-mail", "not-an-address,A,DE,Acme,", "email: must be a valid e-mail address"},
			{"bad country", "c@x.example,A,Germany,Acme,", "country: must be a two-letter"},
			{"too long", "d@x.example,A,DE," + strings.Repeat("x", 201) + ",", "company: must be at most 200"},
			{"two problems", "nope,A,Germany,Acme,", "email: must be a valid e-mail address; country: must be"},
			{"wrong field count", "e@x.example,A,DE", "has 3 fields; the header has 5"},
			{"bare quote", `f@x.example,A"B,DE,Acme,`, "is not valid CSV"},
			{"unknown partner", "g@x.example,A,DE,Acme,ptn_01NOSUCHPARTNER", "partnerId:"},
			{"not a partner id", "h@x.example,A,DE,Acme,acme", "partnerId: must be a partner id"},
			{"good", "ok2@x.example,B,FR,Beta," + e.fr.ID, ""},
		}
		body := "email,firstName,country,company,partnerId\n"
		var want []string
		for i, r := range rows {
			body += r.row + "\n"
			if r.reason != "" {
				want = append(want, fmt.Sprintf("%d: %s", i+2, r.reason))
			}
		}
		im := e.imported(t, ally.ImportCSV, body)
		if im.Status != ally.ImportDone || im.RowsDone != int64(len(rows)) || im.RowsOK != 2 || im.RowsFailed != int64(len(want)) {
			t.Fatalf("import: %+v", im)
		}
		got := e.rowErrors(t, im.ID)
		if len(got) != len(want) {
			t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("error %d = %q, want %q…", i, got[i], want[i])
			}
		}
		leads := e.leadsOf(t, im.ID)
		if len(leads) != 2 || leads["ok2@x.example"].PartnerID != e.fr.ID {
			t.Fatalf("leads: %v", leads)
		}
	})
}

// TestImportCSVLineNumbers: a quoted field may hold newlines and quotes;
// the lines of the rows after it are still the file's.
func TestImportCSVLineNumbers(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		body := "email,message\n" +
			"a@x.example,\"line one\nline two, still the message\"\n" + // lines 2-3
			"\n" + // 4: blank, skipped
			"b@x.example,\"said \"\"hi\"\"\"\n" + // 5
			"bad,oops\n" + // 6
			"c@x.example,\"three\n\nlines\"\n" + // 7-9
			"also bad,x" // 10, no newline at the end
		im := e.imported(t, ally.ImportCSV, body)
		if got := e.rowErrors(t, im.ID); len(got) != 2 || !strings.HasPrefix(got[0], "6: email") || !strings.HasPrefix(got[1], "10: email") {
			t.Fatalf("errors: %q", got)
		}
		leads := e.leadsOf(t, im.ID)
		if leads["a@x.example"].Message != "line one\nline two, still the message" || leads["b@x.example"].Message != `said "hi"` ||
			leads["c@x.example"].Message != "three\n\nlines" || im.RowsDone != 5 || im.RowsOK != 3 {
			t.Fatalf("import %+v, leads %v", im, leads)
		}
	})
}

func TestImportNDJSON(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		body := `{"email":"a@x.example","firstName":"Ana","country":"DE","custom":{"score":5},"budget":"100"}` + "\n" +
			"\n" +
			`{"Email":"b@x.example","company":"Beta","partnerId":"` + e.fr.ID + `"}` + "\r\n" +
			`{"email": "c@x.example", "firstName": 7}` + "\n" +
			`{not json` + "\n" +
			`[1,2]` + "\n" +
			`{"email":"d@x.example","partnerId":"ptn_01NOSUCHPARTNER"}` + "\n" +
			`{"email":"e@x.example","custom":"x"}` + "\n" +
			`{"email":"f@x.example","lastName":null}`
		im := e.imported(t, ally.ImportNDJSON, body)
		if im.Status != ally.ImportDone || im.RowsDone != 8 || im.RowsOK != 3 || im.RowsFailed != 5 {
			t.Fatalf("import: %+v", im)
		}
		want := []string{"4: firstName: must be a string", "5: is not valid JSON", "6: is not a JSON object", "7: partnerId:", "8: custom: must be an object"}
		got := e.rowErrors(t, im.ID)
		if len(got) != len(want) {
			t.Fatalf("errors: %q", got)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("error %d = %q, want %q…", i, got[i], want[i])
			}
		}
		leads := e.leadsOf(t, im.ID)
		if leads["a@x.example"] == nil || leads["b@x.example"] == nil || leads["f@x.example"] == nil {
			t.Fatalf("leads: %v", leads)
		}
		a, b := leads["a@x.example"], e.routed(t, leads["b@x.example"])
		if a.PartnerID != e.de.ID || a.Custom["score"] != float64(5) || a.Custom["budget"] != "100" || len(a.Custom) != 2 {
			t.Errorf("a: %+v", a)
		}
		if b.PartnerID != e.fr.ID || b.Routing.Outcome != ally.RoutedDirect || b.Company != "Beta" {
			t.Errorf("b: %+v", b)
		}
	})
}

// TestImportNDJSONLongLine: a line over 1 MiB is a bad row; the next is read.
func TestImportNDJSONLongLine(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		body := `{"email":"a@x.example","message":"` + strings.Repeat("x", 1<<20) + `"}` + "\n" + `{"email":"b@x.example"}`
		im := e.imported(t, ally.ImportNDJSON, body)
		if got := e.rowErrors(t, im.ID); len(got) != 1 || got[0] != "1: is longer than 1 MiB" || im.RowsOK != 1 {
			t.Fatalf("import %+v, errors %q", im, got)
		}
	})
}

// TestImportFileFails: a file that cannot be read on fails the import
// with where and why; the rows before stay imported.
func TestImportFileFails(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		cases := []struct {
			name, body, err string
			ok              int64
		}{
			{"no header", "ana@x.example,Ana\nbo@x.example,Bo\n", "line 1 must be a header row", 0},
			{"column twice", "email,Email\n", `the column "Email" appears twice`, 0},
			{"bad custom name", "email,lead score\n", `custom fields Ally cannot keep`, 0},
			{"quote never closes", "email,message\na@x.example,hi\nb@x.example,\"open\nc@x.example,x\n", "line 4: a quoted field that starts on line 3", 1},
			{"whitespace only", "\n\n", "the file is empty", 0},
		}
		for _, c := range cases {
			im := e.imported(t, ally.ImportCSV, c.body)
			if im.Status != ally.ImportFailed || !strings.Contains(im.Error, c.err) || im.RowsOK != c.ok {
				t.Errorf("%s: %+v", c.name, im)
			}
			if _, err := e.db.FindImportChunk(context.Background(), im.ID, 0); !ally.IsNotFound(err) {
				t.Errorf("%s: chunk after the import: %v", c.name, err)
			}
		}
		ns, _ := e.a.Notifications(context.Background(), e.admin, 10)
		if len(ns) != len(cases) || !strings.HasPrefix(ns[0].Text, "Import stopped: ") {
			t.Errorf("notifications: %+v", ns)
		}
	})
}

// impClock moves a minute on each reading, so every batch of an import
// ends its run's time slice; stop, when set, is called at the given reading.
type impClock struct {
	mu     sync.Mutex
	t      time.Time
	n      int
	stopAt int
	stop   func()
}

func (c *impClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
	c.n++
	if c.stop != nil && c.n == c.stopAt {
		c.stop()
	}
	return c.t
}

// TestImportResumes: an import runs in time slices of whole batches, each
// committed with its progress; a run that dies in the middle of a batch
// leaves nothing of it, and the next run goes on from the last committed
// row. Every row ends up imported exactly once.
func TestImportResumes(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := &impClock{t: time.Now().UTC()}
			e := newImportEnv(t, engine, app.WithClock(clk.Now))
			e.now = clk.Now
			batch := app.ImportBatch
			rows, bad := 2*batch+500, batch+batch/2 // a bad row after lead bad, in the second batch
			var b strings.Builder
			b.WriteString("email,country\n")
			for i := range rows {
				fmt.Fprintf(&b, "lead%05d@x.example,DE\n", i)
				if i == bad {
					b.WriteString("bad row,DE\n")
				}
			}
			im := e.start(t, ally.ImportCSV, b.String())

			// The first run imports one batch and hands the job back.
			err := e.a.HandleImport(ctx, impJob(im.ID))
			if err == nil {
				t.Fatal("the first run finished the import")
			}
			got, _ := e.a.Import(ctx, e.admin, im.ID)
			if got.Status != ally.ImportRunning || got.RowsDone != int64(batch) || got.RowsOK != int64(batch) {
				t.Fatalf("after the first batch: %+v", got)
			}
			if n := len(e.leadsOf(t, im.ID)); n != batch {
				t.Fatalf("%d leads after one batch", n)
			}

			// The second dies in the middle of its batch's transaction (the
			// clock's third reading is in it): nothing of that batch stays.
			runCtx, kill := context.WithCancel(ctx)
			defer kill()
			clk.mu.Lock()
			clk.stopAt, clk.stop = clk.n+3, kill
			clk.mu.Unlock()
			if err := e.a.HandleImport(runCtx, impJob(im.ID)); err == nil {
				t.Fatal("a killed run finished the import")
			}
			if again, _ := e.a.Import(ctx, e.admin, im.ID); again.RowsDone != int64(batch) || !again.UpdatedAt.Equal(got.UpdatedAt) {
				t.Fatalf("after a killed run: %+v", again)
			}
			if n := len(e.leadsOf(t, im.ID)); n != batch {
				t.Fatalf("%d leads after a killed run", n)
			}

			// The job runner goes on: one batch per run, then done.
			clk.mu.Lock()
			clk.stop = nil
			clk.mu.Unlock()
			done, runs := e.runJobs(t, im.ID)
			if done.Status != ally.ImportDone || runs != 2 || done.RowsDone != int64(rows+1) || done.RowsOK != int64(rows) || done.RowsFailed != 1 {
				t.Fatalf("after %d runs: %+v", runs, done)
			}
			if errs := e.rowErrors(t, im.ID); len(errs) != 1 || !strings.HasPrefix(errs[0], fmt.Sprintf("%d: email", bad+3)) {
				t.Fatalf("errors: %q", errs)
			}
			leads := e.leadsOf(t, im.ID)
			if len(leads) != rows {
				t.Fatalf("%d leads, want %d", len(leads), rows)
			}
			for i := range rows {
				if l := leads[fmt.Sprintf("lead%05d@x.example", i)]; l == nil || l.PartnerID != e.de.ID {
					t.Fatalf("lead %d: %+v", i, l)
				}
			}
		})
	}
}

// TestImportProgressBytes: the bytes read so far (the progress bar) move
// on with each batch and reach the upload's size at the end.
func TestImportProgressBytes(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			clk := &impClock{t: time.Now().UTC()}
			e := newImportEnv(t, engine, app.WithClock(clk.Now))
			e.now = clk.Now
			var b strings.Builder
			b.WriteString("email\n")
			for i := range app.ImportBatch * 3 / 2 {
				fmt.Fprintf(&b, "lead%05d@x.example\n", i)
			}
			im := e.start(t, ally.ImportCSV, b.String())
			if err := e.a.HandleImport(context.Background(), impJob(im.ID)); err == nil {
				t.Fatal("one run imported a batch and a half in a one-batch time slice")
			}
			half, _ := e.a.Import(context.Background(), e.admin, im.ID)
			if want := int64(len("email\n") + app.ImportBatch*len("lead00000@x.example\n")); half.BytesDone != want {
				t.Errorf("after a batch: %d bytes read of %d, want %d", half.BytesDone, half.Bytes, want)
			}
			if done, _ := e.runJobs(t, im.ID); done.BytesDone != done.Bytes {
				t.Errorf("done: %d bytes read of %d", done.BytesDone, done.Bytes)
			}
		})
	}
}

// TestImportUploadLimits: an empty upload is refused; one over
// ally.MaxImportBytes is stopped there, marked failed, and refused.
func TestImportUploadLimits(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		ctx := context.Background()
		_, err := e.a.StartImport(ctx, e.admin, ally.ImportCSV, "empty.csv", strings.NewReader(""))
		wantCode(t, err, ally.ECodeBadRequest)
		_, err = e.a.StartImport(ctx, e.admin, "xlsx", "leads.xlsx", strings.NewReader("x"))
		wantCode(t, err, ally.ECodeBadRequest)
		if ims, _ := e.a.Imports(ctx, e.admin, 10); len(ims) != 0 {
			t.Fatalf("refused uploads left imports: %+v", ims)
		}

		_, err = e.a.StartImport(ctx, e.admin, ally.ImportCSV, "huge.csv", io.LimitReader(impFiller{}, ally.MaxImportBytes+1))
		wantCode(t, err, ally.ECodeInvalid)
		ims, _ := e.a.Imports(ctx, e.admin, 10)
		if len(ims) != 1 || ims[0].Status != ally.ImportFailed || !strings.Contains(ims[0].Error, "larger than 512 MiB") ||
			ims[0].Bytes != ally.MaxImportBytes {
			t.Fatalf("imports: %+v", ims)
		}
		if _, err := e.db.FindImportChunk(ctx, ims[0].ID, 0); !ally.IsNotFound(err) {
			t.Errorf("chunk of a refused upload: %v", err)
		}
	})
}

// TestImportInterruptedUpload: an upload whose request dies midway stays
// "uploading", never queued, nothing imported; the sweep fails it later.
func TestImportInterruptedUpload(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		ctx := context.Background()
		body := io.MultiReader(strings.NewReader("email\n"), io.LimitReader(impFiller{}, ally.ImportChunkSize+10), impBroken{})
		if _, err := e.a.StartImport(ctx, e.admin, ally.ImportCSV, "cut.csv", body); err == nil {
			t.Fatal("an upload cut short was taken")
		}
		ims, _ := e.a.Imports(ctx, e.admin, 10)
		if len(ims) != 1 || ims[0].Status != ally.ImportUploading || ims[0].Bytes != ally.ImportChunkSize {
			t.Fatalf("imports: %+v", ims)
		}
		if n, err := jobs.New(e.db, jobs.Options{}).RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("jobs after a cut upload: %d %v", n, err)
		}
		if n, err := e.a.FailStaleUploads(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("a fresh upload was failed: %d %v", n, err)
		}
		if n, err := e.a.FailStaleUploads(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("stale uploads failed: %d %v", n, err)
		}
		im, _ := e.a.Import(ctx, e.admin, ims[0].ID)
		if im.Status != ally.ImportFailed || !strings.Contains(im.Error, "interrupted") {
			t.Fatalf("after the sweep: %+v", im)
		}
		if _, err := e.db.FindImportChunk(ctx, im.ID, 0); !ally.IsNotFound(err) {
			t.Errorf("chunk of a failed upload: %v", err)
		}
	})
}

// impBroken is a request body whose connection dropped.
type impBroken struct{}

func (impBroken) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// impFiller reads as an endless CSV-ish stream.
type impFiller struct{}

func (impFiller) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "a,b\n"[i%4]
	}
	return len(p), nil
}

// TestImportAccess: imports are the vendor's: partner users are refused
// everything, viewers may read but not upload.
func TestImportAccess(t *testing.T) {
	eachImport(t, func(t *testing.T, e *importEnv) {
		ctx := context.Background()
		im := e.start(t, ally.ImportCSV, "email\na@x.example\n")
		partner := ally.Actor{Kind: ally.ActorPartner, ID: "ctc_x", PartnerID: e.de.ID, Label: "p@de.example"}
		viewer := impStaff(t, e.a, "vic@vendor.example", ally.RoleViewer)
		key := ally.Actor{Kind: ally.ActorAPIKey, ID: "key_x", Label: "reader", Scopes: []ally.Scope{ally.ScopeLeadsRead}}

		_, err := e.a.StartImport(ctx, partner, ally.ImportCSV, "x.csv", strings.NewReader("email\nb@x.example\n"))
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.a.Import(ctx, partner, im.ID)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.a.Imports(ctx, partner, 10)
		wantCode(t, err, ally.ECodeForbidden)
		err = e.a.ImportErrors(ctx, partner, im.ID, func(*ally.ImportRowError) error { return nil })
		wantCode(t, err, ally.ECodeForbidden)
		// A viewer (like a manager) sees only some partners; an import's
		// rows and errors may name any, so imports are not theirs at all.
		_, err = e.a.StartImport(ctx, viewer, ally.ImportCSV, "x.csv", strings.NewReader("email\nb@x.example\n"))
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.a.Import(ctx, viewer, im.ID)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.a.StartImport(ctx, key, ally.ImportCSV, "x.csv", strings.NewReader("email\nb@x.example\n"))
		wantCode(t, err, ally.ECodeForbidden)
		if got, err := e.a.Import(ctx, key, im.ID); err != nil || got.ID != im.ID {
			t.Fatalf("%s reads the import: %v", key.Label, err)
		}
		_, err = e.a.Import(ctx, e.admin, "imp_nope")
		wantCode(t, err, ally.ECodeNotFound)
		ims, _ := e.a.Imports(ctx, e.admin, 10)
		if len(ims) != 1 || !slices.ContainsFunc(ims, func(x *ally.LeadImport) bool { return x.ID == im.ID }) {
			t.Fatalf("imports: %+v", ims)
		}
	})
}
