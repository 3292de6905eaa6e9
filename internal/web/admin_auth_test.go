package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/allyprm/ally/internal/ally"
)

func TestAdminLoginAnswersAlike(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		b := e.browser()
		wantUI(t, b.get("/admin/login"), http.StatusOK, `<label for="f-email">E-mail</label>`, `autocomplete="current-password"`)

		wrong := b.post("/admin/login", url.Values{"email": {"admin@vendor.example"}, "password": {"not the password"}})
		unknown := b.post("/admin/login", url.Values{"email": {"nobody@vendor.example"}, "password": {"not the password"}})
		wantUI(t, wrong, http.StatusUnauthorized, "Wrong e-mail or password", `value="admin@vendor.example"`)
		wantUI(t, unknown, http.StatusUnauthorized, "Wrong e-mail or password", `value="nobody@vendor.example"`)
		// The same page but for the address typed: nothing tells the two apart.
		if strings.ReplaceAll(wrong.body, "admin@vendor.example", "X") != strings.ReplaceAll(unknown.body, "nobody@vendor.example", "X") {
			t.Fatalf("the answers differ:\n%s\n---\n%s", wrong.body, unknown.body)
		}
		wantNot(t, wrong, "not the password")
		if b.cookie("ally_admin", "/admin/") != "" {
			t.Fatal("a failed sign-in set a session cookie")
		}

		// Lock-out: the application's words, for an unknown address too.
		for range 4 {
			b.post("/admin/login", url.Values{"email": {"nobody@vendor.example"}, "password": {"not the password"}})
		}
		wantUI(t, b.post("/admin/login", url.Values{"email": {"nobody@vendor.example"}, "password": {"x"}}),
			http.StatusTooManyRequests, "Too many attempts")
	})
}

func TestAdminLoginSessionCookie(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		b := e.browser()
		b.setCookie("ally_admin", "planted-by-someone-else", "/admin")
		form := url.Values{"email": {"admin@vendor.example"}, "password": {uiPassword}}
		first := b.postOnly("/admin/login", form)
		if first.status != http.StatusSeeOther || first.location() != "/admin/" {
			t.Fatalf("sign-in: %d to %q", first.status, first.location())
		}
		var c *http.Cookie
		for _, x := range first.cookies {
			if x.Name == "ally_admin" {
				c = x
			}
		}
		if c == nil || c.Value == "" || c.Value == "planted-by-someone-else" {
			t.Fatalf("session cookie = %+v", c)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/admin" {
			t.Fatalf("cookie attributes: %+v", c)
		}
		wantUI(t, b.get("/admin/partners"), http.StatusOK, "<h1>Partners</h1>", "Sign out")
		// Signed in, the sign-in page sends the user on.
		if pg := b.get("/admin/login"); pg.path() != "/admin/partners" {
			t.Fatalf("signed-in visit to the login page ended at %s", pg.url)
		}

		// Signing in again gives yet another token.
		again := b.postOnly("/admin/login", form)
		if v := b.cookie("ally_admin", "/admin/"); v == "" || v == c.Value || again.status != http.StatusSeeOther {
			t.Fatalf("second sign-in cookie %q (first %q)", v, c.Value)
		}
		// …and the first session is over.
		old := e.browser()
		old.setCookie("ally_admin", c.Value, "/admin")
		if pg := old.getOnly("/admin/partners"); pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/admin/login?next=") {
			t.Fatalf("replaced session still works: %d %q", pg.status, pg.location())
		}

		// Sign out: the cookie is cleared and its token refused from then on.
		token := b.cookie("ally_admin", "/admin/")
		out := b.postOnly("/admin/logout", url.Values{})
		if out.status != http.StatusSeeOther || out.location() != "/admin/login?ok=signedout" {
			t.Fatalf("sign-out: %d to %q", out.status, out.location())
		}
		if b.cookie("ally_admin", "/admin/") != "" {
			t.Fatal("sign-out left the cookie")
		}
		wantUI(t, b.get("/admin/login?ok=signedout"), http.StatusOK, "You are signed out.")
		replay := e.browser()
		replay.setCookie("ally_admin", token, "/admin")
		if pg := replay.getOnly("/admin/partners?x=1"); pg.status != http.StatusSeeOther || pg.location() != "/admin/login?next=%2Fadmin%2Fpartners%3Fx%3D1" {
			t.Fatalf("old cookie after sign-out: %d %q", pg.status, pg.location())
		}
	})
}

func TestAdminLoginNext(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		tests := []struct{ next, want string }{
			{"/admin/partners?x=1", "/admin/partners?x=1"},
			{"//evil.example", "/admin/"},
			{"/\\evil.example", "/admin/"},
			{"/a/../\\evil", "/admin/"},
			{"https:evil.example", "/admin/"},
			{"https://evil.example/admin/", "/admin/"},
			{"/partner/", "/admin/"},
		}
		for _, tt := range tests {
			b := e.browser()
			pg := b.postOnly("/admin/login", url.Values{"email": {"admin@vendor.example"}, "password": {uiPassword}, "next": {tt.next}})
			if pg.status != http.StatusSeeOther || pg.location() != tt.want {
				t.Errorf("next %q: %d to %q, want %q", tt.next, pg.status, pg.location(), tt.want)
			}
		}
		// A protected page sends the browser to sign in and back.
		b := e.browser()
		pg := b.get("/admin/partners?status=active")
		wantUI(t, pg, http.StatusOK, `name="next"`)
		if pg.path() != "/admin/login" {
			t.Fatalf("ended at %s", pg.url)
		}
		pg = b.post("/admin/login", url.Values{"email": {"admin@vendor.example"}, "password": {uiPassword}, "next": {pg.url.Query().Get("next")}})
		if pg.url.RequestURI() != "/admin/partners?status=active" {
			t.Fatalf("after sign-in: %s", pg.url)
		}
	})
}

