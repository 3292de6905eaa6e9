package app_test

import (
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestSessionTimeouts(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		e.staff("s@vendor.example", ally.RoleManager)
		signIn := func() string {
			t.Helper()
			in, err := e.app.SignInStaff(e.ctx, "s@vendor.example", goodPassword, meta("192.0.2.1"))
			if err != nil {
				t.Fatal(err)
			}
			return in.Token
		}

		// Idle: 12 hours without a request ends the session.
		idle := signIn()
		e.clock.Add(12*time.Hour - time.Second)
		e.signedIn(e.node(), idle) // still alive, and this use counts
		e.clock.Add(12*time.Hour - time.Second)
		e.signedIn(e.app, idle)
		e.clock.Add(12 * time.Hour)
		e.signedOut(e.app, idle)

		// Absolute: 7 days after sign-in, however busy.
		busy := signIn()
		for range 15 {
			e.clock.Add(11 * time.Hour)
			e.signedIn(e.app, busy)
		}
		e.clock.Add(3*time.Hour - time.Second) // 7 days less a second
		e.signedIn(e.app, busy)
		e.clock.Add(time.Second)
		e.signedOut(e.app, busy)

		// LastSeenAt is written at most once a minute.
		tok := signIn()
		e.clock.Add(2 * time.Minute)
		_, s1, _ := e.app.Authenticate(e.ctx, tok, app.ClientMeta{})
		e.clock.Add(30 * time.Second)
		_, s2, _ := e.app.Authenticate(e.ctx, tok, app.ClientMeta{})
		e.clock.Add(31 * time.Second)
		_, s3, _ := e.app.Authenticate(e.ctx, tok, app.ClientMeta{})
		if !s1.LastSeenAt.Equal(s2.LastSeenAt) || !s3.LastSeenAt.After(s2.LastSeenAt) {
			t.Fatalf("touches: %v %v %v", s1.LastSeenAt, s2.LastSeenAt, s3.LastSeenAt)
		}

		// The sweep removes the dead sessions and keeps the live one.
		n, err := e.app.SweepSessions(e.ctx)
		if err != nil || n != 2 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		e.signedIn(e.app, tok)
		e.clock.Add(13 * time.Hour)
		if n, err := e.node().SweepSessions(e.ctx); err != nil || n != 1 {
			t.Fatalf("second sweep: %d %v", n, err)
		}

		for _, bad := range []string{"", "x", tok + "x"} {
			e.signedOut(e.app, bad)
		}
	}, app.WithAuthPolicy(app.AuthPolicy{}))
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		e.staff("me@vendor.example", ally.RoleViewer)
		in1, _ := e.app.SignInStaff(e.ctx, "me@vendor.example", goodPassword, meta("192.0.2.1"))
		in2, _ := e.app.SignInStaff(e.ctx, "me@vendor.example", goodPassword, meta("192.0.2.2"))
		me := e.signedIn(e.app, in1.Token)

		for _, tc := range []struct {
			name, current, next, code string
		}{
			{"wrong current", "not my password", "a brand new password", ally.ECodeInvalid},
			{"too short", goodPassword, "short", ally.ECodeInvalid},
			{"same", goodPassword, goodPassword, ally.ECodeInvalid},
		} {
			err := e.app.ChangeOwnPassword(e.ctx, me, in1.Session.ID, tc.current, tc.next)
			wantCode(t, err, tc.code)
		}
		e.wantAudit("auth.reauth_failed", 1)
		if err := e.app.ChangeOwnPassword(e.ctx, me, in1.Session.ID, goodPassword, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		e.signedIn(e.app, in1.Token)
		e.signedOut(e.app, in2.Token)
		e.wantAudit("auth.password_changed", 1)
		_, err := e.app.SignInStaff(e.ctx, "me@vendor.example", goodPassword, meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeUnauthorized)
		if _, err := e.app.SignInStaff(e.ctx, "me@vendor.example", "a brand new password", meta("192.0.2.1")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.app.ChangeOwnPassword(e.ctx, sys, "", goodPassword, "another long password"), ally.ECodeForbidden)
	})
}

func TestAdminDisablesAndSetsPasswords(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		admin := e.staff("admin@vendor.example", ally.RoleAdmin)
		owner := e.staff("owner@vendor.example", ally.RoleOwner)
		bob := e.staff("bob@vendor.example", ally.RoleManager)
		in, _ := e.app.SignInStaff(e.ctx, "bob@vendor.example", goodPassword, meta("192.0.2.1"))

		wantCode(t, e.app.SetUserDisabled(e.ctx, bob, admin.ID, true), ally.ECodeForbidden)
		wantCode(t, e.app.SetUserDisabled(e.ctx, admin, admin.ID, true), ally.ECodeConflict)
		wantCode(t, e.app.SetUserDisabled(e.ctx, admin, owner.ID, true), ally.ECodeForbidden)
		wantCode(t, e.app.SetUserDisabled(e.ctx, admin, "user_nope", true), ally.ECodeNotFound)

		if err := e.app.SetUserDisabled(e.ctx, admin, bob.ID, true); err != nil {
			t.Fatal(err)
		}
		e.signedOut(e.app, in.Token)
		_, err := e.app.SignInStaff(e.ctx, "bob@vendor.example", goodPassword, meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeUnauthorized)
		if err := e.app.SetUserDisabled(e.ctx, admin, bob.ID, false); err != nil {
			t.Fatal(err)
		}
		e.wantAudit("user.disabled", 1)
		e.wantAudit("user.enabled", 1)

		in, err = e.app.SignInStaff(e.ctx, "bob@vendor.example", goodPassword, meta("192.0.2.1"))
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.app.SetUserPassword(e.ctx, admin, bob.ID, "short"), ally.ECodeInvalid)
		if err := e.app.SetUserPassword(e.ctx, admin, bob.ID, "set by the admin"); err != nil {
			t.Fatal(err)
		}
		e.signedOut(e.app, in.Token)
		if _, err := e.app.SignInStaff(e.ctx, "bob@vendor.example", "set by the admin", meta("192.0.2.1")); err != nil {
			t.Fatal(err)
		}
		if ev := e.wantAudit("user.password_set", 1); ev.ActorID != admin.ID || ev.TargetID != bob.ID {
			t.Fatalf("audit: %+v", ev)
		}
	})
}
