package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestInviteAcceptSignIn(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		mgr := e.staff("ana@vendor.example", ally.RoleManager)
		p := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), OwnerID: &mgr.ID, Status: ptr(ally.StatusOnboarding)})
		c := e.contact(p, "Pat Jones", "pat@acme.example")

		if err := e.app.InviteContact(e.ctx, mgr, c.ID, "Welcome aboard!"); err != nil {
			t.Fatal(err)
		}
		ms := e.mails()
		if len(ms) != 1 || !strings.Contains(ms[0].Text, "Welcome aboard!") || !strings.Contains(ms[0].Text, "Acme") {
			t.Fatalf("invite e-mail: %+v", ms)
		}
		token := linkRE.FindStringSubmatch(ms[0].Text)[3]
		if !strings.Contains(ms[0].Text, testBaseURL+"/partner/invite/"+token) {
			t.Fatalf("link: %s", ms[0].Text)
		}
		if ev := e.wantAudit("contact.invited", 1); ev.ActorID != mgr.ID || ev.PartnerID != p.ID || ev.Changes["portal"].After != "invited" {
			t.Fatalf("audit: %+v", ev)
		}
		got, _ := e.app.Contact(e.ctx, sys, p.ID, c.ID)
		if got.Portal != ally.PortalInvited {
			t.Fatalf("portal = %s", got.Portal)
		}

		name, email, err := e.app.InviteInfo(e.ctx, token)
		if err != nil || name != "Acme" || email != "pat@acme.example" {
			t.Fatalf("info: %q %q %v", name, email, err)
		}
		_, err = e.app.AcceptInvite(e.ctx, token, "short", meta("192.0.2.5"))
		wantCode(t, err, ally.ECodeInvalid)
		in, err := e.app.AcceptInvite(e.ctx, token, "pat's own password", meta("192.0.2.5"))
		if err != nil {
			t.Fatal(err)
		}
		actor := e.signedIn(e.node(), in.Token)
		if actor.Kind != ally.ActorPartner || actor.ID != c.ID || actor.PartnerID != p.ID || actor.Label != "pat@acme.example" {
			t.Fatalf("actor: %+v", actor)
		}
		e.wantAudit("contact.invite_accepted", 1)
		_, err = e.app.AcceptInvite(e.ctx, token, "pat's own password", meta("192.0.2.5"))
		wantCode(t, err, ally.ECodeNotFound)
		_, _, err = e.app.InviteInfo(e.ctx, token)
		wantCode(t, err, ally.ECodeNotFound)

		in, err = e.app.SignInPartner(e.ctx, "pat@acme.example", "pat's own password", meta("192.0.2.5"))
		if err != nil || in.MustChangePassword || in.Session.PartnerID != p.ID {
			t.Fatalf("partner sign-in: %+v %v", in, err)
		}
		after, _ := e.app.Partner(e.ctx, sys, p.ID)
		if !after.LastActivityAt.Equal(e.clock.Now()) {
			t.Fatalf("partner activity %v", after.LastActivityAt)
		}
		// Staff sign-in does not know partner users.
		_, err = e.app.SignInStaff(e.ctx, "pat@acme.example", "pat's own password", meta("192.0.2.5"))
		wantCode(t, err, ally.ECodeUnauthorized)

		// An archived partner's users are out, and back when it is restored.
		if _, err := e.app.ArchivePartner(e.ctx, sys, p.ID, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		e.signedOut(e.app, in.Token)
		_, err = e.app.SignInPartner(e.ctx, "pat@acme.example", "pat's own password", meta("192.0.2.5"))
		wantCode(t, err, ally.ECodeUnauthorized)
		if _, err := e.app.RestorePartner(e.ctx, sys, p.ID, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		e.signedIn(e.app, in.Token)
	})
}

func TestInviteRefusals(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		admin := e.staff("admin@vendor.example", ally.RoleAdmin)
		viewer := e.staff("vic@vendor.example", ally.RoleViewer)
		other := e.staff("bob@vendor.example", ally.RoleManager)
		active := e.partner("Active", ally.StatusActive, "", "")
		c := e.contact(active, "Ok Contact", "ok@active.example")
		dormant := e.partner("Dormant", ally.StatusDormant, "", "")
		dc := e.contact(dormant, "Dora", "dora@dormant.example")
		archived := e.partner("Archived", ally.StatusActive, "", "")
		ac := e.contact(archived, "Archie", "archie@archived.example")
		if _, err := e.app.ArchivePartner(e.ctx, sys, archived.ID, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		// A contact imported without an address.
		noMail := &ally.Contact{ID: ally.NewID(ally.PrefixContact), PartnerID: active.ID, Name: "No Mail",
			Roles: []ally.ContactRole{}, Portal: ally.PortalOff, Notifications: map[string]bool{},
			CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(), Version: 1}
		if err := e.db.Write(e.ctx, func(tx ally.Tx) error { return tx.CreateContact(e.ctx, noMail) }); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name    string
			actor   ally.Actor
			contact string
			code    string
		}{
			{"dormant partner", admin, dc.ID, ally.ECodeConflict},
			{"archived partner", admin, ac.ID, ally.ECodeConflict},
			{"no e-mail", admin, noMail.ID, ally.ECodeInvalid},
			{"viewer", viewer, c.ID, ally.ECodeForbidden},
			{"manager of other partners", other, c.ID, ally.ECodeNotFound},
			{"unknown contact", admin, "ctc_nope", ally.ECodeNotFound},
		} {
			err := e.app.InviteContact(e.ctx, tc.actor, tc.contact, "")
			if ally.ErrorCode(err) != tc.code {
				t.Fatalf("%s: want %s, got %v", tc.name, tc.code, err)
			}
		}
		err := e.app.InviteContact(e.ctx, admin, dc.ID, "")
		if !strings.Contains(err.Error(), "active or onboarding") {
			t.Fatalf("message: %v", err)
		}
		e.noMail()
		e.wantAudit("contact.invited", 0)
		wantCode(t, e.app.ResendInvite(e.ctx, admin, c.ID, ""), ally.ECodeConflict)
		wantCode(t, e.app.RevokeInvite(e.ctx, admin, c.ID), ally.ECodeConflict)
	})
}

