package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func newRule(name string, priority int) *ally.RoutingRule {
	return &ally.RoutingRule{ID: ally.NewID(ally.PrefixRule), Name: name, Priority: priority, Enabled: true,
		Mode: ally.RouteRoundRobin, CreatedAt: now(), UpdatedAt: now()}
}

func mustRules(t testing.TB, db *store.DB, rs ...*ally.RoutingRule) {
	t.Helper()
	mustWrite(t, db, func(tx ally.Tx) error {
		for _, r := range rs {
			if err := tx.CreateRoutingRule(context.Background(), r); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestRoutingRules(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("Target")
		mustPartners(t, db, p)
		low, high, tie := newRule("Low", 50), newRule("High", 10), newRule("Tie", 50)
		high.Mode, high.PartnerID, high.DailyCap, high.MonthlyCap = ally.RouteToPartner, p.ID, 5, 100
		high.Conditions = ally.RuleConditions{Countries: []string{"BE", "NL"}, Sources: []string{"web"},
			Categories: []string{"reseller"}, TierIDs: []string{"tier_1"}}
		tie.Mode, tie.Weights, tie.Enabled = ally.RouteWeighted, []ally.RuleWeight{{PartnerID: p.ID, Weight: 3}}, false
		mustRules(t, db, low, high, tie)

		got, err := db.FindRoutingRules(ctx)
		if want := []*ally.RoutingRule{high, low, tie}; err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("rules by priority: %+v, %v\nwant %+v", got, err, want)
		}
		if got, err := db.FindRoutingRuleByID(ctx, high.ID); err != nil || !reflect.DeepEqual(got, high) {
			t.Errorf("by id: %+v, %v", got, err)
		}
		_, err = db.FindRoutingRuleByID(ctx, "rule_missing")
		wantIs(t, err, ally.ErrNotFound)

		// Update: a version check; the cursor moves without one.
		low.Priority, low.Name, low.UpdatedAt = 1, "Now first", now().Add(time.Second)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateRoutingRule(ctx, low) })
		stale := *low
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateRoutingRule(ctx, &stale) }), ally.ErrVersionMismatch)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.SetRuleCursor(ctx, low.ID, p.ID) })
		low.Cursor = p.ID
		if got, err := db.FindRoutingRuleByID(ctx, low.ID); err != nil || !reflect.DeepEqual(got, low) || got.Version != 2 {
			t.Errorf("after update and cursor: %+v, %v\nwant %+v", got, err, low)
		}
		if got, _ := db.FindRoutingRules(ctx); got[0].ID != low.ID {
			t.Errorf("first rule %s, want the re-prioritized one", got[0].Name)
		}
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.SetRuleCursor(ctx, "rule_missing", p.ID) }), ally.ErrNotFound)

		bad := newRule("Bad", 1)
		bad.Mode, bad.PartnerID = ally.RouteToPartner, "ptn_missing"
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateRoutingRule(ctx, bad) }),
			ally.ECodeInvalid, "the partner does not exist")

		// Delete takes the rule's counts with it.
		mustWrite(t, db, func(tx ally.Tx) error { return tx.AddRuleCounts(ctx, tie.ID, map[string]int{p.ID: 4}) })
		mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteRoutingRule(ctx, tie.ID) })
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.DeleteRoutingRule(ctx, tie.ID) }), ally.ErrNotFound)
		if n, err := db.FindRuleCounts(ctx, tie.ID, nil); err != nil || len(n) != 0 {
			t.Errorf("counts of a deleted rule: %v, %v", n, err)
		}
		if got, _ := db.FindRoutingRules(ctx); len(got) != 2 {
			t.Errorf("%d rules after delete, want 2", len(got))
		}
	})
}

