package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestTOTP(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		me := e.staff("two@vendor.example", ally.RoleAdmin)
		code := func(secret string) string {
			t.Helper()
			c, err := totp.GenerateCode(secret, e.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		secret, url, err := e.app.BeginTOTP(e.ctx, me)
		if err != nil || secret == "" || !strings.HasPrefix(url, "otpauth://totp/") || !strings.Contains(url, "two@vendor.example") {
			t.Fatalf("begin: %q %q %v", secret, url, err)
		}
		// Not on until a code confirms it.
		in, _ := e.app.SignInStaff(e.ctx, "two@vendor.example", goodPassword, meta("192.0.2.1"))
		if in.NeedTOTP {
			t.Fatal("TOTP on before it was confirmed")
		}
		wantCode(t, e.app.EnableTOTP(e.ctx, me, "000000"), ally.ECodeInvalid)
		if err := e.app.EnableTOTP(e.ctx, me, code(secret)); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.app.BeginTOTP(e.ctx, me)
		wantCode(t, err, ally.ECodeConflict)

		pending, err := e.app.SignInStaff(e.ctx, "two@vendor.example", goodPassword, meta("192.0.2.1"))
		if err != nil || !pending.NeedTOTP || !pending.Session.TOTPPending {
			t.Fatalf("password step: %+v %v", pending, err)
		}
		e.signedOut(e.app, pending.Token) // a pending session authenticates nothing
		_, err = e.app.VerifyTOTP(e.ctx, pending.Token, "123456", meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeUnauthorized)
		e.clock.Add(30 * time.Second)
		full, err := e.node().VerifyTOTP(e.ctx, pending.Token, code(secret), meta("192.0.2.1"))
		if err != nil || full.NeedTOTP || full.Token == pending.Token {
			t.Fatalf("code step: %+v %v", full, err)
		}
		e.signedIn(e.app, full.Token)
		_, err = e.app.VerifyTOTP(e.ctx, pending.Token, code(secret), meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeUnauthorized) // the pending token was used up
		if ev := e.audits("auth.signin")[0]; ev.Changes["totp"].After != true {
			t.Fatalf("signin audit: %+v", ev)
		}
		e.wantAudit("auth.totp_failed", 1)

		// Wrong codes count toward the account's lock-out.
		pending, _ = e.app.SignInStaff(e.ctx, "two@vendor.example", goodPassword, meta("192.0.2.1"))
		for range 5 {
			_, err = e.app.VerifyTOTP(e.ctx, pending.Token, "000000", meta("192.0.2.1"))
			if ally.ErrorCode(err) == ally.ECodeRateLimited {
				break
			}
			wantCode(t, err, ally.ECodeUnauthorized)
		}
		_, err = e.app.VerifyTOTP(e.ctx, pending.Token, code(secret), meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeRateLimited)
		_, err = e.app.SignInStaff(e.ctx, "two@vendor.example", goodPassword, meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeRateLimited)

		// Turning it off asks for the password.
		e.clock.Add(16 * time.Minute)
		wantCode(t, e.app.DisableTOTP(e.ctx, me, "not my password"), ally.ECodeInvalid)
		if err := e.app.DisableTOTP(e.ctx, me, goodPassword); err != nil {
			t.Fatal(err)
		}
		in, err = e.app.SignInStaff(e.ctx, "two@vendor.example", goodPassword, meta("192.0.2.1"))
		if err != nil || in.NeedTOTP {
			t.Fatalf("after disable: %+v %v", in, err)
		}
		for _, action := range []string{"auth.totp_setup_started", "auth.totp_enabled", "auth.totp_disabled"} {
			e.wantAudit(action, 1)
		}
	})
}

// TestTOTPSecretSealed: with ALLY_SECRET_KEY set, a staff user's two-factor
// secret is stored encrypted and still checks codes; a node with another
// key refuses the sign-in with an error naming the key, not "wrong code".
func TestTOTPSecretSealed(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		me := e.staff("two@vendor.example", ally.RoleAdmin)
		secret, _, err := e.app.BeginTOTP(e.ctx, me)
		if err != nil {
			t.Fatal(err)
		}
		var stored string
		if err := e.db.SQLDB().QueryRowContext(e.ctx, `SELECT totp_secret FROM users WHERE id = $1`, me.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		wantSealed(t, "the two-factor secret", stored, secret)
		code, err := totp.GenerateCode(secret, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.EnableTOTP(e.ctx, me, code); err != nil {
			t.Fatal(err)
		}
		pending, err := e.app.SignInStaff(e.ctx, "two@vendor.example", goodPassword, meta("192.0.2.1"))
		if err != nil || !pending.NeedTOTP {
			t.Fatalf("password step: %+v %v", pending, err)
		}
		other := app.New(e.db, app.WithClock(e.clock.Now), withKey(t, otherSecretKey))
		if _, err := other.VerifyTOTP(e.ctx, pending.Token, code, meta("192.0.2.1")); err == nil || !strings.Contains(err.Error(), "ALLY_SECRET_KEY") {
			t.Fatalf("another key: %v", err)
		}
		if full, err := e.app.VerifyTOTP(e.ctx, pending.Token, code, meta("192.0.2.1")); err != nil || full.Token == "" {
			t.Fatalf("code step: %+v %v", full, err)
		}
	}, withKey(t, secretKey))
}
