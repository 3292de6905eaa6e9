package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

var sys = ally.System("test")

// each runs fn on a fresh app over every engine under test.
func each(t *testing.T, fn func(t *testing.T, a *app.App)) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, app.New(storetest.Open(t, engine)))
		})
	}
}

func mustUser(t *testing.T, a *app.App, email string, role ally.Role) ally.Actor {
	t.Helper()
	u, err := a.CreateUser(context.Background(), sys, ally.NewUser{Email: email, Role: role, Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	return ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Label: u.Email, Role: u.Role}
}

func mustPartner(t *testing.T, a *app.App, actor ally.Actor, f ally.PartnerFields) *ally.Partner {
	t.Helper()
	p, _, err := a.CreatePartner(context.Background(), actor, f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := ally.ErrorCode(err); err == nil || got != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func TestManagersSeeOnlyTheirPartners(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		admin := mustUser(t, a, "admin@vendor.example", ally.RoleAdmin)
		ana := mustUser(t, a, "ana@vendor.example", ally.RoleManager)
		bob := mustUser(t, a, "bob@vendor.example", ally.RoleManager)
		owned := mustPartner(t, a, admin, ally.PartnerFields{Name: ptr("Owned by Ana"), OwnerID: &ana.ID})
		managed := mustPartner(t, a, admin, ally.PartnerFields{Name: ptr("Managed by Ana"), ManagerID: &ana.ID})
		other := mustPartner(t, a, admin, ally.PartnerFields{Name: ptr("Bob's"), OwnerID: &bob.ID})

		page, err := a.Partners(ctx, ana, ally.PartnerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 || page.Items[0].ID != owned.ID || page.Items[1].ID != managed.ID {
			t.Fatalf("ana's list: %v", page.Items)
		}
		_, err = a.Partner(ctx, ana, other.ID)
		wantCode(t, err, ally.ECodeNotFound)
		_, err = a.UpdatePartner(ctx, ana, other.ID, ally.PartnerFields{Name: ptr("Mine now")}, app.UpdatePartnerOptions{})
		wantCode(t, err, ally.ECodeNotFound)
		_, err = a.ArchivePartner(ctx, ana, other.ID, app.UpdatePartnerOptions{})
		wantCode(t, err, ally.ECodeNotFound)

		// What a manager creates is theirs, so they can see it afterwards.
		mine := mustPartner(t, a, ana, ally.PartnerFields{Name: ptr("New by Ana")})
		if mine.OwnerID != ana.ID {
			t.Fatalf("owner = %q", mine.OwnerID)
		}
		// A manager cannot take over another's partner through the domain upsert.
		_, err = a.UpdatePartner(ctx, admin, other.ID, ally.PartnerFields{Domain: ptr("bob.example")}, app.UpdatePartnerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = a.CreatePartner(ctx, ana, ally.PartnerFields{Name: ptr("Grab"), Domain: ptr("bob.example")})
		wantCode(t, err, ally.ECodeConflict)
	})
}

func TestViewersCannotWrite(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		viewer := mustUser(t, a, "vic@vendor.example", ally.RoleViewer)
		_, _, err := a.CreatePartner(context.Background(), viewer, ally.PartnerFields{Name: ptr("X")})
		wantCode(t, err, ally.ECodeForbidden)
		_, err = a.CreateTier(context.Background(), viewer, ally.TierFields{Name: ptr("Gold")})
		wantCode(t, err, ally.ECodeForbidden)
		_, err = a.AuditEvents(context.Background(), viewer, ally.AuditFilter{})
		wantCode(t, err, ally.ECodeForbidden)
	})
}

func TestUpdateRecordsBeforeAndAfter(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		admin := mustUser(t, a, "admin@vendor.example", ally.RoleAdmin)
		p := mustPartner(t, a, admin, ally.PartnerFields{Name: ptr("Acme"), Domain: ptr("acme.example")})
		p2, err := a.UpdatePartner(ctx, admin, p.ID, ally.PartnerFields{Name: ptr("Acme Partners"), Domain: ptr("acme.example")}, app.UpdatePartnerOptions{IfVersion: &p.Version})
		if err != nil {
			t.Fatal(err)
		}
		if p2.Version != p.Version+1 || p2.Name != "Acme Partners" {
			t.Fatalf("after update: %+v", p2)
		}
		page, err := a.AuditEvents(ctx, sys, ally.AuditFilter{PartnerID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 || page.Items[0].Action != "partner.updated" || page.Items[1].Action != "partner.created" {
			t.Fatalf("audit: %v", page.Items)
		}
		ch := page.Items[0].Changes
		if len(ch) != 1 || ch["name"].Before != "Acme" || ch["name"].After != "Acme Partners" || page.Items[0].ActorID != admin.ID {
			t.Fatalf("changes: %#v", page.Items[0])
		}
		// An update that changes nothing writes nothing.
		p3, err := a.UpdatePartner(ctx, admin, p.ID, ally.PartnerFields{Name: ptr("Acme Partners")}, app.UpdatePartnerOptions{})
		if err != nil || p3.Version != p2.Version {
			t.Fatalf("no-op update: %v %v", p3, err)
		}
		// A stale version is refused.
		_, err = a.UpdatePartner(ctx, admin, p.ID, ally.PartnerFields{Name: ptr("Late")}, app.UpdatePartnerOptions{IfVersion: &p.Version})
		wantCode(t, err, ally.ECodePrecondition)
	})
}

func TestUnknownReferencesAreInvalid(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		_, _, err := a.CreatePartner(context.Background(), sys, ally.PartnerFields{
			Name: ptr("Acme"), TierID: ptr("tier_nope"), PhaseID: ptr("phase_nope"), OwnerID: ptr("user_nope"),
		})
		var e *ally.Error
		if !errors.As(err, &e) || e.Code != ally.ECodeInvalid || len(e.Fields) != 3 {
			t.Fatalf("want 3 field errors, got %v", err)
		}
		page, _ := a.Partners(context.Background(), sys, ally.PartnerFilter{})
		if len(page.Items) != 0 {
			t.Fatal("a rejected create left a partner")
		}
	})
}

