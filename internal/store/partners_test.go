package store_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestPartnerRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		owner := mustUser(t, db, "owner@vendor.example")
		manager := mustUser(t, db, "manager@vendor.example")
		tier := mustTier(t, db, "Gold", 3)
		phase := mustPhase(t, db, "Enable", 2)
		tmpl := &ally.ExperienceTemplate{ID: ally.NewID(ally.PrefixExperienceTemplate), Name: "Default", CreatedAt: now(), UpdatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateExperienceTemplate(ctx, tmpl) })

		created := time.Date(2026, 5, 8, 12, 0, 0, 123_000_000, time.UTC)
		p := &ally.Partner{
			ID: ally.NewID(ally.PrefixPartner), Name: "Ärzte & Acme", Domain: "acme.example",
			Website: "https://acme.example", LogoURL: "https://acme.example/logo.png",
			Phone: "+32 2 123 45 67", Description: "Resells our stuff.\nSecond line.",
			Status: ally.StatusDormant, ArchivedFrom: ally.StatusActive,
			TierID: tier.ID, PhaseID: phase.ID, OwnerID: owner.ID, ManagerID: manager.ID,
			ChampionContactID: "ctc_champion", PrimaryContactID: "ctc_primary",
			ExperienceTemplateID: tmpl.ID, PortalAccess: ally.AccessRestrictedDomains,
			Categories: []string{"reseller", "emea", "ünïcode"},
			ExternalID: "crm-42", ExternalIDType: "hubspot", ExternalCompanyID: "co-7",
			PartnerCRMProperties: map[string]any{"industry": "Software", "employees": 42.0, "public": true, "none": nil},
			CompanyCRMProperties: map[string]any{"tags": []any{"a", "b"}},
			CustomProperties:     map[string]any{},
			LastActivityAt:       created.Add(time.Hour),
			CreatedAt:            created, UpdatedAt: created.Add(time.Minute),
		}
		mustPartners(t, db, p)
		if p.Version != 1 {
			t.Fatalf("version after create = %d, want 1", p.Version)
		}
		want := *p
		want.Owner = &ally.UserRef{ID: owner.ID, Email: owner.Email, Name: owner.Name}
		want.Manager = &ally.UserRef{ID: manager.ID, Email: manager.Email, Name: manager.Name}

		for name, find := range map[string]func() (*ally.Partner, error){
			"id":          func() (*ally.Partner, error) { return db.FindPartnerByID(ctx, p.ID) },
			"external id": func() (*ally.Partner, error) { return db.FindPartnerByExternalID(ctx, "crm-42") },
			"domain":      func() (*ally.Partner, error) { return db.FindPartnerByDomain(ctx, "ACME.example") },
			"list": func() (*ally.Partner, error) {
				ps, err := db.FindPartners(ctx, ally.PartnerFilter{})
				if err != nil || len(ps) != 1 {
					t.Fatalf("list: %d partners, %v", len(ps), err)
				}
				return ps[0], nil
			},
		} {
			got, err := find()
			if err != nil {
				t.Fatalf("by %s: %v", name, err)
			}
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("by %s:\n got %+v\nwant %+v", name, got, &want)
			}
		}

		// A minimal partner reads back with blanks, nil refs and zero times.
		min := newPartner("Minimal")
		min.LastActivityAt = time.Time{}
		mustPartners(t, db, min)
		got, err := db.FindPartnerByID(ctx, min.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, min) {
			t.Errorf("minimal:\n got %+v\nwant %+v", got, min)
		}
	})
}

func TestPartnerNotFound(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		mustPartners(t, db, newPartner("No domain, no external id"))
		_, err := db.FindPartnerByID(ctx, "ptn_missing")
		wantIs(t, err, ally.ErrNotFound)
		_, err = db.FindPartnerByExternalID(ctx, "nope")
		wantIs(t, err, ally.ErrNotFound)
		_, err = db.FindPartnerByExternalID(ctx, "")
		wantIs(t, err, ally.ErrNotFound)
		_, err = db.FindPartnerByDomain(ctx, "nope.example")
		wantIs(t, err, ally.ErrNotFound)
		_, err = db.FindPartnerByDomain(ctx, "")
		wantIs(t, err, ally.ErrNotFound)
	})
}

