package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/web"
)

// Helpers of the settings, audit log and account tests. Their names start
// with set so they stay apart from the other pages' tests in this package.

// setPassword is every staff user's password in these tests.
const setPassword = "settings test password"

// setEnv is one Ally (app, admin UI and API) over a fresh store, served on loopback.
type setEnv struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	app  *app.App
	mux  *http.ServeMux
	base string
}

// eachSet runs fn in parallel on every engine under test, each on its own
// database and server.
func eachSet(t *testing.T, fn func(t *testing.T, e *setEnv)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newSetEnv(t, engine))
		})
	}
}

func newSetEnv(t *testing.T, engine string) *setEnv {
	t.Helper()
	db := storetest.Open(t, engine)
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()
	a := app.New(db, app.WithBaseURL(base))
	web.Register(mux, a, web.Config{BaseURL: base})
	api.Register(mux, a, api.Config{RateLimit: 1e6, RateBurst: 1e6})
	srv.Start()
	t.Cleanup(srv.Close)
	return &setEnv{t: t, ctx: context.Background(), db: db, app: a, mux: mux, base: base}
}

// user creates an active staff user with setPassword.
func (e *setEnv) user(email string, role ally.Role) ally.Actor {
	e.t.Helper()
	u, err := e.app.CreateUser(e.ctx, ally.System("test"), ally.NewUser{Email: email, Name: "Name of " + email, Role: role, Password: setPassword})
	if err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	return ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Label: u.Email, Role: u.Role}
}

// partner creates a partner as the system.
func (e *setEnv) partner(name string) *ally.Partner {
	e.t.Helper()
	p, _, err := e.app.CreatePartner(e.ctx, ally.System("test"), ally.PartnerFields{Name: &name})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// audits returns the audit events with action, newest first.
func (e *setEnv) audits(action string) []*ally.AuditEvent {
	e.t.Helper()
	page, err := e.app.AuditEvents(e.ctx, ally.System("test"), ally.AuditFilter{Action: action, Limit: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

// setBrowser is a cookie-keeping client that does not follow redirects,
// so a test sees each 303 and its flash key.
type setBrowser struct {
	e *setEnv
	c *http.Client
}

// signIn creates nothing: it signs an existing user in through the sign-in form.
func (e *setEnv) signIn(email string) *setBrowser {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &setBrowser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	pg := b.post("/admin/login", url.Values{"email": {email}, "password": {setPassword}})
	if pg.status != http.StatusSeeOther || strings.Contains(pg.location(), "/login") {
		e.t.Fatalf("sign-in of %s: %d to %q\n%s", email, pg.status, pg.location(), pg.body)
	}
	return b
}

// setPage is one response, read whole.
type setPage struct {
	status int
	header http.Header
	body   string
}

func (p setPage) location() string { return p.header.Get("Location") }

func (b *setBrowser) get(path string) setPage { return b.do("GET", path, nil) }

func (b *setBrowser) post(path string, form url.Values) setPage { return b.do("POST", path, form) }

// follow GETs where a redirect points.
func (b *setBrowser) follow(p setPage) setPage {
	b.e.t.Helper()
	if p.status != http.StatusSeeOther && p.status != http.StatusFound {
		b.e.t.Fatalf("not a redirect: %d\n%s", p.status, p.body)
	}
	return b.get(p.location())
}

func (b *setBrowser) do(method, path string, form url.Values) setPage {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.base+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return setPage{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// cookie returns the session cookie the browser holds for path.
func (b *setBrowser) cookie(name, path string) string {
	u, _ := url.Parse(b.e.base + path)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// wantSet fails unless the page has status and every snippet (compared
// after unescaping HTML, so messages read as written).
func wantSet(t *testing.T, pg setPage, status int, snippets ...string) {
	t.Helper()
	if pg.status != status {
		t.Fatalf("status %d, want %d\n%s", pg.status, status, pg.body)
	}
	text := html.UnescapeString(pg.body)
	for _, s := range snippets {
		if !strings.Contains(text, s) {
			t.Fatalf("page lacks %q\n%s", s, pg.body)
		}
	}
}

// wantSetNot fails if the page has any of the snippets.
func wantSetNot(t *testing.T, pg setPage, snippets ...string) {
	t.Helper()
	text := html.UnescapeString(pg.body)
	for _, s := range snippets {
		if strings.Contains(text, s) {
			t.Fatalf("page has %q\n%s", s, pg.body)
		}
	}
}

// wantSetRedirect fails unless the page is a 303 to want (path and query).
func wantSetRedirect(t *testing.T, pg setPage, want string) {
	t.Helper()
	if pg.status != http.StatusSeeOther || pg.location() != want {
		t.Fatalf("got %d to %q, want 303 to %q\n%s", pg.status, pg.location(), want, pg.body)
	}
}

var setVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// setVersion returns the version hidden in a form.
func setVersion(t *testing.T, pg setPage) string {
	t.Helper()
	m := setVersionRE.FindStringSubmatch(pg.body)
	if m == nil {
		t.Fatalf("no version field\n%s", pg.body)
	}
	return m[1]
}

func setPtr[T any](v T) *T { return &v }

// appMeta is the client the tests' direct application calls come from.
func appMeta() app.ClientMeta { return app.ClientMeta{IP: "192.0.2.50", UserAgent: "settings-test"} }

// appUpdate is an unconditional partner update.
func appUpdate() app.UpdatePartnerOptions { return app.UpdatePartnerOptions{} }
