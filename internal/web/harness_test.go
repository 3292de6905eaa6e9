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
	"github.com/allyprm/ally/internal/mail/mailtest"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
	"github.com/allyprm/ally/internal/web"
)

// The harness of every web test (admin UI, settings and portal): an Ally
// served on loopback, browsers with their own cookies, and checks of the
// pages they get. Its names start with ui.

// uiPassword is every staff user's password in these tests.
const uiPassword = "staff password one"

// uiEnv is one Ally (app and web, the API where asked) over a fresh store,
// served on loopback.
type uiEnv struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	app   *app.App
	mux   *http.ServeMux
	base  string     // the server's URL, also the app's base URL for e-mailed links
	admin ally.Actor // a staff admin, admin@vendor.example (not in eachSettings)
}

// eachUI runs fn in parallel on every engine under test, each on its own
// database and server, with the admin created.
func eachUI(t *testing.T, fn func(t *testing.T, e *uiEnv)) {
	t.Helper()
	eachEngine(t, fn, func(t *testing.T, engine string) *uiEnv {
		e := serveUI(t, engine, false)
		e.admin = e.user("admin@vendor.example", ally.RoleAdmin)
		return e
	})
}

// eachSettings runs fn like eachUI, on a server that also has the API and
// on a store without users.
func eachSettings(t *testing.T, fn func(t *testing.T, e *uiEnv)) {
	t.Helper()
	eachEngine(t, fn, func(t *testing.T, engine string) *uiEnv { return serveUI(t, engine, true) })
}

func eachEngine(t *testing.T, fn func(t *testing.T, e *uiEnv), newEnv func(t *testing.T, engine string) *uiEnv) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, engine))
		})
	}
}

// serveUI serves a new Ally on engine, with the API when withAPI.
func serveUI(t *testing.T, engine string, withAPI bool) *uiEnv {
	t.Helper()
	db := storetest.Open(t, engine)
	mux := http.NewServeMux()
	// The listener exists before the app, so e-mailed links point at it.
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()
	a := app.New(db, app.WithBaseURL(base))
	web.Register(mux, a, web.Config{BaseURL: base})
	if withAPI {
		api.Register(mux, a, api.Config{RateLimit: 1e6, RateBurst: 1e6})
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return &uiEnv{t: t, ctx: context.Background(), db: db, app: a, mux: mux, base: base}
}

// user creates an active staff user with uiPassword.
func (e *uiEnv) user(email string, role ally.Role) ally.Actor {
	e.t.Helper()
	u, err := e.app.CreateUser(e.ctx, ally.System("test"), ally.NewUser{Email: email, Name: "Name of " + email, Role: role, Password: uiPassword})
	if err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	return ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Label: u.Email, Role: u.Role}
}

