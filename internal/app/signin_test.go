package app_test

import (
	"errors"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestSignInFailuresAnswerAlike(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		admin := e.staff("admin@vendor.example", ally.RoleAdmin)
		off := e.staff("off@vendor.example", ally.RoleViewer)
		if err := e.app.SetUserDisabled(e.ctx, admin, off.ID, true); err != nil {
			t.Fatal(err)
		}
		var first *ally.Error
		for _, tc := range []struct{ name, email, password string }{
			{"wrong password", "admin@vendor.example", "not the password"},
			{"unknown e-mail", "nobody@vendor.example", goodPassword},
			{"disabled user", "off@vendor.example", goodPassword},
			{"empty", "", ""},
		} {
			_, err := e.app.SignInStaff(e.ctx, tc.email, tc.password, meta("192.0.2.10"))
			var ae *ally.Error
			if !errors.As(err, &ae) || ae.Code != ally.ECodeUnauthorized || ae.Message != "wrong e-mail or password" {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if first != nil && (ae.Message != first.Message || len(ae.Fields) != 0) {
				t.Fatalf("%s answers differently: %v", tc.name, ae)
			}
			first = ae
		}
		failed := e.wantAudit("auth.signin_failed", 4)
		if failed.ActorLabel != "" || failed.IP != "192.0.2.10" || failed.UserAgent != "test-agent" {
			t.Fatalf("failure audit: %+v", failed)
		}
		if e.audits("auth.signin_failed")[1].ActorLabel != "off@vendor.example" {
			t.Fatal("the e-mail tried is not in the audit event")
		}

		// Success: a new token every time, none of them stored in clear.
		in1, err := e.app.SignInStaff(e.ctx, " Admin@Vendor.example ", goodPassword, meta("192.0.2.10"))
		if err != nil {
			t.Fatal(err)
		}
		in2, err := e.app.SignInStaff(e.ctx, "admin@vendor.example", goodPassword, meta("192.0.2.10"))
		if err != nil {
			t.Fatal(err)
		}
		if in1.Token == in2.Token || len(in1.Token) < 43 || in1.Session.TokenHash == in1.Token || in1.NeedTOTP {
			t.Fatalf("sign-ins: %+v %+v", in1, in2)
		}
		actor := e.signedIn(e.app, in1.Token)
		if actor.Kind != ally.ActorStaff || actor.ID != admin.ID || actor.Role != ally.RoleAdmin || actor.Label != "admin@vendor.example" {
			t.Fatalf("actor: %+v", actor)
		}
		ev := e.wantAudit("auth.signin", 2)
		if ev.ActorID != admin.ID || ev.TargetID != admin.ID {
			t.Fatalf("signin audit: %+v", ev)
		}
		u, _ := e.app.User(e.ctx, sys, admin.ID)
		if !u.LastSignInAt.Equal(e.clock.Now()) {
			t.Fatalf("last sign-in %v, want %v", u.LastSignInAt, e.clock.Now())
		}

		// Sign-out kills the token on every node, and only that token; the
		// portal's sign-out leaves a staff session alone.
		if err := e.app.SignOut(e.ctx, in1.Token, ally.ActorPartner); err != nil {
			t.Fatal(err)
		}
		e.signedIn(e.node(), in1.Token)
		if err := e.app.SignOut(e.ctx, in1.Token, ally.ActorStaff); err != nil {
			t.Fatal(err)
		}
		e.signedOut(e.node(), in1.Token)
		e.signedIn(e.node(), in2.Token)
		if ev := e.wantAudit("auth.signout", 1); ev.ActorID != admin.ID || ev.ActorLabel != "admin@vendor.example" {
			t.Fatalf("signout audit: %+v", ev)
		}
		if err := e.app.SignOut(e.ctx, in1.Token, ally.ActorStaff); err != nil {
			t.Fatalf("second sign-out: %v", err)
		}
	})
}

func TestLockOutPerAccount(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		e.staff("known@vendor.example", ally.RoleAdmin)
		node2 := e.node()
		for _, email := range []string{"known@vendor.example", "unknown@vendor.example"} {
			// Five failures, spread over two nodes and two IPs.
			for i := range 5 {
				a, ip := e.app, "198.51.100.1"
				if i%2 == 1 {
					a, ip = node2, "198.51.100.2"
				}
				_, err := a.SignInStaff(e.ctx, email, "wrong password!", meta(ip))
				wantCode(t, err, ally.ECodeUnauthorized)
			}
			// Now even the right password is refused, on both nodes, from a fresh IP.
			for _, a := range []*app.App{e.app, node2} {
				_, err := a.SignInStaff(e.ctx, email, goodPassword, meta("198.51.100.3"))
				wantCode(t, err, ally.ECodeRateLimited)
				if err.Error() != "rate_limited: too many attempts; try again in 15 minutes" {
					t.Fatalf("%s: %v", email, err)
				}
			}
		}
		// The other door counts separately.
		_, err := e.app.SignInPartner(e.ctx, "known@vendor.example", goodPassword, meta("198.51.100.3"))
		wantCode(t, err, ally.ECodeUnauthorized)

		e.clock.Add(5 * time.Minute)
		_, err = e.app.SignInStaff(e.ctx, "known@vendor.example", goodPassword, meta("198.51.100.3"))
		if err == nil || err.Error() != "rate_limited: too many attempts; try again in 10 minutes" {
			t.Fatalf("after 5 minutes: %v", err)
		}
		e.clock.Add(10*time.Minute + time.Second)
		if _, err := node2.SignInStaff(e.ctx, "known@vendor.example", goodPassword, meta("198.51.100.3")); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		if ev := e.audits("auth.signin_failed")[0]; ev.Changes["reason"].After != "locked_out" {
			t.Fatalf("lock-out audit: %+v", ev.Changes)
		}
	})
}

func TestLockOutPerIP(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		e.staff("victim@vendor.example", ally.RoleAdmin)
		node2 := e.node()
		// Distinct e-mails, so no account reaches its own limit.
		for i := range 8 {
			a := []*app.App{e.app, node2}[i%2]
			_, err := a.SignInStaff(e.ctx, "guess"+string(rune('a'+i))+"@vendor.example", "whatever123456", meta("203.0.113.9"))
			wantCode(t, err, ally.ECodeUnauthorized)
		}
		_, err := e.app.SignInStaff(e.ctx, "victim@vendor.example", goodPassword, meta("203.0.113.9"))
		wantCode(t, err, ally.ECodeRateLimited)
		_, err = node2.SignInPartner(e.ctx, "someone@partner.example", "whatever123456", meta("203.0.113.9"))
		wantCode(t, err, ally.ECodeRateLimited)
		if _, err := e.app.SignInStaff(e.ctx, "victim@vendor.example", goodPassword, meta("203.0.113.10")); err != nil {
			t.Fatalf("another IP is not locked: %v", err)
		}
	}, app.WithAuthPolicy(app.AuthPolicy{IPFailures: 8}))
}

func TestDefaultAuthPolicy(t *testing.T) {
	p := app.DefaultAuthPolicy()
	if p.StaffIdle != 12*time.Hour || p.PartnerIdle != 12*time.Hour || p.Absolute != 7*24*time.Hour ||
		p.AccountFailures != 5 || p.IPFailures != 30 || p.FailureWindow != 15*time.Minute ||
		p.ResetTTL != time.Hour || p.InviteTTL != 7*24*time.Hour || p.SignupTTL != 24*time.Hour {
		t.Fatalf("defaults: %+v", p)
	}
}
