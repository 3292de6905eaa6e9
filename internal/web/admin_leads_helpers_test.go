package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/outbound"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/web"
)

// Helpers of the admin lead, rule, delivery and import tests. Their names
// start with ld.

// ldEnv is an Ally like eachUI's whose outbound client may call the
// tests' receivers on loopback, with a job runner for deliveries and
// imports.
type ldEnv struct {
	*uiEnv
	runner *jobs.Runner
}

// eachLeads runs fn in parallel on every engine, each on its own database
// and server, with the admin created.
func eachLeads(t *testing.T, fn func(t *testing.T, e *ldEnv)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, engine)
			mux := http.NewServeMux()
			srv := httptest.NewUnstartedServer(mux)
			base := "http://" + srv.Listener.Addr().String()
			a := app.New(db, app.WithBaseURL(base),
				app.WithOutbound(outbound.New(outbound.Options{AllowHosts: []string{"127.0.0.1"}, Timeout: 2 * time.Second})))
			web.Register(mux, a, web.Config{BaseURL: base})
			srv.Start()
			t.Cleanup(srv.Close)
			r := jobs.New(db, jobs.Options{Concurrency: 1, Timeout: 30 * time.Second})
			a.ServeJobs(r)
			e := &ldEnv{uiEnv: &uiEnv{t: t, ctx: context.Background(), db: db, app: a, mux: mux, base: base}, runner: r}
			e.admin = e.user("admin@vendor.example", ally.RoleAdmin)
			fn(t, e)
		})
	}
}

// runJobs runs the jobs due now until none is left.
func (e *ldEnv) runJobs() {
	e.t.Helper()
	if _, err := e.runner.RunDue(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

// activePartner makes an active partner named name, owned by ownerID when given.
func (e *ldEnv) activePartner(name, ownerID string, categories ...string) *ally.Partner {
	e.t.Helper()
	f := ally.PartnerFields{Name: &name, Status: uiPtr(ally.StatusActive)}
	if ownerID != "" {
		f.OwnerID = &ownerID
	}
	if categories != nil {
		f.Categories = &categories
	}
	return e.partner(f)
}

// lead takes a lead in as the admin; partnerID "" lets the rules decide.
func (e *ldEnv) lead(in ally.LeadInput) *ally.Lead {
	e.t.Helper()
	l, err := e.app.CreateLead(e.ctx, e.admin, in)
	if err != nil {
		e.t.Fatalf("lead %+v: %v", in, err)
	}
	return l
}

// reloadLead reads a lead afresh as the admin.
func (e *ldEnv) reloadLead(id string) *ally.Lead {
	e.t.Helper()
	l, err := e.app.Lead(e.ctx, e.admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// ldReceiver is a webhook endpoint answering with the statuses in turn
// (the last from then on) and a body naming the status.
type ldReceiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	statuses []int
	calls    int
}

func ldNewReceiver(t *testing.T, statuses ...int) *ldReceiver {
	rc := &ldReceiver{statuses: statuses}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		rc.mu.Lock()
		st := rc.statuses[min(rc.calls, len(rc.statuses)-1)]
		rc.calls++
		rc.mu.Unlock()
		w.WriteHeader(st)
		_, _ = io.WriteString(w, "receiver says "+http.StatusText(st))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *ldReceiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.calls
}

// regexpFind returns the first group of pattern's first match in body.
func regexpFind(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in %s", pattern, body)
	}
	return m[1]
}
