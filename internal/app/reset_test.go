package app_test

import (
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// portalUser makes an active partner user with goodPassword at a new active partner.
func (e *authEnv) portalUser(email string) *ally.Contact {
	e.t.Helper()
	p := e.partner("Partner of "+email, ally.StatusActive, "", "")
	c := e.contact(p, "Pat User", email)
	if err := e.app.SetTemporaryPassword(e.ctx, sys, c.ID, goodPassword); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestPasswordReset(t *testing.T) {
	for _, tc := range []struct {
		kind       ally.ActorKind
		path, miss string
	}{
		{ally.ActorStaff, "/admin/reset/", "/partner/reset/"},
		{ally.ActorPartner, "/partner/reset/", "/admin/reset/"},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			eachAuth(t, func(t *testing.T, e *authEnv) {
				email := "forgot@example.com"
				signIn := e.app.SignInStaff
				if tc.kind == ally.ActorStaff {
					e.staff(email, ally.RoleViewer)
				} else {
					e.portalUser(email)
					signIn = e.app.SignInPartner
				}
				old, err := signIn(e.ctx, email, goodPassword, meta("192.0.2.1"))
				if err != nil {
					t.Fatal(err)
				}
				if err := e.app.RequestPasswordReset(e.ctx, tc.kind, " FORGOT@example.com", meta("192.0.2.1")); err != nil {
					t.Fatal(err)
				}
				token := e.oneLink(email, tc.path)
				e.wantAudit("auth.reset_requested", 1)

				// The link is for this kind of account only.
				other := ally.ActorPartner
				if tc.kind == ally.ActorPartner {
					other = ally.ActorStaff
				}
				wantCode(t, e.app.ResetPassword(e.ctx, other, token, "my new password!", meta("")), ally.ECodeNotFound)
				wantCode(t, e.app.ResetPassword(e.ctx, tc.kind, token, "short", meta("")), ally.ECodeInvalid)
				if err := e.app.ResetPassword(e.ctx, tc.kind, token, "my new password!", meta("")); err != nil {
					t.Fatal(err)
				}
				wantCode(t, e.app.ResetPassword(e.ctx, tc.kind, token, "my other password", meta("")), ally.ECodeNotFound)
				e.signedOut(e.app, old.Token)
				if _, err := signIn(e.ctx, email, "my new password!", meta("192.0.2.1")); err != nil {
					t.Fatal(err)
				}
				e.wantAudit("auth.password_reset", 1)

				// An expired link is refused; a newer link replaces an older one.
				_ = e.app.RequestPasswordReset(e.ctx, tc.kind, email, meta("192.0.2.1"))
				first := e.oneLink(email, tc.path)
				_ = e.app.RequestPasswordReset(e.ctx, tc.kind, email, meta("192.0.2.1"))
				second := e.oneLink(email, tc.path)
				wantCode(t, e.app.ResetPassword(e.ctx, tc.kind, first, "my third password", meta("")), ally.ECodeNotFound)
				e.clock.Add(time.Hour + time.Second)
				wantCode(t, e.app.ResetPassword(e.ctx, tc.kind, second, "my third password", meta("")), ally.ECodeNotFound)

				// Unknown addresses: the same nil, no token, no e-mail, no event.
				for _, unknown := range []string{"nobody@example.com", "not an address", ""} {
					if err := e.app.RequestPasswordReset(e.ctx, tc.kind, unknown, meta("192.0.2.1")); err != nil {
						t.Fatalf("%q: %v", unknown, err)
					}
				}
				e.noMail()
				e.wantAudit("auth.reset_requested", 3)
			})
		})
	}
}

func TestPasswordResetLimits(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		e.staff("flood@vendor.example", ally.RoleViewer)
		// Per address: a few e-mails, then silence (still nil).
		for i := range 5 {
			ip := "192.0.2." + string(rune('1'+i))
			if err := e.app.RequestPasswordReset(e.ctx, ally.ActorStaff, "flood@vendor.example", meta(ip)); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.mails()); n != 3 {
			t.Fatalf("%d e-mails to one address", n)
		}
		// Per IP: rate-limited alike for known and unknown addresses, on every node.
		node2 := e.node()
		for i := range 4 {
			if err := node2.RequestPasswordReset(e.ctx, ally.ActorStaff, "x"+string(rune('a'+i))+"@vendor.example", meta("198.51.100.7")); err != nil {
				t.Fatal(err)
			}
		}
		for _, email := range []string{"flood@vendor.example", "nobody@vendor.example"} {
			err := e.app.RequestPasswordReset(e.ctx, ally.ActorStaff, email, meta("198.51.100.7"))
			wantCode(t, err, ally.ECodeRateLimited)
		}
	}, app.WithAuthPolicy(app.AuthPolicy{MailRequestsIP: 4}))
}
