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
			db, url := storetest.OpenURL(t, engine)
			other, err := store.Open(ctx, store.Config{URL: url})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			nodes := []*app.App{app.New(db), app.New(other)}
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