func TestArchiveAndRestoreKeepStatus(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		p := mustPartner(t, a, sys, ally.PartnerFields{Name: ptr("Acme"), Status: ptr(ally.StatusDormant)})
		arch, err := a.ArchivePartner(ctx, sys, p.ID, app.UpdatePartnerOptions{})
		if err != nil || arch.Status != ally.StatusArchived {
			t.Fatalf("archive: %v %v", arch, err)
		}
		_, err = a.UpdatePartner(ctx, sys, p.ID, ally.PartnerFields{Status: ptr(ally.StatusActive)}, app.UpdatePartnerOptions{})
		wantCode(t, err, ally.ECodeConflict)
		back, err := a.RestorePartner(ctx, sys, p.ID, app.UpdatePartnerOptions{})
		if err != nil || back.Status != ally.StatusDormant {
			t.Fatalf("restore: %v %v", back, err)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		k, secret, err := a.CreateAPIKey(ctx, sys, ally.NewAPIKey{Name: "ci", Scopes: []ally.Scope{ally.ScopePartnersRead}})
		if err != nil {
			t.Fatal(err)
		}
		if k.Hash == secret || len(secret) < 40 || k.Prefix != secret[:len(k.Prefix)] {
			t.Fatalf("key %+v secret %q", k, secret)
		}
		actor, err := a.AuthenticateAPIKey(ctx, secret)
		if err != nil || actor.ID != k.ID || !actor.Can(ally.ScopePartnersRead) || actor.Can(ally.ScopePartnersWrite) {
			t.Fatalf("auth: %+v %v", actor, err)
		}
		_, err = a.AuthenticateAPIKey(ctx, secret+"x")
		wantCode(t, err, ally.ECodeUnauthorized)
		if err := a.RevokeAPIKey(ctx, sys, k.ID); err != nil {
			t.Fatal(err)
		}
		_, err = a.AuthenticateAPIKey(ctx, secret)
		wantCode(t, err, ally.ECodeUnauthorized)
		manager := mustUser(t, a, "m@vendor.example", ally.RoleManager)
		_, _, err = a.CreateAPIKey(ctx, manager, ally.NewAPIKey{Name: "mine"})
		wantCode(t, err, ally.ECodeForbidden)
	})
}

func TestIdempotency(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		rec, err := a.BeginIdempotent(ctx, sys, "k1", "hash-a")
		if err != nil || rec != nil {
			t.Fatalf("first begin: %v %v", rec, err)
		}
		_, err = a.BeginIdempotent(ctx, sys, "k1", "hash-a")
		wantCode(t, err, ally.ECodeConflict) // still in progress
		if err := a.FinishIdempotent(ctx, sys, "k1", 201, []byte(`{"data":{}}`)); err != nil {
			t.Fatal(err)
		}
		rec, err = a.BeginIdempotent(ctx, sys, "k1", "hash-a")
		if err != nil || rec == nil || rec.Status != 201 || string(rec.Body) != `{"data":{}}` {
			t.Fatalf("replay: %+v %v", rec, err)
		}
		_, err = a.BeginIdempotent(ctx, sys, "k1", "hash-b")
		wantCode(t, err, ally.ECodeInvalid)
		// A server error releases the key so the retry runs again.
		_, _ = a.BeginIdempotent(ctx, sys, "k2", "h")
		_ = a.FinishIdempotent(ctx, sys, "k2", 500, nil)
		if rec, err := a.BeginIdempotent(ctx, sys, "k2", "h"); err != nil || rec != nil {
			t.Fatalf("after 500: %v %v", rec, err)
		}
	})
}

func TestPasswordHash(t *testing.T) {
	h := app.HashPassword("correct horse battery")
	if !app.CheckPassword(h, "correct horse battery") || app.CheckPassword(h, "wrong") || app.CheckPassword("garbage", "x") {
		t.Fatal("password check is wrong")
	}
	if app.HashPassword("same") == app.HashPassword("same") {
		t.Fatal("hashes must be salted")
	}
}

func TestChampionMustBeOwnContact(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		p := mustPartner(t, a, sys, ally.PartnerFields{Name: ptr("Acme")})
		q := mustPartner(t, a, sys, ally.PartnerFields{Name: ptr("Globex")})
		theirs, err := a.CreateContact(ctx, sys, q.ID, ally.ContactFields{Name: ptr("Gus"), Email: ptr("gus@globex.example")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.UpdatePartner(ctx, sys, p.ID, ally.PartnerFields{ChampionContactID: &theirs.ID}, app.UpdatePartnerOptions{})
		wantCode(t, err, ally.ECodeInvalid)
		_, _, err = a.CreatePartner(ctx, sys, ally.PartnerFields{Name: ptr("Initech"), PrimaryContactID: &theirs.ID})
		wantCode(t, err, ally.ECodeInvalid)
		ours, err := a.CreateContact(ctx, sys, p.ID, ally.ContactFields{Name: ptr("Ana"), Email: ptr("ana@acme.example")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.UpdatePartner(ctx, sys, p.ID, ally.PartnerFields{ChampionContactID: &ours.ID}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}
