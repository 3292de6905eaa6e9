package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// eachSettingsDB runs fn on a fresh store and app per engine; the tests of
// the settings use cases need the store too, to read queued jobs.
func eachSettingsDB(t *testing.T, fn func(t *testing.T, db *store.DB, a *app.App)) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, engine)
			fn(t, db, app.New(db))
		})
	}
}

func settingsAudits(t *testing.T, a *app.App, action string) []*ally.AuditEvent {
	t.Helper()
	page, err := a.AuditEvents(context.Background(), sys, ally.AuditFilter{Action: action, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func TestUpdateUser(t *testing.T) {
	eachSettingsDB(t, func(t *testing.T, db *store.DB, a *app.App) {
		ctx := context.Background()
		owner := mustUser(t, a, "owner@vendor.example", ally.RoleOwner)
		admin := mustUser(t, a, "admin@vendor.example", ally.RoleAdmin)
		ana := mustUser(t, a, "ana@vendor.example", ally.RoleManager)
		viewer := mustUser(t, a, "viewer@vendor.example", ally.RoleViewer)

		u, err := a.UpdateUser(ctx, admin, ana.ID, ally.UserFields{Name: ptr(" Ana B. "), Role: ptr(ally.RoleViewer)}, ptr(int64(1)))
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Ana B." || u.Role != ally.RoleViewer || u.Version != 2 {
			t.Fatalf("updated: %+v", u)
		}
		ev := settingsAudits(t, a, "user.updated")
		if len(ev) != 1 || ev[0].Changes["role"].After != "viewer" || ev[0].TargetID != ana.ID {
			t.Fatalf("audit: %+v", ev)
		}
		_, err = a.UpdateUser(ctx, admin, ana.ID, ally.UserFields{Name: ptr("Stale")}, ptr(int64(1)))
		wantCode(t, err, ally.ECodePrecondition)
		_, err = a.UpdateUser(ctx, viewer, ana.ID, ally.UserFields{Name: ptr("X")}, nil)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = a.UpdateUser(ctx, admin, ana.ID, ally.UserFields{Role: ptr(ally.Role("boss"))}, nil)
		wantCode(t, err, ally.ECodeInvalid)
		_, err = a.UpdateUser(ctx, admin, ana.ID, ally.UserFields{Role: ptr(ally.RoleOwner)}, nil)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = a.UpdateUser(ctx, admin, owner.ID, ally.UserFields{Name: ptr("Not yours")}, nil)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = a.UpdateUser(ctx, admin, admin.ID, ally.UserFields{Role: ptr(ally.RoleViewer)}, nil)
		wantCode(t, err, ally.ECodeConflict)
		_, err = a.UpdateUser(ctx, admin, admin.ID, ally.UserFields{Disabled: ptr(true)}, nil)
		wantCode(t, err, ally.ECodeConflict)
		_, err = a.UpdateUser(ctx, admin, "user_missing", ally.UserFields{Name: ptr("X")}, nil)
		wantCode(t, err, ally.ECodeNotFound)
		if _, err := a.UpdateUser(ctx, owner, ana.ID, ally.UserFields{Role: ptr(ally.RoleOwner)}, nil); err != nil {
			t.Fatalf("an owner makes an owner: %v", err)
		}

		// Disabling ends the user's sessions at once.
		in, err := a.SignInStaff(ctx, "viewer@vendor.example", "long enough password", app.ClientMeta{IP: "192.0.2.9"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, in.Token, app.ClientMeta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.UpdateUser(ctx, admin, viewer.ID, ally.UserFields{Disabled: ptr(true)}, nil); err != nil {
			t.Fatal(err)
		}
		_, _, err = a.Authenticate(ctx, in.Token, app.ClientMeta{})
		wantCode(t, err, ally.ECodeUnauthorized)
		if _, err := a.UpdateUser(ctx, admin, viewer.ID, ally.UserFields{Disabled: ptr(false)}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SignInStaff(ctx, "viewer@vendor.example", "long enough password", app.ClientMeta{IP: "192.0.2.9"}); err != nil {
			t.Fatalf("re-enabled user cannot sign in: %v", err)
		}
	})
}

func TestUpdateStaffAccount(t *testing.T) {
	eachSettingsDB(t, func(t *testing.T, db *store.DB, a *app.App) {
		ctx := context.Background()
		me := mustUser(t, a, "me@vendor.example", ally.RoleViewer)
		u, err := a.UpdateStaffAccount(ctx, me, "Me Myself", map[string]bool{ally.NotifyPartnerUpdated: true, "made_up": true})
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Me Myself" || !u.Notifications[ally.NotifyPartnerUpdated] || u.Notifications[ally.NotifyActivity] {
			t.Fatalf("account: %+v", u)
		}
		if _, ok := u.Notifications["made_up"]; ok {
			t.Fatal("an unknown notification kind was stored")
		}
		back, err := a.User(ctx, me, me.ID)
		if err != nil || back.Name != "Me Myself" || !back.Notifications[ally.NotifyPartnerUpdated] {
			t.Fatalf("read back: %+v, %v", back, err)
		}
		if ev := settingsAudits(t, a, "user.account_updated"); len(ev) != 1 || ev[0].ActorID != me.ID {
			t.Fatalf("audit: %+v", ev)
		}
		_, err = a.UpdateStaffAccount(ctx, me, "bad\x00name", nil)
		wantCode(t, err, ally.ECodeInvalid)
		_, err = a.UpdateStaffAccount(ctx, ally.Actor{Kind: ally.ActorAPIKey, ID: "key_x"}, "X", nil)
		wantCode(t, err, ally.ECodeForbidden)
	})
}

func TestSendTestEmail(t *testing.T) {
	eachSettingsDB(t, func(t *testing.T, db *store.DB, a *app.App) {
		ctx := context.Background()
		admin := mustUser(t, a, "admin@vendor.example", ally.RoleAdmin)
		manager := mustUser(t, a, "manager@vendor.example", ally.RoleManager)
		if err := a.UpdateSettings(ctx, admin, ally.Settings{Branding: ally.Branding{VendorName: "Acme Cloud"}}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, a.SendTestEmail(ctx, manager, "x@vendor.example"), ally.ECodeForbidden)
		wantCode(t, a.SendTestEmail(ctx, admin, "not an address"), ally.ECodeInvalid)
		if err := a.SendTestEmail(ctx, admin, " Check@Vendor.example "); err != nil {
			t.Fatal(err)
		}
		now := time.Now().Add(time.Hour)
		jobs, err := db.ClaimJobs(ctx, "test", []string{mail.JobKind}, 10, now, now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || jobs[0].Kind != mail.JobKind {
			t.Fatalf("jobs: %+v", jobs)
		}
		var m ally.Email
		if err := json.Unmarshal(jobs[0].Args, &m); err != nil {
			t.Fatal(err)
		}
		if len(m.To) != 1 || m.To[0] != "check@vendor.example" || !strings.Contains(m.Subject, "Acme Cloud") {
			t.Fatalf("mail: %+v", m)
		}
		ev := settingsAudits(t, a, "settings.test_email_sent")
		if len(ev) != 1 || ev[0].Changes["to"].After != "check@vendor.example" {
			t.Fatalf("audit: %+v", ev)
		}
	})
}

func TestRequireSettingsAccess(t *testing.T) {
	a := app.New(nil)
	for _, tc := range []struct {
		actor ally.Actor
		ok    bool
	}{
		{ally.Actor{Kind: ally.ActorStaff, Role: ally.RoleOwner}, true},
		{ally.Actor{Kind: ally.ActorStaff, Role: ally.RoleAdmin}, true},
		{ally.Actor{Kind: ally.ActorStaff, Role: ally.RoleManager}, false},
		{ally.Actor{Kind: ally.ActorStaff, Role: ally.RoleViewer}, false},
		{ally.Actor{Kind: ally.ActorPartner, PartnerID: "ptn_x"}, false},
		{ally.Actor{Kind: ally.ActorAPIKey, Scopes: ally.AllScopes}, false},
		{ally.System("cli"), true},
	} {
		err := a.RequireSettingsAccess(tc.actor)
		if tc.ok != (err == nil) || (err != nil && ally.ErrorCode(err) != ally.ECodeForbidden) {
			t.Errorf("%+v: %v", tc.actor, err)
		}
	}
}
