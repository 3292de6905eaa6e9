package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestPortalForgotAndReset(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme")
		signedIn := e.signedInAt(p, "pat@acme.example")

		b := e.browser()
		wantUI(t, b.get("/partner/forgot"), http.StatusOK, `name="email"`)
		unknown := b.post("/partner/forgot", url.Values{"email": {"nobody@acme.example"}})
		if ms := e.mails(); len(ms) != 0 {
			t.Fatalf("mail for an unknown address: %+v", ms)
		}
		known := b.post("/partner/forgot", url.Values{"email": {"pat@acme.example"}})
		if unknown.uri() != "/partner/login?ok=reset" || known.body != unknown.body {
			t.Fatalf("forgot answers differ: %s / %s", unknown.uri(), known.uri())
		}
		wantUI(t, known, http.StatusOK, "If that address has an account")
		link := e.portalLink("pat@acme.example", "/partner/reset/")

		wantUI(t, b.get(link), http.StatusOK, `name="password"`)
		const fresh = "a fresh new password"
		wantUI(t, b.post(link, url.Values{"password": {fresh}, "confirm": {"other"}}), http.StatusUnprocessableEntity, "does not match")
		pg := b.post(link, url.Values{"password": {fresh}, "confirm": {fresh}})
		if pg.uri() != "/partner/login?ok=resetdone" {
			t.Fatalf("reset ended at %s", pg.uri())
		}
		wantUI(t, b.post(link, url.Values{"password": {fresh}, "confirm": {fresh}}), http.StatusNotFound, "Ask for a new link")

		// The reset signed every session out; the new password signs in.
		if pg := signedIn.getOnly("/partner/"); pg.status != http.StatusSeeOther {
			t.Fatalf("an old session survived the reset: %d", pg.status)
		}
		wantUI(t, b.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {fresh}}), http.StatusOK, "Acme")
	})
}

func TestPortalAccount(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme")
		b := e.signedInAt(p, "pat@acme.example")

		wantUI(t, b.get("/partner/account"), http.StatusOK, "pat@acme.example", `value="lead_assigned"`)
		pg := b.post("/partner/account", url.Values{"name": {"Pat Q. Jones"}, "title": {"Partner lead"}, "phone": {"+32 2 123 45 67"},
			"notify": {ally.NotifyLeadAssigned, ally.NotifyActivity, "made_up"}})
		if pg.uri() != "/partner/account?ok=saved" {
			t.Fatalf("account save ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, `value="Pat Q. Jones"`, `value="Partner lead"`, "32 2 123 45 67",
			`value="lead_assigned" checked`, `value="activity" checked`)
		if strings.Contains(pg.body, `value="partner_updated" checked`) {
			t.Fatal("an unticked notification is on")
		}
		wantUI(t, b.post("/partner/account", url.Values{"name": {""}}), http.StatusUnprocessableEntity, `id="e-name"`)

		// Changing the password asks for the current one and keeps this session.
		other := e.browser()
		other.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {portalPassword}})
		const next = "the next password of pat"
		pg = b.post("/partner/account/password", url.Values{"currentPassword": {"wrong password here"}, "newPassword": {next}, "confirm": {next}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "is not your current password")
		pg = b.post("/partner/account/password", url.Values{"currentPassword": {portalPassword}, "newPassword": {next}, "confirm": {next}})
		if pg.uri() != "/partner/account?ok=password" {
			t.Fatalf("password change ended at %s", pg.uri())
		}
		if pg := other.getOnly("/partner/"); pg.status != http.StatusSeeOther {
			t.Fatalf("another session survived the password change: %d", pg.status)
		}

		// The e-mail changes only once the link sent to the new address is used.
		pg = b.post("/partner/account/email", url.Values{"email": {"pat@new.example"}, "currentPassword": {"wrong password here"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "is not your current password", `value="pat@new.example"`)
		pg = b.post("/partner/account/email", url.Values{"email": {"pat@new.example"}, "currentPassword": {next}})
		if pg.uri() != "/partner/account?ok=email" {
			t.Fatalf("e-mail change ended at %s", pg.uri())
		}
		link := e.portalLink("pat@new.example", "/partner/email/")
		wantUI(t, b.get(link), http.StatusOK, "Confirm the new address")
		if c, err := e.app.MyAccount(e.ctx, portalPartnerActor(t, e, "pat@acme.example", next)); err != nil || c.Email != "pat@acme.example" {
			t.Fatalf("opening the link changed the address: %v %v", c, err)
		}
		pg = b.post(link, nil)
		if pg.uri() != "/partner/account?ok=emailset" {
			t.Fatalf("confirm ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, "pat@new.example")
		wantUI(t, e.browser().post(link, nil), http.StatusNotFound, "not valid any more")
		wantUI(t, e.browser().post("/partner/login", url.Values{"email": {"pat@new.example"}, "password": {next}}), http.StatusOK, "Acme")
	})
}

// portalPartnerActor signs a partner user in through the application and returns the actor.
func portalPartnerActor(t *testing.T, e *uiEnv, email, password string) ally.Actor {
	t.Helper()
	in, err := e.app.SignInPartner(e.ctx, email, password, app.ClientMeta{IP: "192.0.2.8"})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := e.app.Authenticate(e.ctx, in.Token, app.ClientMeta{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
