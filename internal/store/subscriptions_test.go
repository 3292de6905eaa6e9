package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestSubscriptions(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := &ally.Subscription{ID: ally.NewID(ally.PrefixSubscription), URL: "https://crm.example/hook",
			Secret: "whsec_a", Events: []string{ally.EventLeadAssigned, ally.EventLeadCreated}, Description: "CRM",
			Enabled: true, CreatedAt: now(), UpdatedAt: now()}
		b := &ally.Subscription{ID: ally.NewID(ally.PrefixSubscription), URL: "https://bi.example/in",
			Secret: "whsec_b", Events: []string{ally.EventPartnerUpdated}, CreatedAt: now(), UpdatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateSubscription(ctx, a); err != nil {
				return err
			}
			return tx.CreateSubscription(ctx, b)
		})
		if got, err := db.FindSubscriptions(ctx); err != nil || !reflect.DeepEqual(got, []*ally.Subscription{a, b}) {
			t.Fatalf("subscriptions %+v, %v", got, err)
		}
		if got, err := db.FindSubscriptionByID(ctx, b.ID); err != nil || !reflect.DeepEqual(got, b) {
			t.Errorf("by id: %+v, %v", got, err)
		}
		_, err := db.FindSubscriptionByID(ctx, "sub_missing")
		wantIs(t, err, ally.ErrNotFound)

		// Ally turns a gone endpoint off.
		a.Enabled, a.OffReason, a.Events, a.UpdatedAt = false, "410 Gone", []string{ally.EventLeadAssigned}, now().Add(time.Second)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateSubscription(ctx, a) })
		if got, err := db.FindSubscriptionByID(ctx, a.ID); err != nil || !reflect.DeepEqual(got, a) || got.Version != 2 {
			t.Errorf("after update: %+v, %v\nwant %+v", got, err, a)
		}
		stale := *a
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateSubscription(ctx, &stale) }), ally.ErrVersionMismatch)
		missing := *a
		missing.ID = "sub_missing"
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateSubscription(ctx, &missing) }), ally.ErrNotFound)

		// Deleting keeps the subscription's deliveries in the log.
		d := newDelivery(ally.EventPartnerUpdated, "", "", b.ID)
		mustDeliveries(t, db, d)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteSubscription(ctx, b.ID) })
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.DeleteSubscription(ctx, b.ID) }), ally.ErrNotFound)
		if got, _ := db.FindSubscriptions(ctx); len(got) != 1 {
			t.Errorf("%d subscriptions after delete", len(got))
		}
		if got, err := db.FindDeliveries(ctx, ally.DeliveryFilter{SubscriptionID: b.ID}); err != nil || len(got) != 1 {
			t.Errorf("deliveries of the deleted subscription: %d, %v", len(got), err)
		}
	})
}
