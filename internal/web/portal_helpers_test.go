package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/web"
)

// portalPassword is the password portal users of these tests end up with.
const portalPassword = "a partner's own password"

// portalEnv is one Ally (app and web) over a fresh store, served on loopback.
type portalEnv struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	app   *app.App
	base  string     // the server's URL, also the app's base URL for e-mailed links
	admin ally.Actor // a staff admin
}

// eachPortalEngine runs fn in parallel on every engine under test, each on
// its own database and server.
func eachPortalEngine(t *testing.T, fn func(t *testing.T, e *portalEnv)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newPortalEnv(t, engine))
		})
	}
}

func newPortalEnv(t *testing.T, engine string) *portalEnv {
	t.Helper()
	db := storetest.Open(t, engine)
	mux := http.NewServeMux()
	// The listener exists before the app, so e-mailed links point at it.
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()
	a := app.New(db, app.WithBaseURL(base))
	web.Register(mux, a, web.Config{BaseURL: base})
	srv.Start()
	t.Cleanup(srv.Close)
	e := &portalEnv{t: t, ctx: context.Background(), db: db, app: a, base: base}
	u, err := a.CreateUser(e.ctx, ally.System("test"), ally.NewUser{Email: "admin@vendor.example", Name: "Ada Admin", Role: ally.RoleAdmin, Password: portalPassword})
	if err != nil {
		t.Fatal(err)
	}
	e.admin = ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Label: u.Email, Role: u.Role}
	return e
}

