package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/app"
)

func TestPortalLoginAnswersAlike(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme")
		e.signedInAt(p, "pat@acme.example")

		b := e.browser()
		unknown := b.post("/partner/login", url.Values{"email": {"nobody@acme.example"}, "password": {portalPassword}})
		wrong := b.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {"not the password at all"}})
		wantUI(t, unknown, http.StatusUnauthorized, "Wrong e-mail or password.")
		wantUI(t, wrong, http.StatusUnauthorized, "Wrong e-mail or password.")
		// The pages differ only in the address echoed back.
		if strings.ReplaceAll(unknown.body, "nobody@acme.example", "") != strings.ReplaceAll(wrong.body, "pat@acme.example", "") {
			t.Fatal("unknown and known addresses get different pages")
		}
		if strings.Contains(wrong.body, "not the password at all") {
			t.Fatal("the password is echoed")
		}

		// Five failures lock the account, for the right password too.
		for i := 0; i < 4; i++ {
			b.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {"not the password at all"}})
		}
		pg := b.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {portalPassword}})
		wantUI(t, pg, http.StatusTooManyRequests, "Too many attempts")
		// An unknown address locks the same way, so the lock reveals nothing.
		for i := 0; i < 5; i++ {
			b.post("/partner/login", url.Values{"email": {"ghost@acme.example"}, "password": {"whatever it is"}})
		}
		wantUI(t, b.post("/partner/login", url.Values{"email": {"ghost@acme.example"}, "password": {"whatever it is"}}),
			http.StatusTooManyRequests, "Too many attempts")
	})
}

func TestPortalLoginNextAndSignOut(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme")
		e.signedInAt(p, "pat@acme.example")

		// A page behind the sign-in sends there with itself as next.
		b := e.browser()
		pg := b.getOnly("/partner/profile?x=1")
		if pg.status != http.StatusSeeOther || pg.location() != "/partner/login?next="+url.QueryEscape("/partner/profile?x=1") {
			t.Fatalf("signed-out profile: %d %s", pg.status, pg.location())
		}
		wantUI(t, b.get(pg.location()), http.StatusOK, `name="next" value="/partner/profile?x=1"`)

		for next, want := range map[string]string{
			"/partner/profile":            "/partner/profile",
			"//evil.example/partner/":     "/partner/",
			"https://evil.example/":       "/partner/",
			"/admin/":                     "/partner/",
			"/partner/../admin/":          "/partner/",
			`/\evil.example`:              "/partner/",
			"javascript:alert(1)":         "/partner/",
			"/partner/%2f%2fevil.example": "/partner/",
		} {
			b := e.browser()
			form := url.Values{"email": {"pat@acme.example"}, "password": {portalPassword}, "next": {next}}
			pg := b.postRaw("/partner/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
			if pg.status != http.StatusSeeOther || pg.location() != want {
				t.Fatalf("next %q: %d to %q, want %q", next, pg.status, pg.location(), want)
			}
		}

		// Signing out ends the session on the server: a copied cookie stops working.
		b = e.browser()
		b.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {portalPassword}})
		token := b.cookie("ally_portal", "/partner/")
		if token == "" {
			t.Fatal("no session cookie")
		}
		pg = b.post("/partner/logout", nil)
		wantUI(t, pg, http.StatusOK, "You are signed out.")
		if b.cookie("ally_portal", "/partner/") != "" {
			t.Fatal("the cookie outlived sign-out")
		}
		thief := e.browser()
		thief.setCookie("ally_portal", token, "/partner")
		if pg := thief.getOnly("/partner/"); pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/partner/login") {
			t.Fatalf("a signed-out token still opens the portal: %d %s", pg.status, pg.location())
		}
	})
}

func TestPortalRefusesCrossSiteAndStaff(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme")
		b := e.signedInAt(p, "pat@acme.example")

		form := url.Values{"email": {"pat@acme.example"}, "password": {portalPassword}}.Encode()
		for _, h := range []http.Header{
			{"Sec-Fetch-Site": {"cross-site"}},
			{"Origin": {"https://evil.example"}},
		} {
			pg := e.browser().postRaw("/partner/login", "application/x-www-form-urlencoded", strings.NewReader(form), h)
			if pg.status != http.StatusForbidden {
				t.Fatalf("cross-site sign-in %v: %d", h, pg.status)
			}
			pg = b.postRaw("/partner/profile", "application/x-www-form-urlencoded", strings.NewReader("website=https%3A%2F%2Fevil.example"), h)
			if pg.status != http.StatusForbidden {
				t.Fatalf("cross-site profile edit %v: %d", h, pg.status)
			}
		}
		if got, _ := e.app.Partner(e.ctx, e.admin, p.ID); got.Website != "" {
			t.Fatalf("a cross-site post changed the profile: %s", got.Website)
		}

		// A staff session is no portal session, under either cookie name.
		in, err := e.app.SignInStaff(e.ctx, "admin@vendor.example", uiPassword, app.ClientMeta{IP: "192.0.2.7"})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ally_portal", "ally_admin"} {
			staff := e.browser()
			staff.setCookie(name, in.Token, "/partner")
			if pg := staff.getOnly("/partner/"); pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/partner/login") {
				t.Fatalf("staff token as %s opened the portal: %d %s", name, pg.status, pg.location())
			}
		}
	})
}
