package web_test

import (
	"context"
	"encoding/json"
	"html"
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

// Helpers of the admin UI tests (sign-in, partners, contacts, going quiet).
// Their names start with ui so they stay apart from the other pages' tests
// in this package.

// uiPassword is every staff user's password in these tests.
const uiPassword = "staff password one"

// uiEnv is one Ally (app and web) over a fresh store, served on loopback.
type uiEnv struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	app   *app.App
	base  string
	admin ally.Actor
}

// eachUI runs fn in parallel on every engine under test, each on its own
// database and server.
func eachUI(t *testing.T, fn func(t *testing.T, e *uiEnv)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newUIEnv(t, engine))
		})
	}
}

func newUIEnv(t *testing.T, engine string) *uiEnv {
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
	e := &uiEnv{t: t, ctx: context.Background(), db: db, app: a, base: base}
	e.admin = e.user("admin@vendor.example", ally.RoleAdmin)
	return e
}

// user creates a staff user with uiPassword.
func (e *uiEnv) user(email string, role ally.Role) ally.Actor {
	e.t.Helper()
	u, err := e.app.CreateUser(e.ctx, ally.System("test"), ally.NewUser{Email: email, Name: "Name of " + email, Role: role, Password: uiPassword})
	if err != nil {
		e.t.Fatal(err)
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

// reload reads a partner afresh as the admin.
func (e *uiEnv) reload(id string) *ally.Partner {
	e.t.Helper()
	p, err := e.app.Partner(e.ctx, e.admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// mails returns the e-mails queued since the last call, claiming their jobs.
func (e *uiEnv) mails() []ally.Email {
	e.t.Helper()
	now := time.Now().Add(time.Hour)
	jobs, err := e.db.ClaimJobs(e.ctx, "ui-test", 100, now, now.Add(time.Hour))
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

// signIn returns a browser signed in through the form as email.
func (e *uiEnv) signIn(email string) *uiBrowser {
	e.t.Helper()
	b := e.browser()
	if pg := b.post("/admin/login", url.Values{"email": {email}, "password": {uiPassword}}); pg.path() != "/admin/partners" {
		e.t.Fatalf("sign-in as %s ended at %s (%d): %s", email, pg.url, pg.status, pg.body)
	}
	return b
}

// uiBrowser is a browser with its own cookies.
type uiBrowser struct {
	t        *testing.T
	base     string
	jar      *cookiejar.Jar
	follow   *http.Client // follows redirects, as a browser does
	noFollow *http.Client // stops at the first answer, to read redirects and cookies
}

func (e *uiEnv) browser() *uiBrowser {
	jar, _ := cookiejar.New(nil)
	return &uiBrowser{t: e.t, base: e.base, jar: jar,
		follow: &http.Client{Jar: jar},
		noFollow: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// uiPage is one answer, read whole.
type uiPage struct {
	status  int
	url     *url.URL // where the browser ended up
	header  http.Header
	cookies []*http.Cookie // set by the last response
	body    string
}

func (p uiPage) path() string { return p.url.Path }

// location is the redirect target of an unfollowed answer.
func (p uiPage) location() string { return p.header.Get("Location") }

func (b *uiBrowser) get(path string) uiPage { return b.do(b.follow, "GET", path, nil) }

func (b *uiBrowser) post(path string, form url.Values, hdr ...string) uiPage {
	return b.do(b.follow, "POST", path, form, hdr...)
}

// postOnly posts without following the redirect.
func (b *uiBrowser) postOnly(path string, form url.Values, hdr ...string) uiPage {
	return b.do(b.noFollow, "POST", path, form, hdr...)
}

func (b *uiBrowser) getOnly(path string) uiPage { return b.do(b.noFollow, "GET", path, nil) }

func (b *uiBrowser) do(c *http.Client, method, path string, form url.Values, hdr ...string) uiPage {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
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
	return uiPage{status: res.StatusCode, url: res.Request.URL, header: res.Header, cookies: res.Cookies(), body: string(data)}
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

func uiPtr[T any](v T) *T { return &v }
