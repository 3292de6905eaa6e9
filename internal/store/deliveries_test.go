package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func newDelivery(event, partnerID, leadID, subID string) *ally.Delivery {
	return &ally.Delivery{ID: ally.NewID(ally.PrefixDelivery), Event: event, Channel: ally.ChannelWebhook,
		PartnerID: partnerID, LeadID: leadID, SubscriptionID: subID, Target: "https://hooks.example/in",
		Payload: []byte(`{"type":"` + event + `"}`), Status: ally.DeliveryPending, NextAttemptAt: now(),
		CreatedAt: now(), UpdatedAt: now()}
}

func mustDeliveries(t testing.TB, db *store.DB, ds ...*ally.Delivery) {
	t.Helper()
	mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateDeliveries(context.Background(), ds) })
}

func deliveryIDs(ds []*ally.Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func TestDeliveryRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("P")
		mustPartners(t, db, p)
		l := newLead(p.ID, "C", "l@x.example")
		mustLeads(t, db, l)
		d := newDelivery(ally.EventLeadAssigned, p.ID, l.ID, "")
		vendor := newDelivery(ally.EventPartnerCreated, "", "", "sub_1")
		vendor.Channel, vendor.Payload, vendor.NextAttemptAt = ally.ChannelEmail, nil, time.Time{}
		mustDeliveries(t, db, d, vendor)
		for _, want := range []*ally.Delivery{d, vendor} {
			if got, err := db.FindDeliveryByID(ctx, want.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("find: %+v, %v\nwant %+v", got, err, want)
			}
		}
		_, err := db.FindDeliveryByID(ctx, "dlv_missing")
		wantIs(t, err, ally.ErrNotFound)
		wantError(t, db.Write(ctx, func(tx ally.Tx) error {
			return tx.CreateDeliveries(ctx, []*ally.Delivery{newDelivery(ally.EventLeadAssigned, p.ID, "lead_missing", "")})
		}), ally.ECodeInvalid, "the delivery's partner or lead does not exist")

		// An attempt fails, the next succeeds.
		d.Attempts, d.LastStatusCode, d.LastError = 1, 500, "server error"
		d.NextAttemptAt, d.UpdatedAt = now().Add(time.Minute), now().Add(time.Second)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateDelivery(ctx, d) })
		d.Status, d.Attempts, d.LastStatusCode, d.LastError = ally.DeliveryDelivered, 2, 204, ""
		d.NextAttemptAt, d.DeliveredAt = time.Time{}, now().Add(time.Minute)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateDelivery(ctx, d) })
		if got, err := db.FindDeliveryByID(ctx, d.ID); err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("after update: %+v, %v\nwant %+v", got, err, d)
		}
		missing := *d
		missing.ID = "dlv_missing"
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateDelivery(ctx, &missing) }), ally.ErrNotFound)
	})
}

func TestDeliveryAttempts(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		d, other := newDelivery(ally.EventPartnerUpdated, "", "", ""), newDelivery(ally.EventPartnerUpdated, "", "", "")
		mustDeliveries(t, db, d, other)
		var want []*ally.DeliveryAttempt
		for i := range 4 {
			a := &ally.DeliveryAttempt{ID: ally.NewID(ally.PrefixAttempt), DeliveryID: d.ID, At: now(),
				Target: "https://hooks.example/in", StatusCode: 500 + i, Response: fmt.Sprintf("oops %d", i),
				Error: "status 500", DurationMS: int64(10 * i), OK: i == 3}
			want = append(want, a)
		}
		// A receiver's answer with invalid UTF-8 and a NUL is kept, made valid.
		want[2].Response = "bad \xff\x00 bytes"
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, a := range want {
				if err := tx.CreateDeliveryAttempt(ctx, a); err != nil {
					return err
				}
			}
			return tx.CreateDeliveryAttempt(ctx, &ally.DeliveryAttempt{ID: ally.NewID(ally.PrefixAttempt),
				DeliveryID: other.ID, At: now()})
		})
		if want[2].Response != "bad \uFFFD\uFFFD bytes" {
			t.Errorf("response stored as %q", want[2].Response)
		}
		slices.Reverse(want)
		got, err := db.FindDeliveryAttempts(ctx, d.ID, 3)
		if err != nil || !reflect.DeepEqual(got, want[:3]) {
			t.Errorf("attempts %+v, %v\nwant %+v", got, err, want[:3])
		}
		// Several deliveries at once: each one's latest 3, grouped by delivery.
		both, err := db.FindAttemptsOfDeliveries(ctx, []string{d.ID, other.ID, "dlv_none"}, 3)
		var ofD, ofOther []*ally.DeliveryAttempt
		for _, a := range both {
			if a.DeliveryID == d.ID {
				ofD = append(ofD, a)
			} else {
				ofOther = append(ofOther, a)
			}
		}
		grouped := slices.IsSortedFunc(both, func(a, b *ally.DeliveryAttempt) int { return strings.Compare(a.DeliveryID, b.DeliveryID) })
		if err != nil || !grouped || !reflect.DeepEqual(ofD, want[:3]) || len(ofOther) != 1 || ofOther[0].DeliveryID != other.ID {
			t.Errorf("attempts of two deliveries: %+v, %v", both, err)
		}
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error {
			return tx.CreateDeliveryAttempt(ctx, &ally.DeliveryAttempt{ID: ally.NewID(ally.PrefixAttempt), DeliveryID: "dlv_missing", At: now()})
		}), ally.ECodeInvalid)
	})
}

