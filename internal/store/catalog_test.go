package store_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestTiers(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		bronze, gold, silver := mustTier(t, db, "Bronze", 1), mustTier(t, db, "Gold", 3), mustTier(t, db, "Silver", 2)
		also := mustTier(t, db, "Aluminium", 1)

		got, err := db.FindTierByID(ctx, gold.ID)
		if err != nil || !reflect.DeepEqual(got, gold) {
			t.Fatalf("find: %+v, %v; want %+v", got, err, gold)
		}
		list, err := db.FindTiers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []*ally.Tier{gold, silver, also, bronze}; !reflect.DeepEqual(list, want) {
			t.Errorf("order: got %v", tierNames(list))
		}

		gold.Name, gold.Rank, gold.PricePerLeadCents, gold.UpdatedAt = "Platinum", 9, 9900, now().Add(time.Hour)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateTier(ctx, gold) })
		if got, _ := db.FindTierByID(ctx, gold.ID); !reflect.DeepEqual(got, gold) || got.Version != 2 {
			t.Errorf("after update: %+v, want %+v", got, gold)
		}
		stale := *gold
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateTier(ctx, &stale) }), ally.ErrVersionMismatch)
		missing := &ally.Tier{ID: "tier_missing", Name: "x", Version: 1}
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateTier(ctx, missing) }), ally.ErrNotFound)
		_, err = db.FindTierByID(ctx, "tier_missing")
		wantIs(t, err, ally.ErrNotFound)
	})
}

func tierNames(ts []*ally.Tier) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestPhases(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		grow, recruit, enable := mustPhase(t, db, "Grow", 3), mustPhase(t, db, "Recruit", 0), mustPhase(t, db, "Enable", 2)
		onboard := mustPhase(t, db, "Onboard", 2)
		list, err := db.FindPhases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []*ally.Phase{recruit, enable, onboard, grow}; !reflect.DeepEqual(list, want) {
			t.Errorf("order: got %+v", list)
		}
		recruit.Position, recruit.Name = 10, "Recruit later"
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdatePhase(ctx, recruit) })
		got, err := db.FindPhaseByID(ctx, recruit.ID)
		if err != nil || !reflect.DeepEqual(got, recruit) || got.Version != 2 {
			t.Errorf("after update: %+v, %v", got, err)
		}
		stale := *recruit
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePhase(ctx, &stale) }), ally.ErrVersionMismatch)
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePhase(ctx, &ally.Phase{ID: "phase_x"}) }), ally.ErrNotFound)
		_, err = db.FindPhaseByID(ctx, "phase_x")
		wantIs(t, err, ally.ErrNotFound)
	})
}

func TestExperienceTemplates(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var made []*ally.ExperienceTemplate
		for _, name := range []string{"Resellers", "Distributors", "Referral"} {
			e := &ally.ExperienceTemplate{ID: ally.NewID(ally.PrefixExperienceTemplate), Name: name, CreatedAt: now(), UpdatedAt: now()}
			mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateExperienceTemplate(ctx, e) })
			if e.Version != 1 {
				t.Fatalf("version %d", e.Version)
			}
			made = append(made, e)
		}
		list, err := db.FindExperienceTemplates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range list {
			got = append(got, e.Name)
		}
		if !slices.Equal(got, []string{"Distributors", "Referral", "Resellers"}) {
			t.Errorf("order: %v", got)
		}
		e := made[0]
		e.Name = "All resellers"
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateExperienceTemplate(ctx, e) })
		if got, err := db.FindExperienceTemplateByID(ctx, e.ID); err != nil || !reflect.DeepEqual(got, e) || got.Version != 2 {
			t.Errorf("after update: %+v, %v", got, err)
		}
		stale := *e
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateExperienceTemplate(ctx, &stale) }), ally.ErrVersionMismatch)
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error {
			return tx.UpdateExperienceTemplate(ctx, &ally.ExperienceTemplate{ID: "exp_x"})
		}), ally.ErrNotFound)
		_, err = db.FindExperienceTemplateByID(ctx, "exp_x")
		wantIs(t, err, ally.ErrNotFound)
	})
}
