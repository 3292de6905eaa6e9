package app_test

import (
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// TestCheckLink: a reset link is good until it is used or expires, and only
// for its own kind of user; checking does not use it up.
func TestCheckLink(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		e.staff("ana@vendor.example", ally.RoleAdmin)
		if err := e.app.RequestPasswordReset(e.ctx, ally.ActorStaff, "ana@vendor.example", meta("192.0.2.7")); err != nil {
			t.Fatal(err)
		}
		token := e.oneLink("ana@vendor.example", "/admin/reset/")
		for range 2 {
			if err := e.app.CheckLink(e.ctx, ally.TokenReset, ally.ActorStaff, token); err != nil {
				t.Fatalf("fresh link: %v", err)
			}
		}
		for name, err := range map[string]error{
			"partner kind": e.app.CheckLink(e.ctx, ally.TokenReset, ally.ActorPartner, token),
			"other use":    e.app.CheckLink(e.ctx, ally.TokenEmailChange, ally.ActorStaff, token),
			"unknown":      e.app.CheckLink(e.ctx, ally.TokenReset, ally.ActorStaff, "nope"),
		} {
			if ally.ErrorCode(err) != ally.ECodeNotFound {
				t.Errorf("%s: %v, want 404", name, err)
			}
		}
		e.clock.Add(2 * time.Hour)
		if err := e.app.CheckLink(e.ctx, ally.TokenReset, ally.ActorStaff, token); ally.ErrorCode(err) != ally.ECodeNotFound {
			t.Errorf("expired link: %v, want 404", err)
		}
	})
}
