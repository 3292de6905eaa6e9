package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/outbound"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/webhook/webhooktest"
)

// deliveryEnv is one test's database, fake clock, app and job runner. The
// app's outbound client allows 127.0.0.1, where the test receivers listen,
// and gives up on an answer after clientTimeout.
type deliveryEnv struct {
	t      *testing.T
	ctx    context.Context
	db     *store.DB
	clock  *testClock
	app    *app.App
	runner *jobs.Runner
}

const clientTimeout = 500 * time.Millisecond

// eachDelivery runs fn on a fresh environment per engine; opts replace the
// defaults (a later WithOutbound wins).
func eachDelivery(t *testing.T, fn func(t *testing.T, e *deliveryEnv), opts ...app.Option) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, engine)
			clock := &testClock{now: time.Now().UTC().Truncate(time.Millisecond)}
			fn(t, newDeliveryEnv(t, db, clock, opts...))
		})
	}
}

// newDeliveryEnv builds the app and runner of a deliveryEnv over db.
func newDeliveryEnv(t *testing.T, db *store.DB, clock *testClock, opts ...app.Option) *deliveryEnv {
	all := append([]app.Option{
		app.WithClock(clock.Now), app.WithBaseURL(testBaseURL),
		app.WithOutbound(outbound.New(outbound.Options{AllowHosts: []string{"127.0.0.1"}, Timeout: clientTimeout})),
	}, opts...)
	a := app.New(db, all...)
	// One job at a time, so deliveries run in the order they were made.
	r := jobs.New(db, jobs.Options{Now: clock.Now, Concurrency: 1, Timeout: 10 * time.Second})
	a.ServeJobs(r)
	return &deliveryEnv{t: t, ctx: context.Background(), db: db, clock: clock, app: a, runner: r}
}

// run runs the jobs due now, one after another, until none is left, and
// returns how many ran.
func (e *deliveryEnv) run() int {
	e.t.Helper()
	n, err := e.runner.RunDue(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// partnerWithWebhook makes an active partner (owned by owner when not "")
// whose lead webhook points at url, and returns it with its settings.
func (e *deliveryEnv) partnerWithWebhook(name, ownerID, url string) (*ally.Partner, *ally.DeliverySettings) {
	e.t.Helper()
	f := ally.PartnerFields{Name: &name, Status: ptr(ally.StatusActive)}
	if ownerID != "" {
		f.OwnerID = &ownerID
	}
	p := mustPartner(e.t, e.app, sys, f)
	set, err := e.app.UpdateDeliverySettings(e.ctx, sys, p.ID, ally.DeliverySettingsFields{WebhookURL: &url, WebhookOn: ptr(true)}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return p, set
}

// lead takes a lead in for the partner and returns it.
func (e *deliveryEnv) lead(partnerID, first, last, company string) *ally.Lead {
	e.t.Helper()
	l, err := e.app.CreateLead(e.ctx, sys, ally.LeadInput{FirstName: first, LastName: last, Company: company,
		Email: first + "@" + "lead.example", PartnerID: partnerID})
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// deliveries returns the deliveries of a lead, newest first.
func (e *deliveryEnv) deliveries(f ally.DeliveryFilter) []*ally.Delivery {
	e.t.Helper()
	page, err := e.app.Deliveries(e.ctx, sys, f)
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

// only returns the one delivery f selects.
func (e *deliveryEnv) only(f ally.DeliveryFilter) *ally.Delivery {
	e.t.Helper()
	ds := e.deliveries(f)
	if len(ds) != 1 {
		e.t.Fatalf("want one delivery, got %d: %+v", len(ds), ds)
	}
	return ds[0]
}

// view returns a delivery with its attempts.
func (e *deliveryEnv) view(id string) *app.DeliveryView {
	e.t.Helper()
	v, err := e.app.Delivery(e.ctx, sys, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// newReceiver is a webhook endpoint answering as the test says; every
// request it gets must carry a JSON body, as Ally's webhooks do.
func newReceiver(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *webhooktest.Receiver {
	rc := webhooktest.New(t, answer)
	t.Cleanup(func() {
		for _, r := range rc.Requests() {
			if !json.Valid(r.Body) {
				t.Errorf("receiver: body %q is not JSON", r.Body)
			}
		}
	})
	return rc
}

// answering returns an answer that replies with the statuses in turn, the
// last one from then on.
func answering(statuses ...int) func(int, http.ResponseWriter, *http.Request) {
	return func(n int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(statuses[min(n, len(statuses)-1)])
		_, _ = io.WriteString(w, http.StatusText(statuses[min(n, len(statuses)-1)]))
	}
}

// bodyOf decodes a webhook's JSON body.
func bodyOf(t *testing.T, r webhooktest.Request) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("receiver: body %q: %v", r.Body, err)
	}
	return body
}

// wantAttempts checks a delivery's attempts, newest first, by OK and status code.
func wantAttempts(t *testing.T, v *app.DeliveryView, codes ...int) {
	t.Helper()
	if len(v.Attempts) != len(codes) {
		t.Fatalf("want %d attempts, got %d: %+v", len(codes), len(v.Attempts), v.Attempts)
	}
	for i, c := range codes {
		if v.Attempts[i].StatusCode != c {
			t.Fatalf("attempt %d: status %d, want %d (%+v)", i, v.Attempts[i].StatusCode, c, v.Attempts[i])
		}
	}
}