// partner creates a partner as the admin.
func (e *uiEnv) partner(f ally.PartnerFields) *ally.Partner {
	e.t.Helper()
	p, err := e.app.AddPartner(e.ctx, e.admin, f)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// systemPartner creates a partner named name as the system.
func (e *uiEnv) systemPartner(name string) *ally.Partner {
	e.t.Helper()
	p, _, err := e.app.CreatePartner(e.ctx, ally.System("test"), ally.PartnerFields{Name: &name})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// reload reads a partner afresh as the admin.
func (e *uiEnv) reload(id string) *ally.Partner {
	e.t.Helper()
	p, err := e.app.Partner(e.ctx, e.admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// audits returns the audit events with action, newest first.
func (e *uiEnv) audits(action string) []*ally.AuditEvent {
	e.t.Helper()
	page, err := e.app.AuditEvents(e.ctx, ally.System("test"), ally.AuditFilter{Action: action, Limit: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

// mails returns the e-mails queued since the last call, claiming their jobs.
func (e *uiEnv) mails() []ally.Email { e.t.Helper(); return mailtest.Queued(e.t, e.db) }

// signIn returns a browser signed in through the form as email.
func (e *uiEnv) signIn(email string) *uiBrowser {
	e.t.Helper()
	b := e.browser()
	if pg := b.post("/admin/login", url.Values{"email": {email}, "password": {uiPassword}}); pg.path() != "/admin/partners" {
		e.t.Fatalf("sign-in as %s ended at %s (%d): %s", email, pg.url, pg.status, pg.body)
	}
	return b
}

// signInStepwise signs an existing user in through the sign-in form and
// returns a browser that does not follow redirects, so a test sees each
// 303 and its flash key.
func (e *uiEnv) signInStepwise(email string) *uiBrowser {
	e.t.Helper()
	b := e.browser()
	b.client = b.raw
	pg := b.post("/admin/login", url.Values{"email": {email}, "password": {uiPassword}})
	if pg.status != http.StatusSeeOther || strings.Contains(pg.location(), "/login") {
		e.t.Fatalf("sign-in of %s: %d to %q\n%s", email, pg.status, pg.location(), pg.body)
	}
	return b
}

// uiBrowser is a browser with its own cookies.
type uiBrowser struct {
	t      *testing.T
	base   string
	jar    http.CookieJar
	client *http.Client // follows redirects, as a browser does (but see signInStepwise)
	raw    *http.Client // stops at the first answer, to read redirects and cookies
}

func (e *uiEnv) browser() *uiBrowser {
	jar, _ := cookiejar.New(nil)
	return &uiBrowser{t: e.t, base: e.base, jar: jar,
		client: &http.Client{Jar: jar},
		raw: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// anonymous returns a browser that keeps no cookies and follows no redirects.
func (e *uiEnv) anonymous() *uiBrowser {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &uiBrowser{t: e.t, base: e.base, client: c, raw: c}
}

// uiPage is one answer, read whole.
type uiPage struct {
	status  int
	url     *url.URL // where the browser ended up
	header  http.Header
	cookies []*http.Cookie // set by the last response
	body    string
}

// path is the path the page ended at.
func (p uiPage) path() string { return p.url.Path }

// uri is the path and query the page ended at.
func (p uiPage) uri() string { return p.url.RequestURI() }

// location is the redirect target of an unfollowed answer.
func (p uiPage) location() string { return p.header.Get("Location") }

func (b *uiBrowser) get(path string) uiPage {
	b.t.Helper()
	return b.do(b.client, http.MethodGet, path, "", nil, nil)
}

// post posts form, with headers given as name, value pairs.
func (b *uiBrowser) post(path string, form url.Values, hdr ...string) uiPage {
	b.t.Helper()
	return b.postForm(b.client, path, form, hdr)
}

// postOnly posts without following the redirect.
func (b *uiBrowser) postOnly(path string, form url.Values, hdr ...string) uiPage {
	b.t.Helper()
	return b.postForm(b.raw, path, form, hdr)
}

// getOnly gets without following the redirect.
func (b *uiBrowser) getOnly(path string) uiPage {
	b.t.Helper()
	return b.do(b.raw, http.MethodGet, path, "", nil, nil)
}

// postRaw posts any body without following the redirect, with extra headers.
func (b *uiBrowser) postRaw(path, ctype string, body io.Reader, h http.Header) uiPage {
	b.t.Helper()
	return b.do(b.raw, http.MethodPost, path, ctype, body, h)
}

// follow GETs where a redirect points.
func (b *uiBrowser) follow(p uiPage) uiPage {
	b.t.Helper()
	if p.status != http.StatusSeeOther && p.status != http.StatusFound {
		b.t.Fatalf("not a redirect: %d\n%s", p.status, p.body)
	}
	return b.get(p.location())
}

func (b *uiBrowser) postForm(c *http.Client, path string, form url.Values, hdr []string) uiPage {
	b.t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	if form == nil {
		return b.do(c, http.MethodPost, path, "", nil, h)
	}
	return b.do(c, http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), h)
}

func (b *uiBrowser) do(c *http.Client, method, path, ctype string, body io.Reader, h http.Header) uiPage {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	res, err := c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	pg := uiPage{status: res.StatusCode, url: res.Request.URL, header: res.Header, cookies: res.Cookies(), body: string(data)}
	// The content security policy forbids inline script and style: a page
	// that used them would break in the browser, so none may (a script
	// loaded from a static file is allowed).
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") &&
		(uiInlineScript(pg.body) || strings.Contains(pg.body, " style=")) {
		b.t.Fatalf("%s %s: inline script or style in %s", method, path, pg.body)
	}
	return pg
}

var uiScriptRE = regexp.MustCompile(`<script\b([^>]*)>([^<]*)`)

// uiInlineScript reports whether body has a script element that is not
// an empty one with a src under /static/.
func uiInlineScript(body string) bool {
	for _, m := range uiScriptRE.FindAllStringSubmatch(body, -1) {
		if !strings.Contains(m[1], `src="/static/`) || strings.TrimSpace(m[2]) != "" {
			return true
		}
	}
	return false
}

// cookie returns the value of the browser's cookie name for path.
func (b *uiBrowser) cookie(name, path string) string {
	u, _ := url.Parse(b.base + path)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie in the browser, as one left from before would be.
func (b *uiBrowser) setCookie(name, value, path string) {
	u, _ := url.Parse(b.base + path)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: path}})
}

// wantUI checks an answer's status and that its body holds each snippet.
func wantUI(t *testing.T, pg uiPage, status int, snippets ...string) {
	t.Helper()
	if pg.status != status {
		t.Fatalf("%s: status %d, want %d: %s", pg.url, pg.status, status, pg.body)
	}
	for _, s := range snippets {
		if !strings.Contains(pg.body, s) {
			t.Fatalf("%s: no %q in: %s", pg.url, s, pg.body)
		}
	}
}

// wantNot checks that the body holds none of the snippets.
func wantNot(t *testing.T, pg uiPage, snippets ...string) {
	t.Helper()
	for _, s := range snippets {
		if strings.Contains(pg.body, s) {
			t.Fatalf("%s: unexpected %q in: %s", pg.url, s, pg.body)
		}
	}
}

// wantText is wantUI on the body's text with HTML unescaped, so messages
// read as written.
func wantText(t *testing.T, pg uiPage, status int, snippets ...string) {
	t.Helper()
	if pg.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", pg.url, pg.status, status, pg.body)
	}
	text := html.UnescapeString(pg.body)
	for _, s := range snippets {
		if !strings.Contains(text, s) {
			t.Fatalf("%s: page lacks %q\n%s", pg.url, s, pg.body)
		}
	}
}

// wantNoText is wantNot on the body's text with HTML unescaped.
func wantNoText(t *testing.T, pg uiPage, snippets ...string) {
	t.Helper()
	text := html.UnescapeString(pg.body)
	for _, s := range snippets {
		if strings.Contains(text, s) {
			t.Fatalf("%s: page has %q\n%s", pg.url, s, pg.body)
		}
	}
}

// wantRedirect fails unless the page is a 303 to want (path and query).
func wantRedirect(t *testing.T, pg uiPage, want string) {
	t.Helper()
	if pg.status != http.StatusSeeOther || pg.location() != want {
		t.Fatalf("got %d to %q, want 303 to %q\n%s", pg.status, pg.location(), want, pg.body)
	}
}

var uiVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// uiVersion returns the hidden version of a page's form.
func uiVersion(t *testing.T, pg uiPage) string {
	t.Helper()
	m := uiVersionRE.FindStringSubmatch(pg.body)
	if m == nil {
		t.Fatalf("no version field in %s", pg.body)
	}
	return m[1]
}

// uiLink returns the unescaped href of the first link whose text is text.
func uiLink(t *testing.T, pg uiPage, text string) string {
	t.Helper()
	m := regexp.MustCompile(`href="([^"]*)"[^>]*>` + regexp.QuoteMeta(text) + `<`).FindStringSubmatch(pg.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// uiOrder reports whether the names appear in the body in this order.
func uiOrder(body string, names ...string) bool {
	last := -1
	for _, n := range names {
		i := strings.Index(body, ">"+n+"<")
		if i <= last {
			return false
		}
		last = i
	}
	return true
}

// uiPtr returns a pointer to v, for the optional fields of the app's inputs.
func uiPtr[T any](v T) *T { return &v }

// appMeta is the client the tests' direct application calls come from.
func appMeta() app.ClientMeta { return app.ClientMeta{IP: "192.0.2.50", UserAgent: "settings-test"} }

// appUpdate is an unconditional partner update.
func appUpdate() app.UpdatePartnerOptions { return app.UpdatePartnerOptions{} }