func TestUpdatePartner(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		owner := mustUser(t, db, "o@vendor.example")
		p := newPartner("Before")
		p.Domain = "before.example"
		mustPartners(t, db, p)
		created := p.CreatedAt

		p.Name, p.Domain, p.OwnerID = "After", "", owner.ID
		p.CustomProperties = map[string]any{"k": "v"}
		p.UpdatedAt = created.Add(time.Hour)
		p.CreatedAt = created.Add(-time.Hour) // ignored: created_at is written once
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, p) })
		if p.Version != 2 {
			t.Fatalf("version after update = %d, want 2", p.Version)
		}
		got, err := db.FindPartnerByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "After" || got.Domain != "" || got.Version != 2 || got.OwnerID != owner.ID ||
			got.Owner == nil || got.Owner.Email != owner.Email || got.CustomProperties["k"] != "v" ||
			!got.UpdatedAt.Equal(p.UpdatedAt) || !got.CreatedAt.Equal(created) {
			t.Errorf("after update: %+v", got)
		}

		stale := *got
		stale.Version = 1
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, &stale) })
		wantIs(t, err, ally.ErrVersionMismatch)
		if stale.Version != 1 {
			t.Errorf("a failed update changed the version to %d", stale.Version)
		}

		missing := newPartner("Missing")
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, missing) })
		wantIs(t, err, ally.ErrNotFound)
	})
}

func TestUpdatePartnerConcurrent(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for round := range 20 {
			p := newPartner("Race")
			mustPartners(t, db, p)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range errs {
				wg.Go(func() {
					c := *p
					c.Name = "Winner"
					errs[i] = db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, &c) })
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case ally.ErrorCode(err) != ally.ECodePrecondition:
					t.Fatalf("round %d: unexpected error %v", round, err)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d updates succeeded, want 1 (%v)", round, ok, errs)
			}
			got, err := db.FindPartnerByID(ctx, p.ID)
			if err != nil || got.Version != 2 {
				t.Fatalf("round %d: version %d, err %v", round, got.Version, err)
			}
		}
	})
}

func TestPartnerConflicts(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := newPartner("A")
		a.Domain, a.ExternalID = "a.example", "ext-a"
		b := newPartner("B")
		b.Domain, b.ExternalID = "b.example", "ext-b"
		mustPartners(t, db, a, b, newPartner("Blank 1"), newPartner("Blank 2"))

		sameDomain := newPartner("C")
		sameDomain.Domain = "a.example"
		err := db.Write(ctx, func(tx ally.Tx) error { return tx.CreatePartner(ctx, sameDomain) })
		wantError(t, err, ally.ECodeConflict, "a partner with this domain already exists")

		sameExt := newPartner("D")
		sameExt.ExternalID = "ext-a"
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.CreatePartner(ctx, sameExt) })
		wantError(t, err, ally.ECodeConflict, "a partner with this externalId already exists")

		sameID := newPartner("E")
		sameID.ID = a.ID
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.CreatePartner(ctx, sameID) })
		wantCode(t, err, ally.ECodeConflict)

		b.Domain = "a.example"
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, b) })
		wantError(t, err, ally.ECodeConflict, "a partner with this domain already exists")
		b.Domain, b.ExternalID = "b.example", "ext-a"
		err = db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, b) })
		wantError(t, err, ally.ECodeConflict, "a partner with this externalId already exists")
		if b.Version != 1 {
			t.Errorf("failed updates changed the version to %d", b.Version)
		}
	})
}

func TestPartnerUnknownReference(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for _, set := range []func(*ally.Partner){
			func(p *ally.Partner) { p.TierID = "tier_missing" },
			func(p *ally.Partner) { p.PhaseID = "phase_missing" },
			func(p *ally.Partner) { p.OwnerID = "user_missing" },
			func(p *ally.Partner) { p.ManagerID = "user_missing" },
			func(p *ally.Partner) { p.ExperienceTemplateID = "exp_missing" },
		} {
			p := newPartner("Dangling")
			set(p)
			err := db.Write(ctx, func(tx ally.Tx) error { return tx.CreatePartner(ctx, p) })
			wantCode(t, err, ally.ECodeInvalid)
		}
	})
}