// portalPartner creates an active partner whose template turns on the
// dashboard and the profile with the given fields (name and website
// editable when none are given).
func (e *portalEnv) portalPartner(name string, profile ...ally.ProfileField) *ally.Partner {
	e.t.Helper()
	if len(profile) == 0 {
		profile = []ally.ProfileField{{Key: ally.CoreName, Editable: true}, {Key: ally.CoreWebsite, Editable: true}, {Key: ally.CoreTier}}
	}
	tplName := "Template for " + name
	tpl, err := e.app.CreateExperienceTemplate(e.ctx, e.admin, ally.ExperienceTemplateFields{
		Name: &tplName, Sections: &ally.Sections{Dashboard: true, Profile: true, Leads: true}, Profile: &profile,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	status := ally.StatusActive
	p, _, err := e.app.CreatePartner(e.ctx, e.admin, ally.PartnerFields{Name: &name, Status: &status, ExperienceTemplateID: &tpl.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// portalContact adds a contact without portal access to p.
func (e *portalEnv) portalContact(p *ally.Partner, name, email string) *ally.Contact {
	e.t.Helper()
	c, err := e.app.CreateContact(e.ctx, e.admin, p.ID, ally.ContactFields{Name: &name, Email: &email})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// signedInAt returns a browser signed in as a new partner user of p whose
// password is portalPassword (a temporary one, already replaced).
func (e *portalEnv) signedInAt(p *ally.Partner, email string) *portalBrowser {
	e.t.Helper()
	c := e.portalContact(p, "User "+email, email)
	const temp = "temporary password 1"
	if err := e.app.SetTemporaryPassword(e.ctx, e.admin, c.ID, temp); err != nil {
		e.t.Fatal(err)
	}
	in, err := e.app.SignInPartner(e.ctx, email, temp, app.ClientMeta{IP: "192.0.2.9"})
	if err != nil {
		e.t.Fatal(err)
	}
	actor, ses, err := e.app.Authenticate(e.ctx, in.Token, app.ClientMeta{})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.ChangeOwnPassword(e.ctx, actor, ses.ID, temp, portalPassword); err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	if pg := b.post("/partner/login", url.Values{"email": {email}, "password": {portalPassword}}); pg.path() != "/partner/" {
		e.t.Fatalf("sign-in as %s ended at %s (%d): %s", email, pg.url, pg.status, pg.body)
	}
	return b
}

// portalMails returns the e-mails queued since the last call, claiming their jobs.
func (e *portalEnv) portalMails() []ally.Email {
	e.t.Helper()
	now := time.Now().Add(time.Hour)
	jobs, err := e.db.ClaimJobs(e.ctx, "test", 100, now, now.Add(time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	var out []ally.Email
	for _, j := range jobs {
		if j.Kind != mail.JobKind {
			continue
		}
		var m ally.Email
		if err := json.Unmarshal(j.Args, &m); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

var portalLinkRE = regexp.MustCompile(`https?://[^\s"<>]+(/partner/(?:invite|reset|signup|email)/[A-Za-z0-9_-]+)`)

// portalLink expects exactly one queued e-mail, to to, with a link on this
// server under prefix, and returns the link's path.
func (e *portalEnv) portalLink(to, prefix string) string {
	e.t.Helper()
	ms := e.portalMails()
	if len(ms) != 1 || len(ms[0].To) != 1 || ms[0].To[0] != to {
		e.t.Fatalf("want one e-mail to %s, got %+v", to, ms)
	}
	m := portalLinkRE.FindStringSubmatch(ms[0].Text)
	if m == nil || !strings.HasPrefix(m[0], e.base+prefix) {
		e.t.Fatalf("no link to %s%s in %q", e.base, prefix, ms[0].Text)
	}
	return m[1]
}

// portalBrowser is a browser with its own cookies.
type portalBrowser struct {
	t      *testing.T
	base   string
	jar    http.CookieJar
	client *http.Client // follows redirects
	raw    *http.Client // does not
}

func (e *portalEnv) browser() *portalBrowser {
	jar, _ := cookiejar.New(nil)
	return &portalBrowser{t: e.t, base: e.base, jar: jar, client: &http.Client{Jar: jar},
		raw: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// portalPage is a response: the status, the body, the URL it ended at and,
// when redirects were not followed, where it pointed.
type portalPage struct {
	status   int
	body     string
	url      *url.URL
	location string
}

// path is the path (and query) the page ended at.
func (p portalPage) path() string { return p.url.RequestURI() }

func (b *portalBrowser) get(path string) portalPage {
	b.t.Helper()
	return b.do(b.client, http.MethodGet, path, "", nil, nil)
}

func (b *portalBrowser) post(path string, form url.Values) portalPage {
	b.t.Helper()
	return b.do(b.client, http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
}

// postRaw posts without following the redirect, with extra headers.
func (b *portalBrowser) postRaw(path, ctype string, body io.Reader, h http.Header) portalPage {
	b.t.Helper()
	return b.do(b.raw, http.MethodPost, path, ctype, body, h)
}

// getRaw gets without following the redirect.
func (b *portalBrowser) getRaw(path string) portalPage {
	b.t.Helper()
	return b.do(b.raw, http.MethodGet, path, "", nil, nil)
}

func (b *portalBrowser) do(c *http.Client, method, path, ctype string, body io.Reader, h http.Header) portalPage {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	pg := portalPage{status: resp.StatusCode, body: string(data), url: resp.Request.URL, location: resp.Header.Get("Location")}
	// The content security policy forbids inline script and style: a page
	// that used them would break in the browser, so none may.
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") &&
		(strings.Contains(pg.body, "<script") || strings.Contains(pg.body, " style=")) {
		b.t.Fatalf("%s %s: inline script or style in %s", method, path, pg.body)
	}
	return pg
}

// cookie returns the value of the named cookie the browser sends to path.
func (b *portalBrowser) cookie(name, path string) string {
	u, _ := url.Parse(b.base + path)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie plants a cookie, as a browser that copied one would send it.
func (b *portalBrowser) setCookie(name, value, path string) {
	u, _ := url.Parse(b.base + path)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: path}})
}

// wantPortalPage fails unless pg has status and its body holds every snippet.
func wantPortalPage(t *testing.T, pg portalPage, status int, snippets ...string) {
	t.Helper()
	if pg.status != status {
		t.Fatalf("%s: status %d, want %d: %s", pg.url, pg.status, status, pg.body)
	}
	for _, s := range snippets {
		if !strings.Contains(pg.body, s) {
			t.Fatalf("%s: no %q in %s", pg.url, s, pg.body)
		}
	}
}

// portalAudits returns the audit events with action, newest first, as the admin sees them.
func (e *portalEnv) portalAudits(action string) []*ally.AuditEvent {
	e.t.Helper()
	page, err := e.app.AuditEvents(e.ctx, e.admin, ally.AuditFilter{Action: action, Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}
