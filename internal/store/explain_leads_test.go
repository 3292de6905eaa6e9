package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"

	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// TestLeadQueriesUseIndexes is TestQueriesUseIndexes for the lead half:
// every lead list shape, the delivery log, attempts, import errors and the
// routing candidates read one index range, in page order. Unlike there,
// both engines plan over a populated, analyzed database: on empty tables
// PostgreSQL picks whichever index has the right first column (leads of a
// partner with a status by ix_leads_status, filtering), which says nothing
// about the plan it makes for real data.
func TestLeadQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, engine)
			queries, err := store.LeadPlanQueries(engine, seedPlanLeads(t, db))
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range queries {
				plan := explain(t, db, q)
				for _, bad := range badSteps(engine, plan, q.SortOK) {
					t.Errorf("%s: %q in plan:\n%s", q.Name, bad, plan)
				}
				for _, idx := range q.Uses {
					if !strings.Contains(plan, idx) {
						t.Errorf("%s: plan does not use %s:\n%s", q.Name, idx, plan)
					}
				}
				t.Logf("%s:\n%s", q.Name, plan)
			}
		})
	}
}

// seedPlanLeads stores 10,000 leads over 50 partners, shaped like a real
// book (1% unassigned, most new, a few won; 700 companies), a delivery per
// lead (a few failed, some for a subscription), a user who owns one
// partner, and analyzes the database.
func seedPlanLeads(t *testing.T, db *store.DB) store.PlanExample {
	t.Helper()
	u := mustUser(t, db, "owner@v.example")
	var ps []*ally.Partner
	for i := range 50 {
		p := newPartner(fmt.Sprintf("Partner %02d", i))
		p.Categories = []string{[]string{"emea", "amer", "apac"}[i%3]}
		if i%5 == 0 {
			p.Categories = append(p.Categories, "reseller")
		}
		ps = append(ps, p)
	}
	ps[1].OwnerID = u.ID
	mustPartners(t, db, ps...)
	var ls []*ally.Lead
	for i := range 10_000 {
		pid := ""
		if i%100 != 0 {
			pid = ps[i%len(ps)].ID
		}
		l := newLead(pid, fmt.Sprintf("Company %d", i%700), fmt.Sprintf("l%d@x.example", i))
		switch {
		case i%40 == 0:
			l.Status = ally.LeadWon
		case i%3 == 0:
			l.Status = ally.LeadContacted
		}
		ls = append(ls, l)
	}
	mustLeads(t, db, ls...)
	// Each lead one delivery, a few failed; a vendor subscription's share.
	var ds []*ally.Delivery
	for i, l := range ls {
		d := newDelivery(ally.EventLeadAssigned, l.PartnerID, l.ID, "")
		if i%7 == 0 {
			d.PartnerID, d.SubscriptionID = "", "sub_1"
		}
		d.Status = ally.DeliveryDelivered
		if i%50 == 0 {
			d.Status = ally.DeliveryFailed
		}
		ds = append(ds, d)
	}
	mustDeliveries(t, db, ds...)
	mid := ds[len(ds)/2]
	mustWrite(t, db, func(tx ally.Tx) error {
		for range 3 {
			a := &ally.DeliveryAttempt{ID: ally.NewID(ally.PrefixAttempt), DeliveryID: mid.ID, At: now()}
			if err := tx.CreateDeliveryAttempt(t.Context(), a); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := db.SQLDB().ExecContext(t.Context(), `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	return store.PlanExample{PartnerID: ps[1].ID, UserID: u.ID, Lead: ls[len(ls)/2], Delivery: mid.ID}
}
