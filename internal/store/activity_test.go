package store_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestActivities(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p, q := newPartner("P"), newPartner("Q")
		mustPartners(t, db, p, q)
		kinds := []ally.ActivityKind{ally.ActivityComment, ally.ActivityNote, ally.ActivityStatusChange, ally.ActivitySystem}
		var all []*ally.Activity // newest first, as listed
		mustWrite(t, db, func(tx ally.Tx) error {
			for i := range 22 {
				a := &ally.Activity{ID: ally.NewID(ally.PrefixActivity), PartnerID: p.ID, Kind: kinds[i%4],
					Text: "entry", ActorKind: ally.ActorStaff, ActorID: "user_1", ActorLabel: "ana@vendor.example",
					At: now().Add(time.Duration(i) * time.Second)}
				if i%4 == 3 {
					a.ActorKind, a.ActorID, a.ActorLabel = ally.ActorSystem, "", "sweep"
				}
				if err := tx.CreateActivity(ctx, a); err != nil {
					return err
				}
				all = append([]*ally.Activity{a}, all...)
			}
			// Another partner's timeline stays out of P's.
			return tx.CreateActivity(ctx, &ally.Activity{ID: ally.NewID(ally.PrefixActivity), PartnerID: q.ID,
				Kind: ally.ActivityComment, Text: "other", At: now()})
		})
		var shared []*ally.Activity
		for _, a := range all {
			if a.Kind != ally.ActivityNote {
				shared = append(shared, a)
			}
		}
		for _, tc := range []struct {
			name     string
			internal bool
			want     []*ally.Activity
		}{{"internal", true, all}, {"shared", false, shared}} {
			var got []*ally.Activity
			f := ally.ActivityFilter{PartnerID: p.ID, Internal: tc.internal, Limit: 5}
			for range 10 {
				page, err := db.FindActivities(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
				if len(page) < f.Limit {
					break
				}
				f.Before = page[len(page)-1].ID
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: got %d entries, want %d", tc.name, len(got), len(tc.want))
			}
		}
		if got, err := db.FindActivities(ctx, ally.ActivityFilter{PartnerID: p.ID}); err != nil || len(got) != len(shared) {
			t.Errorf("default limit: %d, %v", len(got), err)
		}
		bad := &ally.Activity{ID: ally.NewID(ally.PrefixActivity), PartnerID: "ptn_missing", Kind: ally.ActivityComment, At: now()}
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateActivity(ctx, bad) }),
			ally.ECodeInvalid, "the partner does not exist")
	})
}

func TestNotifications(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var mine []*ally.Notification // newest first
		mustWrite(t, db, func(tx ally.Tx) error {
			for i := range 5 {
				n := &ally.Notification{ID: ally.NewID(ally.PrefixNotification), RecipientKind: ally.ActorStaff,
					RecipientID: "same_id", Kind: ally.NotifyPartnerUpdated, Text: "Acme changed its profile",
					Link: "/admin/partners/ptn_1", Read: i == 0, CreatedAt: now().Add(time.Duration(i) * time.Second)}
				if err := tx.CreateNotification(ctx, n); err != nil {
					return err
				}
				mine = append([]*ally.Notification{n}, mine...)
			}
			// The same id as another kind of recipient is someone else.
			return tx.CreateNotification(ctx, &ally.Notification{ID: ally.NewID(ally.PrefixNotification),
				RecipientKind: ally.ActorPartner, RecipientID: "same_id", Kind: ally.NotifyLeadAssigned, CreatedAt: now()})
		})
		got, err := db.FindNotifications(ctx, ally.ActorStaff, "same_id", 3)
		if err != nil || !reflect.DeepEqual(got, mine[:3]) {
			t.Errorf("latest 3: %+v, %v", got, err)
		}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.MarkNotificationsRead(ctx, ally.ActorStaff, "same_id") })
		got, _ = db.FindNotifications(ctx, ally.ActorStaff, "same_id", 0)
		if len(got) != 5 || slices.ContainsFunc(got, func(n *ally.Notification) bool { return !n.Read }) {
			t.Errorf("after marking read: %+v", got)
		}
		other, _ := db.FindNotifications(ctx, ally.ActorPartner, "same_id", 10)
		if len(other) != 1 || other[0].Read {
			t.Errorf("someone else's: %+v", other)
		}
	})
}

func TestFiles(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		logo := &ally.File{ID: ally.NewID(ally.PrefixFile), ContentType: "image/png",
			Data: []byte{0x89, 'P', 'N', 'G', 0, 0xff, 0}, CreatedAt: now()}
		empty := &ally.File{ID: ally.NewID(ally.PrefixFile), ContentType: "text/plain", CreatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateFile(ctx, logo); err != nil {
				return err
			}
			return tx.CreateFile(ctx, empty)
		})
		if got, err := db.FindFile(ctx, logo.ID); err != nil || !reflect.DeepEqual(got, logo) {
			t.Errorf("logo: %+v, %v", got, err)
		}
		if got, err := db.FindFile(ctx, empty.ID); err != nil || len(got.Data) != 0 || got.ContentType != "text/plain" {
			t.Errorf("empty: %+v, %v", got, err)
		}
		_, err := db.FindFile(ctx, "file_missing")
		wantIs(t, err, ally.ErrNotFound)
	})
}
