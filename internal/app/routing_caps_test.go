package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// TestCapsHoldAcrossNodes takes leads in at once through two app nodes on
// one database: a partner capped at 5 a day gets exactly 5, never 6, and
// the rest go to the next rule in turn.
func TestCapsHoldAcrossNodes(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			nodes := twoNodes(t, engine)
			var ps []*ally.Partner
			for i, name := range []string{"Acme", "Bolt", "Core"} {
				cats := []string{"first"}
				if i > 0 {
					cats = []string{"others"}
				}
				ps = append(ps, mustPartner(t, nodes[0], sys, ally.PartnerFields{Name: ptr(name), Status: ptr(ally.StatusActive), Categories: &cats}))
			}
			for _, f := range []ally.RoutingRuleFields{
				{Name: ptr("Acme first"), Priority: ptr(1), Mode: ptr(ally.RouteToPartner), PartnerID: &ps[0].ID, DailyCap: ptr(5)},
				{Name: ptr("Then the others"), Priority: ptr(2), Mode: ptr(ally.RouteRoundRobin), DailyCap: ptr(100),
					Conditions: &ally.RuleConditions{Categories: []string{"others"}}},
			} {
				if _, err := nodes[0].CreateRoutingRule(ctx, sys, f); err != nil {
					t.Fatal(err)
				}
			}
			const each = 15
			var mu sync.Mutex
			got := map[string]int{}
			var wg sync.WaitGroup
			for w := range 6 {
				wg.Go(func() {
					for i := range each {
						l, err := nodes[w%2].CreateLead(ctx, sys, ally.LeadInput{Email: fmt.Sprintf("w%d-%d@lead.example", w, i)})
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						got[l.PartnerName]++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if got["Acme"] != 5 || got[""] != 0 || got["Acme"]+got["Bolt"]+got["Core"] != 6*each {
				t.Fatalf("90 leads at once: %v", got)
			}
		})
	}
}

// TestTurnsHoldAcrossNodes takes leads in at once through two app nodes:
// a round-robin rule still deals them evenly (no two intakes take the same
// turn) and a weighted rule still splits them exactly by weight.
func TestTurnsHoldAcrossNodes(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			nodes := twoNodes(t, engine)
			var ps []*ally.Partner
			for _, name := range []string{"Acme", "Bolt", "Core", "Dash"} {
				ps = append(ps, mustPartner(t, nodes[0], sys, ally.PartnerFields{Name: ptr(name), Status: ptr(ally.StatusActive),
					Categories: &[]string{"team"}}))
			}
			for _, f := range []ally.RoutingRuleFields{
				{Name: ptr("Web in turn"), Priority: ptr(1), Mode: ptr(ally.RouteRoundRobin),
					Conditions: &ally.RuleConditions{Sources: []string{"web"}, Categories: []string{"team"}}},
				{Name: ptr("Events by weight"), Priority: ptr(2), Mode: ptr(ally.RouteWeighted),
					Conditions: &ally.RuleConditions{Sources: []string{"event"}},
					Weights:    &[]ally.RuleWeight{{PartnerID: ps[0].ID, Weight: 3}, {PartnerID: ps[1].ID, Weight: 1}}},
			} {
				if _, err := nodes[0].CreateRoutingRule(ctx, sys, f); err != nil {
					t.Fatal(err)
				}
			}
			const workers, each = 8, 12 // per source: 96 leads
			var mu sync.Mutex
			got := map[string]map[string]int{"web": {}, "event": {}}
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range 2 * each {
						source := []string{"web", "event"}[i%2]
						l, err := nodes[w%2].CreateLead(ctx, sys, ally.LeadInput{Email: fmt.Sprintf("w%d-%d@lead.example", w, i), Source: source})
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						got[source][l.PartnerName]++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			web, event := got["web"], got["event"]
			if web["Acme"] != 24 || web["Bolt"] != 24 || web["Core"] != 24 || web["Dash"] != 24 {
				t.Errorf("96 web leads at once, round-robin over 4 partners: %v, want 24 each", web)
			}
			if event["Acme"] != 72 || event["Bolt"] != 24 {
				t.Errorf("96 event leads at once, weighted 3:1: %v, want 72 and 24", event)
			}
		})
	}
}

// twoNodes is two app nodes on one new database of engine, as two
// `ally serve` processes would be: each with its own store.
func twoNodes(t *testing.T, engine string) []*app.App {
	t.Helper()
	db, url := storetest.OpenURL(t, engine)
	other, err := store.Open(context.Background(), store.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return []*app.App{app.New(db), app.New(other)}
}
