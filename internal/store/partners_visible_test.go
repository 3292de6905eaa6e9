package store_test

import (
	"slices"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// TestFindVisiblePartnerIDs checks the VisibleTo rule asked of named
// partners: owned, managed or granted, each once, in id order.
func TestFindVisiblePartnerIDs(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ps, users, _, _ := seedPartners(t, db)
		u0 := users[0]
		// ps[1] is neither owned nor managed by u0 (owner u1, manager u2):
		// granted, it becomes visible; ps[0] (owned) granted too stays once.
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, p := range []*ally.Partner{ps[0], ps[1]} {
				if err := tx.CreateGrant(ctx, &ally.Grant{UserID: u0.ID, PartnerID: p.ID, CreatedAt: now()}); err != nil {
					return err
				}
			}
			return nil
		})
		var ids, want []string
		for i, p := range ps[:12] {
			ids = append(ids, p.ID)
			if p.OwnerID == u0.ID || p.ManagerID == u0.ID || i <= 1 {
				want = append(want, p.ID)
			}
		}
		slices.Reverse(ids)
		ids = append(ids, "ptn_unknown", ps[0].ID)
		got, err := db.FindVisiblePartnerIDs(ctx, u0.ID, ids)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("visible: %v, %v\nwant %v", got, err, want)
		}
		if got, err := db.FindVisiblePartnerIDs(ctx, u0.ID, nil); err != nil || len(got) != 0 {
			t.Errorf("no ids: %v, %v", got, err)
		}
		if got, err := db.FindVisiblePartnerIDs(ctx, "user_none", ids); err != nil || len(got) != 0 {
			t.Errorf("a user without a book: %v, %v", got, err)
		}
	})
}