// enableTOTP turns two-step sign-in on for the staff user and returns
// what makes the current code of the user's authenticator app.
func (e *uiEnv) enableTOTP(a ally.Actor) (code func() string) {
	e.t.Helper()
	secret, _, err := e.app.BeginTOTP(e.ctx, a)
	if err != nil {
		e.t.Fatal(err)
	}
	code = func() string {
		c, err := totp.GenerateCode(secret, time.Now())
		if err != nil {
			e.t.Fatal(err)
		}
		return c
	}
	if err := e.app.EnableTOTP(e.ctx, a, code()); err != nil {
		e.t.Fatal(err)
	}
	return code
}

func TestAdminLoginTOTP(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		code := e.enableTOTP(e.admin)
		b := e.browser()
		if pg := b.getOnly("/admin/login/totp"); pg.location() != "/admin/login" {
			t.Fatalf("TOTP page without a pending sign-in: %d %q", pg.status, pg.location())
		}
		pg := b.post("/admin/login", url.Values{"email": {"admin@vendor.example"}, "password": {uiPassword}, "next": {"/admin/quiet"}})
		wantUI(t, pg, http.StatusOK, "Two-step sign-in", `autocomplete="one-time-code"`, `name="next" value="/admin/quiet"`)
		if pg.path() != "/admin/login/totp" {
			t.Fatalf("ended at %s", pg.url)
		}
		pending := b.cookie("ally_admin", "/admin/")
		// The pending session opens nothing.
		if pg := b.getOnly("/admin/partners"); pg.status != http.StatusSeeOther {
			t.Fatalf("pending session opened a page: %d", pg.status)
		}
		wantUI(t, b.post("/admin/login/totp", url.Values{"code": {"000000"}, "next": {"/admin/quiet"}}), http.StatusUnauthorized, "Wrong code")
		c := code()
		pg = b.post("/admin/login/totp", url.Values{"code": {c[:3] + " " + c[3:]}, "next": {"/admin/quiet"}})
		wantUI(t, pg, http.StatusOK, "Going quiet")
		if pg.path() != "/admin/quiet" {
			t.Fatalf("ended at %s", pg.url)
		}
		if v := b.cookie("ally_admin", "/admin/"); v == pending || v == "" {
			t.Fatal("the pending token was not swapped")
		}
	})
}

func TestAdminForgotAndReset(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		b := e.browser()
		wantUI(t, b.get("/admin/forgot"), http.StatusOK, `<label for="f-email">E-mail</label>`)
		known := b.postOnly("/admin/forgot", url.Values{"email": {"admin@vendor.example"}})
		unknown := b.postOnly("/admin/forgot", url.Values{"email": {"nobody@vendor.example"}})
		if known.status != unknown.status || known.location() != unknown.location() || known.location() != "/admin/login?ok=reset" {
			t.Fatalf("answers differ: %d %q / %d %q", known.status, known.location(), unknown.status, unknown.location())
		}
		ms := e.mails()
		if len(ms) != 1 || ms[0].To[0] != "admin@vendor.example" {
			t.Fatalf("mails = %+v", ms)
		}
		i := strings.Index(ms[0].Text, e.base+"/admin/reset/")
		if i < 0 {
			t.Fatalf("no reset link in %q", ms[0].Text)
		}
		path := strings.Fields(ms[0].Text[i+len(e.base):])[0]

		wantUI(t, b.get(path), http.StatusOK, `autocomplete="new-password"`)
		wantUI(t, b.post(path, url.Values{"password": {"a brand new password"}, "password2": {"a brand new passwort"}}),
			http.StatusUnprocessableEntity, "does not match", `aria-describedby="e-f-password2 "`)
		wantUI(t, b.post(path, url.Values{"password": {"short"}, "password2": {"short"}}),
			http.StatusUnprocessableEntity, "must be at least 12 characters")
		pg := b.post(path, url.Values{"password": {"a brand new password"}, "password2": {"a brand new password"}})
		wantUI(t, pg, http.StatusOK, "Your password is set.")
		// Used once, the link is dead.
		wantUI(t, b.post(path, url.Values{"password": {"another new password"}, "password2": {"another new password"}}),
			http.StatusNotFound, "not valid any more", `href="/admin/forgot"`)
		pg = b.post("/admin/login", url.Values{"email": {"admin@vendor.example"}, "password": {"a brand new password"}})
		if pg.path() != "/admin/partners" {
			t.Fatalf("sign-in with the new password ended at %s", pg.url)
		}
		_ = ally.ActorStaff
	})
}