// TestFindDeliveries pages each filter newest first by cursor: the pages
// together are every matching delivery once.
func TestFindDeliveries(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		u := mustUser(t, db, "m@v.example")
		mine, theirs := newPartner("Mine"), newPartner("Theirs")
		mine.ManagerID = u.ID
		mustPartners(t, db, mine, theirs)
		lm, lt := newLead(mine.ID, "C", "m@x.example"), newLead(theirs.ID, "C", "t@x.example")
		mustLeads(t, db, lm, lt)
		var all []*ally.Delivery
		for i := range 30 {
			var d *ally.Delivery
			switch i % 3 {
			case 0:
				d = newDelivery(ally.EventLeadAssigned, mine.ID, lm.ID, "")
			case 1:
				d = newDelivery(ally.EventLeadAssigned, theirs.ID, lt.ID, "")
			default:
				d = newDelivery(ally.EventLeadCreated, "", lt.ID, "sub_1")
			}
			if i%4 == 0 {
				d.Status = ally.DeliveryFailed
			}
			all = append(all, d)
		}
		mustDeliveries(t, db, all...)
		slices.Reverse(all)
		for name, f := range map[string]ally.DeliveryFilter{
			"all":          {},
			"partner":      {PartnerID: mine.ID},
			"lead":         {LeadID: lt.ID},
			"subscription": {SubscriptionID: "sub_1"},
			"status":       {Status: ally.DeliveryFailed},
			"lead, status": {LeadID: lt.ID, Status: ally.DeliveryFailed},
			"visible to":   {VisibleTo: u.ID},
		} {
			var want []string
			for _, d := range all {
				if (f.PartnerID == "" || d.PartnerID == f.PartnerID) && (f.LeadID == "" || d.LeadID == f.LeadID) &&
					(f.SubscriptionID == "" || d.SubscriptionID == f.SubscriptionID) &&
					(f.Status == "" || d.Status == f.Status) && (f.VisibleTo == "" || d.PartnerID == mine.ID) {
					want = append(want, d.ID)
				}
			}
			var got []string
			for {
				f.Limit = 4
				page, err := db.FindDeliveries(ctx, f)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got = append(got, deliveryIDs(page)...)
				if len(page) < f.Limit {
					break
				}
				f.After = page[len(page)-1].ID
			}
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v\nwant %v", name, got, want)
			}
		}
	})
}

// TestFindSealedSecrets: one value with the prefix from each table that
// keeps secrets; plain ones are not returned.
func TestFindSealedSecrets(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if got, err := db.FindSealedSecrets(ctx, "enc:v1:"); err != nil || len(got) != 0 {
			t.Fatalf("empty database: %q %v", got, err)
		}
		plain, sealed := newPartner("Plain"), newPartner("Sealed")
		mustPartners(t, db, plain, sealed)
		for p, secret := range map[*ally.Partner]string{plain: "whsec_plain", sealed: "enc:v1:webhook"} {
			mustWrite(t, db, func(tx ally.Tx) error {
				return tx.SaveDeliverySettings(ctx, &ally.DeliverySettings{PartnerID: p.ID, WebhookSecret: secret, UpdatedAt: now()})
			})
		}
		got, err := db.FindSealedSecrets(ctx, "enc:v1:")
		if err != nil || len(got) != 1 || got[0] != "enc:v1:webhook" {
			t.Fatalf("got %q %v", got, err)
		}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateSubscription(ctx, &ally.Subscription{ID: ally.NewID(ally.PrefixSubscription), URL: "https://crm.example/hook",
				Secret: "enc:v1:subscription", Events: []string{ally.EventLeadCreated}, CreatedAt: now(), UpdatedAt: now()}); err != nil {
				return err
			}
			return tx.CreateUser(ctx, &ally.User{ID: ally.NewID(ally.PrefixUser), Email: "two@vendor.example", Role: ally.RoleViewer,
				TOTPSecret: "enc:v1:totp", CreatedAt: now(), UpdatedAt: now()})
		})
		got, err = db.FindSealedSecrets(ctx, "enc:v1:")
		slices.Sort(got)
		if err != nil || !slices.Equal(got, []string{"enc:v1:subscription", "enc:v1:totp", "enc:v1:webhook"}) {
			t.Fatalf("got %q %v, want one of each table", got, err)
		}
	})
}

func TestDeliverySettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("P")
		mustPartners(t, db, p)
		got, err := db.FindDeliverySettings(ctx, p.ID)
		if err != nil || !reflect.DeepEqual(got, &ally.DeliverySettings{PartnerID: p.ID}) {
			t.Fatalf("before any save: %+v, %v", got, err)
		}
		s := &ally.DeliverySettings{PartnerID: p.ID, WebhookURL: "https://p.example/hook", WebhookSecret: "whsec_abc",
			WebhookOn: true, EmailTo: []string{"a@p.example", "b@p.example"}, EmailOn: true, UpdatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.SaveDeliverySettings(ctx, s) })
		if s.Version != 1 {
			t.Fatalf("version %d after the first save", s.Version)
		}
		if got, err := db.FindDeliverySettings(ctx, p.ID); err != nil || !reflect.DeepEqual(got, s) {
			t.Errorf("after save: %+v, %v\nwant %+v", got, err, s)
		}
		// A second "first save" lost the race.
		again := &ally.DeliverySettings{PartnerID: p.ID, UpdatedAt: now()}
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.SaveDeliverySettings(ctx, again) }), ally.ErrVersionMismatch)

		s.WebhookOn, s.WebhookOffReason, s.EmailTo, s.UpdatedAt = false, "410 Gone", nil, now().Add(time.Second)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.SaveDeliverySettings(ctx, s) })
		if got, err := db.FindDeliverySettings(ctx, p.ID); err != nil || !reflect.DeepEqual(got, s) || got.Version != 2 {
			t.Errorf("after update: %+v, %v\nwant %+v", got, err, s)
		}
		stale := *s
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.SaveDeliverySettings(ctx, &stale) }), ally.ErrVersionMismatch)
		// The transaction is still usable after a lost race (PostgreSQL aborts on a failed statement).
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.SaveDeliverySettings(ctx, &stale); err != ally.ErrVersionMismatch {
				return fmt.Errorf("stale save: %v", err)
			}
			_, err := tx.FindDeliverySettings(ctx, p.ID)
			return err
		})
		wantError(t, db.Write(ctx, func(tx ally.Tx) error {
			return tx.SaveDeliverySettings(ctx, &ally.DeliverySettings{PartnerID: "ptn_missing", UpdatedAt: now()})
		}), ally.ECodeInvalid, "the partner does not exist")
	})
}

// TestDeliverySettingsFor reads several partners' settings at once, as
// FindDeliverySettings reads each: saved ones whole, zero ones for the rest.
func TestDeliverySettingsFor(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		saved, other, bare := newPartner("Saved"), newPartner("Other"), newPartner("Bare")
		mustPartners(t, db, saved, other, bare)
		mustWrite(t, db, func(tx ally.Tx) error {
			for i, p := range []*ally.Partner{saved, other} {
				s := &ally.DeliverySettings{PartnerID: p.ID, WebhookURL: fmt.Sprintf("https://p%d.example/hook", i),
					WebhookSecret: "whsec_abc", WebhookOn: i == 0, EmailTo: []string{fmt.Sprintf("leads@p%d.example", i)},
					EmailOn: true, UpdatedAt: now()}
				if err := tx.SaveDeliverySettings(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		ids := []string{bare.ID, saved.ID, "ptn_missing", other.ID}
		got, err := db.FindDeliverySettingsFor(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			one, err := db.FindDeliverySettings(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[id], one) {
				t.Errorf("%s: %+v, want %+v", id, got[id], one)
			}
		}
		if len(got) != len(ids) || got[saved.ID].Version != 1 || !got[saved.ID].WebhookOn || got[bare.ID].Version != 0 {
			t.Errorf("settings %+v", got)
		}
		if one, err := db.FindDeliverySettingsFor(ctx, []string{saved.ID}); err != nil || !reflect.DeepEqual(one, map[string]*ally.DeliverySettings{saved.ID: got[saved.ID]}) {
			t.Errorf("one partner: %+v, %v", one, err)
		}
		mustWrite(t, db, func(tx ally.Tx) error {
			none, err := tx.FindDeliverySettingsFor(ctx, nil)
			if err == nil && len(none) != 0 {
				err = fmt.Errorf("no partners: %v", none)
			}
			return err
		})
	})
}
