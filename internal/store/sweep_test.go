package store_test

import (
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestSweepDeletesOnlyWhatIsSpent(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := now()
		old, fresh := t0.Add(-48*time.Hour), t0
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, at := range []time.Time{old, fresh} {
				if err := tx.RecordLoginFailure(ctx, "ip:192.0.2.1", at); err != nil {
					return err
				}
			}
			for i, exp := range []time.Time{old, t0.Add(time.Hour)} {
				tk := &ally.Token{Hash: []string{"h-old", "h-live"}[i], Purpose: ally.TokenReset, SubjectKind: ally.ActorStaff,
					SubjectID: "user_x", Email: "a@b.example", CreatedAt: old, ExpiresAt: exp}
				if err := tx.CreateToken(ctx, tk); err != nil {
					return err
				}
			}
			return nil
		})
		var n int
		mustWrite(t, db, func(tx ally.Tx) error {
			var err error
			n, err = tx.Sweep(ctx, t0.Add(-time.Hour), t0.Add(-time.Hour), t0.Add(-time.Hour))
			return err
		})
		if n != 2 {
			t.Errorf("swept %d rows, want the old failure and the expired token", n)
		}
		if c, _ := db.CountLoginFailures(ctx, "ip:192.0.2.1", old.Add(-time.Minute)); c != 1 {
			t.Errorf("%d failures left, want the fresh one", c)
		}
		if _, err := db.FindTokenByHash(ctx, "h-live"); err != nil {
			t.Errorf("the live token went: %v", err)
		}
	})
}

func TestTouchPartnerActivityKeepsVersion(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("Acme")
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreatePartner(ctx, p) })
		at := now().Add(time.Minute)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.TouchPartnerActivity(ctx, p.ID, at) })
		mustWrite(t, db, func(tx ally.Tx) error { return tx.TouchPartnerActivity(ctx, p.ID, at.Add(-time.Hour)) })
		got, err := db.FindPartnerByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastActivityAt.Equal(at) || got.Version != p.Version {
			t.Errorf("last activity %v version %d; want %v and version %d unchanged", got.LastActivityAt, got.Version, at, p.Version)
		}
	})
}
