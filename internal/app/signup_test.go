package app_test

import (
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

func TestSignupByDomain(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		open := e.partner("Open Co", ally.StatusActive, ally.AccessRestrictedDomains, "open.example")
		e.partner("Invited Only", ally.StatusActive, ally.AccessRestrictedUsers, "closed.example")
		e.partner("Sleepy", ally.StatusDormant, ally.AccessRestrictedDomains, "sleepy.example")
		known := e.contact(open, "Known Person", "known@open.example")

		// Nothing is sent, and nothing differs for the caller, unless all fits.
		for _, email := range []string{
			"someone@closed.example", // RESTRICTED_USERS
			"someone@sleepy.example", // dormant
			"someone@sub.open.example",
			"someone@nowhere.example",
		} {
			if err := e.app.RequestSignup(e.ctx, email, meta("192.0.2.1")); err != nil {
				t.Fatalf("%s: %v", email, err)
			}
		}
		e.noMail()
		wantCode(t, e.app.RequestSignup(e.ctx, "not an address", meta("192.0.2.1")), ally.ECodeInvalid)

		if err := e.app.RequestSignup(e.ctx, "New.Person@Open.example", meta("192.0.2.1")); err != nil {
			t.Fatal(err)
		}
		token := e.oneLink("new.person@open.example", "/partner/signup/")
		e.wantAudit("auth.signup_requested", 1)
		_, err := e.app.CompleteSignup(e.ctx, token, "", goodPassword, meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeInvalid)
		in, err := e.app.CompleteSignup(e.ctx, token, "New Person", goodPassword, meta("192.0.2.1"))
		if err != nil {
			t.Fatal(err)
		}
		actor := e.signedIn(e.app, in.Token)
		if actor.Kind != ally.ActorPartner || actor.PartnerID != open.ID || actor.Label != "new.person@open.example" {
			t.Fatalf("actor: %+v", actor)
		}
		if ev := e.wantAudit("contact.signed_up", 1); ev.PartnerID != open.ID || ev.Changes["created"].After != true {
			t.Fatalf("audit: %+v", ev)
		}
		_, err = e.app.CompleteSignup(e.ctx, token, "New Person", goodPassword, meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeNotFound)

		// Someone with portal access gets no sign-up link.
		_ = e.app.RequestSignup(e.ctx, "new.person@open.example", meta("192.0.2.1"))
		e.noMail()

		// A contact the vendor already keeps becomes the user, not a duplicate.
		_ = e.app.RequestSignup(e.ctx, "known@open.example", meta("192.0.2.1"))
		token = e.oneLink("known@open.example", "/partner/signup/")
		in, err = e.app.CompleteSignup(e.ctx, token, "Other Name", goodPassword, meta("192.0.2.1"))
		if err != nil || e.signedIn(e.app, in.Token).ID != known.ID {
			t.Fatalf("known contact: %+v %v", in, err)
		}

		// Links expire after a day.
		_ = e.app.RequestSignup(e.ctx, "late@open.example", meta("192.0.2.1"))
		token = e.oneLink("late@open.example", "/partner/signup/")
		e.clock.Add(24*time.Hour + time.Second)
		_, err = e.app.CompleteSignup(e.ctx, token, "Late", goodPassword, meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeNotFound)
	})
}