func TestInviteRevokeResendExpire(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		admin := e.staff("admin@vendor.example", ally.RoleAdmin)
		p := e.partner("Acme", ally.StatusActive, "", "")
		c := e.contact(p, "Pat", "pat@acme.example")

		_ = e.app.InviteContact(e.ctx, admin, c.ID, "")
		first := e.oneLink("pat@acme.example", "/partner/invite/")
		if err := e.app.RevokeInvite(e.ctx, admin, c.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err := e.app.InviteInfo(e.ctx, first)
		wantCode(t, err, ally.ECodeNotFound)
		_, err = e.app.AcceptInvite(e.ctx, first, goodPassword, meta(""))
		wantCode(t, err, ally.ECodeNotFound)
		got, _ := e.app.Contact(e.ctx, sys, p.ID, c.ID)
		if got.Portal != ally.PortalOff {
			t.Fatalf("portal after revoke = %s", got.Portal)
		}
		e.wantAudit("contact.invite_revoked", 1)

		_ = e.app.InviteContact(e.ctx, admin, c.ID, "")
		second := e.oneLink("pat@acme.example", "/partner/invite/")
		if err := e.app.ResendInvite(e.ctx, admin, c.ID, "Reminder"); err != nil {
			t.Fatal(err)
		}
		third := e.oneLink("pat@acme.example", "/partner/invite/")
		_, _, err = e.app.InviteInfo(e.ctx, second)
		wantCode(t, err, ally.ECodeNotFound)
		e.wantAudit("contact.invite_resent", 1)

		e.clock.Add(7*24*time.Hour + time.Second)
		_, err = e.app.AcceptInvite(e.ctx, third, goodPassword, meta(""))
		wantCode(t, err, ally.ECodeNotFound)
	})
}

func TestTemporaryPasswordAndDisable(t *testing.T) {
	eachAuth(t, func(t *testing.T, e *authEnv) {
		admin := e.staff("admin@vendor.example", ally.RoleAdmin)
		p := e.partner("Acme", ally.StatusActive, "", "")
		c := e.contact(p, "Pat", "pat@acme.example")
		wantCode(t, e.app.SetTemporaryPassword(e.ctx, admin, c.ID, "short"), ally.ECodeInvalid)
		if err := e.app.SetTemporaryPassword(e.ctx, admin, c.ID, "temporary password"); err != nil {
			t.Fatal(err)
		}
		in, err := e.app.SignInPartner(e.ctx, "pat@acme.example", "temporary password", meta("192.0.2.1"))
		if err != nil || !in.MustChangePassword {
			t.Fatalf("sign-in: %+v %v", in, err)
		}
		pat := e.signedIn(e.app, in.Token)
		if err := e.app.ChangeOwnPassword(e.ctx, pat, in.Session.ID, "temporary password", "pat's own password"); err != nil {
			t.Fatal(err)
		}
		in, err = e.app.SignInPartner(e.ctx, "pat@acme.example", "pat's own password", meta("192.0.2.1"))
		if err != nil || in.MustChangePassword {
			t.Fatalf("after change: %+v %v", in, err)
		}
		e.wantAudit("contact.temporary_password_set", 1)

		// Another contact cannot take the same portal address.
		twin := e.contact(p, "Twin", "pat@acme.example")
		wantCode(t, e.app.InviteContact(e.ctx, admin, twin.ID, ""), ally.ECodeConflict)

		if err := e.app.DisablePortalAccess(e.ctx, admin, c.ID); err != nil {
			t.Fatal(err)
		}
		e.signedOut(e.app, in.Token)
		_, err = e.app.SignInPartner(e.ctx, "pat@acme.example", "pat's own password", meta("192.0.2.1"))
		wantCode(t, err, ally.ECodeUnauthorized)
		_ = e.app.RequestPasswordReset(e.ctx, ally.ActorPartner, "pat@acme.example", meta("192.0.2.1"))
		e.noMail()
		e.wantAudit("contact.portal_disabled", 1)
	})
}