func TestRoutingCandidates(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		gold, silver := mustTier(t, db, "Gold", 2), mustTier(t, db, "Silver", 1)
		var ps []*ally.Partner
		for i := range 12 {
			p := newPartner(fmt.Sprintf("P%02d", i))
			p.Categories = [][]string{{"reseller"}, {"referral", "emea"}, nil}[i%3]
			p.TierID = []string{gold.ID, silver.ID, "", gold.ID}[i%4]
			if i%5 == 4 {
				p.Status = ally.StatusDormant
			}
			ps = append(ps, p)
		}
		mustPartners(t, db, ps...)
		model := func(c ally.RuleConditions) []string {
			var out []string
			for _, p := range ps {
				rc := &ally.RoutingCandidate{ID: p.ID, TierID: p.TierID, Categories: p.Categories}
				if ok, _ := c.MatchPartner(rc); ok && p.Status == ally.StatusActive {
					out = append(out, p.ID)
				}
			}
			return out
		}
		for name, c := range map[string]ally.RuleConditions{
			"any":               {},
			"category":          {Categories: []string{"emea"}},
			"categories":        {Categories: []string{"reseller", "emea", "referral"}},
			"tier":              {TierIDs: []string{gold.ID}},
			"category and tier": {Categories: []string{"reseller"}, TierIDs: []string{silver.ID, gold.ID}},
			"nobody":            {Categories: []string{"none"}},
		} {
			var got []string
			after := ""
			for {
				page, err := db.FindRoutingCandidates(ctx, c, after, 2)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, p := range page {
					got = append(got, p.ID)
				}
				if len(page) < 2 {
					break
				}
				after = page[len(page)-1].ID
			}
			if want := model(c); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v, want %v", name, got, want)
			}
		}
		one, err := db.FindRoutingCandidates(ctx, ally.RuleConditions{}, "", 1)
		if want := (&ally.RoutingCandidate{ID: ps[0].ID, Name: "P00", Status: ally.StatusActive, TierID: gold.ID,
			Categories: []string{"reseller"}}); err != nil || len(one) != 1 || !reflect.DeepEqual(one[0], want) {
			t.Errorf("first candidate %+v, %v; want %+v", one, err, want)
		}

		byID, err := db.FindRoutingCandidatesByID(ctx, []string{ps[4].ID, "ptn_missing", ps[1].ID})
		if err != nil || len(byID) != 2 || byID[0].ID != ps[1].ID || byID[1].ID != ps[4].ID || byID[1].Status != ally.StatusDormant {
			t.Errorf("by id: %+v, %v", byID, err)
		}
		if none, err := db.FindRoutingCandidatesByID(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v, %v", none, err)
		}
	})
}

