package store_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestGrants(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		u1, u2 := mustUser(t, db, "u1@v.example"), mustUser(t, db, "u2@v.example")
		p1, p2 := newPartner("P1"), newPartner("P2")
		mustPartners(t, db, p1, p2)
		first := now()
		grant := func(u *ally.User, p *ally.Partner, at time.Time) error {
			return db.Write(ctx, func(tx ally.Tx) error {
				return tx.CreateGrant(ctx, &ally.Grant{UserID: u.ID, PartnerID: p.ID, CreatedAt: at})
			})
		}
		for _, err := range []error{
			grant(u1, p1, first), grant(u1, p1, first.Add(time.Hour)), // again: kept as first granted
			grant(u1, p2, first), grant(u2, p1, first),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.FindGrants(ctx, u1.ID)
		want := []*ally.Grant{{UserID: u1.ID, PartnerID: p1.ID, CreatedAt: first}, {UserID: u1.ID, PartnerID: p2.ID, CreatedAt: first}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("user's grants: %+v, %v", got, err)
		}
		got, err = db.FindPartnerGrants(ctx, p1.ID)
		var users []string
		for _, g := range got {
			users = append(users, g.UserID)
		}
		if err != nil || !slices.Equal(users, []string{u1.ID, u2.ID}) {
			t.Errorf("partner's grants: %v, %v", users, err)
		}

		for range 2 { // idempotent
			mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteGrant(ctx, u1.ID, p2.ID) })
		}
		if got, _ := db.FindGrants(ctx, u1.ID); len(got) != 1 || got[0].PartnerID != p1.ID {
			t.Errorf("after delete: %+v", got)
		}
		if got, err := db.FindGrants(ctx, "user_none"); err != nil || len(got) != 0 {
			t.Errorf("no grants: %v, %v", got, err)
		}
		wantError(t, grant(&ally.User{ID: "user_missing"}, p1, first), ally.ECodeInvalid, "the user or the partner does not exist")
		wantError(t, grant(u1, &ally.Partner{ID: "ptn_missing"}, first), ally.ECodeInvalid, "the user or the partner does not exist")
	})
}

// TestVisibleToGrants checks that VisibleTo is owned, managed or granted,
// in every order, each partner once even when it is both owned and granted.
func TestVisibleToGrants(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ps, users, _, _ := seedPartners(t, db)
		u0 := users[0]
		granted := map[string]bool{}
		mustWrite(t, db, func(tx ally.Tx) error {
			for i, p := range ps {
				// Every fifth partner, some of them owned or managed by u0 already.
				if i%5 == 0 {
					granted[p.ID] = true
					if err := tx.CreateGrant(ctx, &ally.Grant{UserID: u0.ID, PartnerID: p.ID, CreatedAt: now()}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		visible := func(p *ally.Partner) bool { return p.OwnerID == u0.ID || p.ManagerID == u0.ID || granted[p.ID] }
		for _, sort := range []string{ally.SortCreated, ally.SortName, ally.SortUpdated} {
			for _, f := range []ally.PartnerFilter{
				{VisibleTo: u0.ID},
				{VisibleTo: u0.ID, Status: ally.StatusActive},
				{VisibleTo: u0.ID, Category: "reseller"},
			} {
				f.Sort = sort
				want := expectPartners(ps, f, func(p *ally.Partner) bool { return visible(p) && matches(p, f) })
				if got := pagePartners(t, db, f, 4); !slices.Equal(got, want) {
					t.Errorf("%+v: got %d %v\nwant %d %v", f, len(got), got, len(want), want)
				}
			}
		}
		// Taking the grant away narrows the list again.
		mustWrite(t, db, func(tx ally.Tx) error {
			for id := range granted {
				if err := tx.DeleteGrant(ctx, u0.ID, id); err != nil {
					return err
				}
			}
			return nil
		})
		f := ally.PartnerFilter{VisibleTo: u0.ID}
		want := expectPartners(ps, f, func(p *ally.Partner) bool { return p.OwnerID == u0.ID || p.ManagerID == u0.ID })
		if got := pagePartners(t, db, f, 50); !slices.Equal(got, want) {
			t.Errorf("without grants: %v\nwant %v", got, want)
		}
	})
}
