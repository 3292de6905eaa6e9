package app_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/mail/mailtest"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// testBaseURL is the configured ALLY_BASE_URL every e-mailed link must start with.
const testBaseURL = "https://ally.example.test"

const goodPassword = "long enough password"

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// authEnv is one test's database, clock and app.
type authEnv struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	clock *testClock
	app   *app.App
	opts  []app.Option
}

// eachAuth runs fn on a fresh database per engine. The clock starts at the
// real time, since the store stamps jobs with it.
func eachAuth(t *testing.T, fn func(t *testing.T, e *authEnv), opts ...app.Option) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := &authEnv{t: t, ctx: context.Background(), db: storetest.Open(t, engine),
				clock: &testClock{now: time.Now().UTC().Truncate(time.Millisecond)}, opts: opts}
			e.app = e.node()
			fn(t, e)
		})
	}
}

// node returns another app over the same database and clock: a second server.
func (e *authEnv) node() *app.App {
	opts := append([]app.Option{app.WithClock(e.clock.Now), app.WithBaseURL(testBaseURL)}, e.opts...)
	return app.New(e.db, opts...)
}

func (e *authEnv) staff(email string, role ally.Role) ally.Actor {
	e.t.Helper()
	return mustUser(e.t, e.app, email, role)
}

// partner creates a partner as the system; access and domain may be "".
func (e *authEnv) partner(name string, status ally.PartnerStatus, access ally.PortalAccess, domain string) *ally.Partner {
	e.t.Helper()
	f := ally.PartnerFields{Name: &name, Status: &status}
	if domain != "" {
		f.Domain = &domain
	}
	if access != "" {
		tpl, err := e.app.CreateExperienceTemplate(e.ctx, sys, ally.ExperienceTemplateFields{Name: ptr("Portal " + name)})
		if err != nil {
			e.t.Fatal(err)
		}
		f.PortalAccess, f.ExperienceTemplateID = &access, &tpl.ID
	}
	return mustPartner(e.t, e.app, sys, f)
}

func (e *authEnv) contact(p *ally.Partner, name, email string) *ally.Contact {
	e.t.Helper()
	c, err := e.app.CreateContact(e.ctx, sys, p.ID, ally.ContactFields{Name: &name, Email: &email})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// mails returns the e-mails queued since the last call (claiming their jobs).
func (e *authEnv) mails() []ally.Email { e.t.Helper(); return mailtest.Queued(e.t, e.db) }

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+/(admin|partner)/(reset|invite|signup|email)/([A-Za-z0-9_-]+)`)

// oneLink expects exactly one queued e-mail, to to, holding a link under
// testBaseURL+path, and returns the link's token.
func (e *authEnv) oneLink(to, path string) string {
	e.t.Helper()
	ms := e.mails()
	if len(ms) != 1 || len(ms[0].To) != 1 || ms[0].To[0] != to {
		e.t.Fatalf("want one e-mail to %s, got %+v", to, ms)
	}
	for _, body := range []string{ms[0].Text, ms[0].HTML} {
		m := linkRE.FindStringSubmatch(body)
		if m == nil {
			e.t.Fatalf("no link in %q", body)
		}
		if !strings.HasPrefix(m[0], testBaseURL+path) {
			e.t.Fatalf("link %q does not start with %s", m[0], testBaseURL+path)
		}
	}
	return linkRE.FindStringSubmatch(ms[0].Text)[3]
}

// noMail expects nothing queued.
func (e *authEnv) noMail() {
	e.t.Helper()
	if ms := e.mails(); len(ms) != 0 {
		e.t.Fatalf("want no e-mail, got %+v", ms)
	}
}

// audits returns the audit events with action, newest first.
func (e *authEnv) audits(action string) []*ally.AuditEvent {
	e.t.Helper()
	page, err := e.app.AuditEvents(e.ctx, sys, ally.AuditFilter{Action: action, Limit: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

// wantAudit expects n events with action and returns the newest.
func (e *authEnv) wantAudit(action string, n int) *ally.AuditEvent {
	e.t.Helper()
	es := e.audits(action)
	if len(es) != n {
		e.t.Fatalf("want %d %s audit events, got %d", n, action, len(es))
	}
	if n == 0 {
		return nil
	}
	return es[0]
}

// signedIn expects the token to authenticate and returns the actor.
func (e *authEnv) signedIn(a *app.App, token string) ally.Actor {
	e.t.Helper()
	actor, _, err := a.Authenticate(e.ctx, token, app.ClientMeta{IP: "192.0.2.1"})
	if err != nil {
		e.t.Fatalf("token does not authenticate: %v", err)
	}
	return actor
}

// signedOut expects the token to authenticate nobody.
func (e *authEnv) signedOut(a *app.App, token string) {
	e.t.Helper()
	_, _, err := a.Authenticate(e.ctx, token, app.ClientMeta{})
	wantCode(e.t, err, ally.ECodeUnauthorized)
}

func meta(ip string) app.ClientMeta { return app.ClientMeta{IP: ip, UserAgent: "test-agent"} }
