package store_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// Writes held back for one round trip (PostgreSQL's pipeline) behave as if
// they ran where they were made: a read in the same transaction sees them,
// a failed one fails the transaction with its own method's error and
// leaves nothing behind, and one that must change a row reports none.
func TestHeldWrites(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("P")
		mustPartners(t, db, p)
		entry := func(partnerID, text string) *ally.Activity {
			return &ally.Activity{ID: ally.NewID(ally.PrefixActivity), PartnerID: partnerID, Kind: ally.ActivityComment,
				Text: text, ActorKind: ally.ActorSystem, At: now()}
		}

		mustWrite(t, db, func(tx ally.Tx) error {
			for _, text := range []string{"one", "two", "three"} {
				if err := tx.CreateActivity(ctx, entry(p.ID, text)); err != nil {
					return err
				}
			}
			got, err := tx.FindActivities(ctx, ally.ActivityFilter{PartnerID: p.ID})
			if err != nil {
				return err
			}
			if len(got) != 3 || got[0].Text != "three" {
				t.Errorf("read in the transaction saw %d entries, want the 3 just written", len(got))
			}
			return nil
		})

		// The second of three writes fails: its method's error, nothing kept.
		err := db.Write(ctx, func(tx ally.Tx) error {
			for _, a := range []*ally.Activity{entry(p.ID, "kept?"), entry("ptr_missing", "bad"), entry(p.ID, "after")} {
				if err := tx.CreateActivity(ctx, a); err != nil {
					return err
				}
			}
			_, err := tx.FindActivities(ctx, ally.ActivityFilter{PartnerID: p.ID})
			return err
		})
		wantError(t, err, ally.ECodeInvalid, "the partner does not exist")
		got, err := db.FindActivities(ctx, ally.ActivityFilter{PartnerID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Errorf("after the failed transaction the timeline has %d entries, want 3", len(got))
		}

		// A failure at commit time (nothing read after it) is reported too.
		err = db.Write(ctx, func(tx ally.Tx) error {
			if err := tx.CreateActivity(ctx, entry(p.ID, "fine")); err != nil {
				return err
			}
			return tx.SetRuleCursor(ctx, "rule_missing", p.ID)
		})
		wantIs(t, err, ally.ErrNotFound)
	})
}

// LockRoutingSetup reads what FindRoutingRules and FindSubscriptions read
// (on PostgreSQL together with the writes held back before it), and a
// held write that fails is its error.
func TestLockRoutingSetup(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("P")
		mustPartners(t, db, p)
		mustRules(t, db, newRule("Second", 2), newRule("First", 1))
		sub := &ally.Subscription{ID: ally.NewID(ally.PrefixSubscription), URL: "https://crm.example/hook",
			Secret: "whsec_a", Events: []string{ally.EventLeadCreated}, Enabled: true, CreatedAt: now(), UpdatedAt: now()}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateSubscription(ctx, sub) })
		wantRules, err := db.FindRoutingRules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		entry := func(partnerID string) *ally.Activity {
			return &ally.Activity{ID: ally.NewID(ally.PrefixActivity), PartnerID: partnerID, Kind: ally.ActivityComment,
				Text: "held", ActorKind: ally.ActorSystem, At: now()}
		}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateActivity(ctx, entry(p.ID)); err != nil {
				return err
			}
			rules, subs, err := tx.LockRoutingSetup(ctx)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(rules, wantRules) || !reflect.DeepEqual(subs, []*ally.Subscription{sub}) {
				t.Errorf("setup: rules %+v, subscriptions %+v", rules, subs)
			}
			got, err := tx.FindActivities(ctx, ally.ActivityFilter{PartnerID: p.ID})
			if err != nil || len(got) != 1 {
				t.Errorf("the held write before the setup: %d entries, %v", len(got), err)
			}
			return nil
		})
		err = db.Write(ctx, func(tx ally.Tx) error {
			if err := tx.CreateActivity(ctx, entry("ptr_missing")); err != nil {
				return err
			}
			_, _, err := tx.LockRoutingSetup(ctx)
			return err
		})
		wantError(t, err, ally.ECodeInvalid, "the partner does not exist")
	})
}

// A transaction whose statement failed cannot commit: PostgreSQL aborts it
// at the failure and answers COMMIT with ROLLBACK, which Write reports,
// even when the caller swallowed the statement's error. (SQLite keeps the
// transaction going after a failed statement.) The connection is fine for
// the next transaction.
func TestAbortedTransactionDoesNotCommit(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Engines(t), store.EnginePostgres) {
		t.Skip("needs PostgreSQL: set " + storetest.PostgresURLEnv)
	}
	db := storetest.Open(t, store.EnginePostgres)
	ctx := t.Context()
	p := newPartner("P")
	mustPartners(t, db, p)
	err := db.Write(ctx, func(tx ally.Tx) error {
		_ = tx.CreatePartner(ctx, p) // a taken id: fails, and the caller looks away
		return nil
	})
	if err == nil {
		t.Fatal("Write committed a transaction PostgreSQL had aborted")
	}
	for range 3 { // every pooled connection is usable again
		mustWrite(t, db, func(tx ally.Tx) error { return tx.TouchPartnerActivity(ctx, p.ID, now()) })
	}
}
