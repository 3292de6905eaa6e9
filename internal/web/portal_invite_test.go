package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestPortalInviteFlow(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme Resellers")
		c := e.portalContact(p, "Pat Jones", "pat@acme.example")
		if err := e.app.InviteContact(e.ctx, e.admin, c.ID, "Welcome aboard"); err != nil {
			t.Fatal(err)
		}
		link := e.portalLink("pat@acme.example", "/partner/invite/")

		b := e.browser()
		wantUI(t, b.get(link), http.StatusOK, "Acme Resellers", "pat@acme.example", `name="password"`, `name="confirm"`)

		// Two different passwords, or a short one, change nothing.
		pg := b.post(link, url.Values{"password": {portalPassword}, "confirm": {"something else entirely"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "does not match")
		pg = b.post(link, url.Values{"password": {"short"}, "confirm": {"short"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "at least 12 characters")

		pg = b.post(link, url.Values{"password": {portalPassword}, "confirm": {portalPassword}})
		if pg.uri() != "/partner/" {
			t.Fatalf("accepting ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, "Acme Resellers", "pat@acme.example", "Sign out")
		if b.cookie("ally_portal", "/partner/") == "" || b.cookie("ally_portal", "/admin/") != "" {
			t.Fatal("the portal cookie must be set, for /partner only")
		}
		if got := e.audits("contact.invite_accepted"); len(got) != 1 || got[0].PartnerID != p.ID {
			t.Fatalf("audit: %+v", got)
		}

		// The link works once, for anyone.
		other := e.browser()
		wantUI(t, other.get(link), http.StatusNotFound, "not valid any more", "ask your contact", "/partner/forgot")
		wantUI(t, other.post(link, url.Values{"password": {portalPassword}, "confirm": {portalPassword}}),
			http.StatusNotFound, "not valid any more")
		if pg := other.get("/partner/"); pg.url.Path != "/partner/login" {
			t.Fatalf("a used link signed someone in: %s", pg.url)
		}

		// The password chosen signs in.
		pg = other.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {portalPassword}})
		wantUI(t, pg, http.StatusOK, "Acme Resellers")
	})
}

func TestPortalSignup(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		open := e.portalPartner("Open Co")
		domain, access := "open.example", ally.AccessRestrictedDomains
		if _, err := e.app.UpdatePartner(e.ctx, e.admin, open.ID, ally.PartnerFields{Domain: &domain, PortalAccess: &access, ExperienceTemplateID: &open.ExperienceTemplateID}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		closed := e.portalPartner("Closed Co")
		domain2 := "closed.example"
		if _, err := e.app.UpdatePartner(e.ctx, e.admin, closed.ID, ally.PartnerFields{Domain: &domain2}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}

		b := e.browser()
		wantUI(t, b.get("/partner/signup"), http.StatusOK, `name="email"`)
		answers := map[string]string{}
		for _, email := range []string{"someone@closed.example", "someone@nowhere.example", "new.person@open.example"} {
			pg := b.post("/partner/signup", url.Values{"email": {email}})
			wantUI(t, pg, http.StatusOK, "If that address can join")
			answers[email] = pg.body
			if email != "new.person@open.example" {
				if ms := e.mails(); len(ms) != 0 {
					t.Fatalf("%s: want no e-mail, got %+v", email, ms)
				}
			}
		}
		if answers["someone@closed.example"] != answers["new.person@open.example"] || answers["someone@nowhere.example"] != answers["new.person@open.example"] {
			t.Fatal("the sign-up answer differs between addresses")
		}
		link := e.portalLink("new.person@open.example", "/partner/signup/")

		wantUI(t, b.get(link), http.StatusOK, "Open Co", "new.person@open.example")
		pg := b.post(link, url.Values{"name": {""}, "password": {portalPassword}, "confirm": {portalPassword}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "must be 1 to 200 characters")
		pg = b.post(link, url.Values{"name": {"New Person"}, "password": {portalPassword}, "confirm": {portalPassword}})
		if pg.uri() != "/partner/" {
			t.Fatalf("sign-up ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, "Open Co", "new.person@open.example")
		wantUI(t, e.browser().get(link), http.StatusNotFound, "not valid any more")

		// A malformed address is the one answer that differs.
		wantUI(t, b.post("/partner/signup", url.Values{"email": {"not an address"}}), http.StatusUnprocessableEntity, "valid e-mail")
	})
}
