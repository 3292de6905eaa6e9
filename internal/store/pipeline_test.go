package store_test

import (
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
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
