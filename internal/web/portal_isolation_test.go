package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestPortalPartnersSeeOnlyThemselves(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		a := e.portalPartner("Alpha Partners")
		bp := e.portalPartner("Bravo Partners")
		if err := e.app.AddComment(e.ctx, e.admin, bp.ID, ally.ActivityComment, "Bravo's secret plan"); err != nil {
			t.Fatal(err)
		}
		if err := e.app.AddComment(e.ctx, e.admin, a.ID, ally.ActivityComment, "Welcome, Alpha"); err != nil {
			t.Fatal(err)
		}
		if err := e.app.AddComment(e.ctx, e.admin, a.ID, ally.ActivityNote, "Internal: Alpha is slow to pay"); err != nil {
			t.Fatal(err)
		}
		alpha := e.signedInAt(a, "ann@alpha.example")

		for _, q := range []string{
			"", "?partner=" + bp.ID, "?partnerId=" + bp.ID, "?id=" + bp.ID, "?partner_id=" + bp.ID + "&id=" + bp.ID,
		} {
			for path, want := range map[string]string{"/partner/": "Alpha Partners", "/partner/profile": "Alpha Partners", "/partner/account": "ann@alpha.example"} {
				pg := alpha.get(path + q)
				wantUI(t, pg, http.StatusOK, want)
				for _, leak := range []string{"Bravo", bp.ID} {
					if strings.Contains(pg.body, leak) {
						t.Fatalf("%s%s shows %q", path, q, leak)
					}
				}
			}
		}
		home := alpha.get("/partner/")
		wantUI(t, home, http.StatusOK, "Welcome, Alpha")
		if strings.Contains(home.body, "slow to pay") {
			t.Fatal("an internal note reached the portal")
		}

		// No portal URL takes a partner id, and a form field naming one is refused.
		if pg := alpha.get("/partner/profile/" + bp.ID); pg.status != http.StatusNotFound {
			t.Fatalf("profile by id: %d", pg.status)
		}
		pg := alpha.post("/partner/profile", url.Values{"partnerId": {bp.ID}, "website": {"https://x.example"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "is read-only")
		got, _ := e.app.Partner(e.ctx, e.admin, bp.ID)
		if got.Website != "" || got.Version != bp.Version {
			t.Fatalf("partner B changed: %+v", got)
		}
	})
}

func TestPortalTemporaryPassword(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.portalPartner("Acme")
		c := e.portalContact(p, "Pat Jones", "pat@acme.example")
		const temp = "temporary password 1"
		if err := e.app.SetTemporaryPassword(e.ctx, e.admin, c.ID, temp); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		pg := b.post("/partner/login", url.Values{"email": {"pat@acme.example"}, "password": {temp}, "next": {"/partner/profile"}})
		if pg.uri() != "/partner/account/password?ok=mustchange" {
			t.Fatalf("temporary sign-in ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, "Choose a new password to continue.", "temporary password")
		for _, path := range []string{"/partner/", "/partner/profile", "/partner/account"} {
			if pg := b.getOnly(path); pg.status != http.StatusSeeOther || pg.location() != "/partner/account/password?ok=mustchange" {
				t.Fatalf("%s with a temporary password: %d %s", path, pg.status, pg.location())
			}
		}
		form := url.Values{"website": {"https://early.example"}}.Encode()
		if pg := b.postRaw("/partner/profile", "application/x-www-form-urlencoded", strings.NewReader(form), nil); pg.status != http.StatusSeeOther {
			t.Fatalf("profile edit with a temporary password: %d", pg.status)
		}

		pg = b.post("/partner/account/password", url.Values{"currentPassword": {temp}, "newPassword": {portalPassword}, "confirm": {"different"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "does not match")
		pg = b.post("/partner/account/password", url.Values{"currentPassword": {temp}, "newPassword": {portalPassword}, "confirm": {portalPassword}})
		if pg.uri() != "/partner/?ok=password" {
			t.Fatalf("password change ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, "Password changed.", "Acme")
		wantUI(t, b.get("/partner/profile"), http.StatusOK, "Profile")
	})
}