func TestLeadAndRuleCounts(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		day, month := ally.CountPeriods(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
		if day != "2026-11-21" || month != "2026-11" {
			t.Fatalf("periods %q %q", day, month)
		}
		for _, lock := range []bool{false, true} {
			var got map[string]ally.LeadCount
			mustWrite(t, db, func(tx ally.Tx) error {
				var err error
				if lock {
					got, err = tx.LockLeadCounts(ctx, []string{"ptn_b", "ptn_a"}, day, month)
				} else {
					got, err = tx.FindLeadCounts(ctx, []string{"ptn_a"}, day, month)
				}
				return err
			})
			if len(got) != 0 {
				t.Errorf("lock %v: counts before any lead: %v", lock, got)
			}
		}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.AddLeadCounts(ctx, day, month, map[string]int{"ptn_a": 2, "ptn_b": 1, "ptn_c": 0}); err != nil {
				return err
			}
			return tx.AddLeadCounts(ctx, day, month, map[string]int{"ptn_a": 1})
		})
		// The next day starts at 0; the month carries on.
		next, _ := ally.CountPeriods(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
		mustWrite(t, db, func(tx ally.Tx) error { return tx.AddLeadCounts(ctx, next, month, map[string]int{"ptn_a": 5}) })
		want := map[string]ally.LeadCount{"ptn_a": {Day: 3, Month: 8}, "ptn_b": {Day: 1, Month: 1}}
		if got, err := db.FindLeadCounts(ctx, []string{"ptn_a", "ptn_b", "ptn_c"}, day, month); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("counts %v, %v; want %v", got, err, want)
		}
		mustWrite(t, db, func(tx ally.Tx) error {
			got, err := tx.LockLeadCounts(ctx, []string{"ptn_a", "ptn_b", "ptn_c", "ptn_a"}, day, month)
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("locked counts %v, want %v", got, want)
			}
			return err
		})
		if got, _ := db.FindLeadCounts(ctx, []string{"ptn_a"}, next, month); !reflect.DeepEqual(got, map[string]ally.LeadCount{"ptn_a": {Day: 5, Month: 8}}) {
			t.Errorf("next day: %v", got)
		}
		if got, _ := db.FindLeadCounts(ctx, nil, day, month); len(got) != 0 {
			t.Errorf("no partners: %v", got)
		}

		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.AddRuleCounts(ctx, "rule_1", map[string]int{"ptn_a": 2, "ptn_b": 1}); err != nil {
				return err
			}
			if err := tx.AddRuleCounts(ctx, "rule_2", map[string]int{"ptn_a": 7}); err != nil {
				return err
			}
			return tx.AddRuleCounts(ctx, "rule_1", map[string]int{"ptn_a": 1})
		})
		if got, err := db.FindRuleCounts(ctx, "rule_1", []string{"ptn_a", "ptn_c"}); err != nil || !reflect.DeepEqual(got, map[string]int64{"ptn_a": 3}) {
			t.Errorf("rule counts %v, %v", got, err)
		}
		if got, _ := db.FindRuleCounts(ctx, "rule_1", nil); !reflect.DeepEqual(got, map[string]int64{"ptn_a": 3, "ptn_b": 1}) {
			t.Errorf("all of a rule's counts: %v", got)
		}
	})
}

// TestLockLeadCountsSerializes starts a second routing while a first holds
// a partner's counters: the second waits and then sees the first's lead,
// so a cap cannot be passed by two transactions at once. Many routings
// locking overlapping partners in any order all finish (no deadlock) and
// every count lands.
func TestLockLeadCountsSerializes(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		day, month := ally.CountPeriods(now())
		locked, done := make(chan struct{}), make(chan error, 1)
		go func() {
			done <- db.Write(ctx, func(tx ally.Tx) error {
				if _, err := tx.LockLeadCounts(ctx, []string{"ptn_a"}, day, month); err != nil {
					return err
				}
				close(locked)
				time.Sleep(200 * time.Millisecond)
				return tx.AddLeadCounts(ctx, day, month, map[string]int{"ptn_a": 1})
			})
		}()
		<-locked
		mustWrite(t, db, func(tx ally.Tx) error {
			got, err := tx.LockLeadCounts(ctx, []string{"ptn_z", "ptn_a"}, day, month)
			if err == nil && got["ptn_a"].Day != 1 {
				t.Errorf("second routing saw %v: it did not wait for the first", got)
			}
			return err
		})
		if err := <-done; err != nil {
			t.Fatal(err)
		}

		partners := []string{"ptn_1", "ptn_2", "ptn_3", "ptn_4", "ptn_5"}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				ids := append([]string(nil), partners...)
				rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
				err := db.Write(ctx, func(tx ally.Tx) error {
					if _, err := tx.LockLeadCounts(ctx, ids, day, month); err != nil {
						return err
					}
					n := map[string]int{}
					for _, id := range ids {
						n[id] = 1
					}
					return tx.AddLeadCounts(ctx, day, month, n)
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := db.FindLeadCounts(ctx, partners, day, month)
		for _, id := range partners {
			if err != nil || got[id] != (ally.LeadCount{Day: 8, Month: 8}) {
				t.Errorf("%s: %v, %v", id, got[id], err)
			}
		}
	})
}
