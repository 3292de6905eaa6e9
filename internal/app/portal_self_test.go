package app_test

import (
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

func TestMyHomeAndAccount(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		mgr := e.staff("mia@vendor.example", ally.RoleManager)
		gold, err := e.app.CreateTier(e.ctx, sys, ally.TierFields{Name: ptr("Gold"), PricePerLeadCents: ptr(int64(900))})
		if err != nil {
			t.Fatal(err)
		}
		p := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), TierID: &gold.ID, ManagerID: &mgr.ID, Status: ptr(ally.StatusActive)})
		other := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Other"), Status: ptr(ally.StatusActive)})
		c := e.contact(p, "Pat Jones", "pat@acme.example")
		if err := e.app.SetTemporaryPassword(e.ctx, sys, c.ID, goodPassword); err != nil {
			t.Fatal(err)
		}
		in, err := e.app.SignInPartner(e.ctx, "pat@acme.example", goodPassword, meta("192.0.2.1"))
		if err != nil {
			t.Fatal(err)
		}
		actor := e.signedIn(e.app, in.Token)

		h, err := e.app.MyHome(e.ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		if h.PartnerName != "Acme" || h.TierName != "Gold" || h.ManagerEmail != "mia@vendor.example" || h.Status != ally.StatusActive || !h.Sections.Profile {
			t.Fatalf("home: %+v", h)
		}
		acc, err := e.app.MyAccount(e.ctx, actor)
		if err != nil {
			t.Fatal(err)
		}
		if acc.ID != c.ID || !acc.MustChangePassword || acc.PasswordHash != "" {
			t.Fatalf("account: %+v", acc)
		}

		// The actor's partner id decides, and a mismatched contact is nobody.
		forged := actor
		forged.PartnerID = other.ID
		_, err = e.app.MyAccount(e.ctx, forged)
		wantCode(t, err, ally.ECodeNotFound)
		_, err = e.app.MyHome(e.ctx, mgr)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.MyAccount(e.ctx, sys)
		wantCode(t, err, ally.ECodeForbidden)
	})
}

func TestSignupInfo(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		e.partner("Open Co", ally.StatusActive, ally.AccessRestrictedDomains, "open.example")
		if err := e.app.RequestSignup(e.ctx, "new@open.example", meta("192.0.2.1")); err != nil {
			t.Fatal(err)
		}
		token := e.oneLink("new@open.example", "/partner/signup/")
		name, email, err := e.app.SignupInfo(e.ctx, token)
		if err != nil || name != "Open Co" || email != "new@open.example" {
			t.Fatalf("info: %q %q %v", name, email, err)
		}
		_, _, err = e.app.SignupInfo(e.ctx, "nonsense")
		wantCode(t, err, ally.ECodeNotFound)

		// Still usable after being looked at; used up once completed.
		if _, err := e.app.CompleteSignup(e.ctx, token, "New Person", goodPassword, meta("192.0.2.1")); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.app.SignupInfo(e.ctx, token)
		wantCode(t, err, ally.ECodeNotFound)

		// Expired links are refused too.
		if err := e.app.RequestSignup(e.ctx, "late@open.example", meta("192.0.2.1")); err != nil {
			t.Fatal(err)
		}
		token = e.oneLink("late@open.example", "/partner/signup/")
		e.clock.Add(25 * time.Hour)
		_, _, err = e.app.SignupInfo(e.ctx, token)
		wantCode(t, err, ally.ECodeNotFound)
	})
}
