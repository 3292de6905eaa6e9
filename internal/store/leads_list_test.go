package store_test

import (
	"cmp"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// leadWorld is a set of leads spread over partners, statuses, sources,
// companies (many equal, one non-ASCII) and days, with a staff user who may
// see some of the partners.
type leadWorld struct {
	leads    []*ally.Lead
	partners []*ally.Partner
	user     string
	visible  map[string]bool // partner ids the user may see
	day0     time.Time
}

func seedLeadWorld(t *testing.T, db *store.DB) *leadWorld {
	t.Helper()
	owner, other := mustUser(t, db, "owner@v.example"), mustUser(t, db, "other@v.example")
	owned, managed, granted, hidden := newPartner("Owned"), newPartner("Managed"), newPartner("Granted"), newPartner("Hidden")
	owned.OwnerID, managed.ManagerID, hidden.OwnerID = owner.ID, owner.ID, other.ID
	mustPartners(t, db, owned, managed, granted, hidden)
	mustWrite(t, db, func(tx ally.Tx) error {
		return tx.CreateGrant(t.Context(), &ally.Grant{UserID: owner.ID, PartnerID: granted.ID, CreatedAt: now()})
	})
	w := &leadWorld{partners: []*ally.Partner{owned, managed, granted, hidden}, user: owner.ID,
		visible: map[string]bool{owned.ID: true, managed.ID: true, granted.ID: true},
		day0:    time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	companies := []string{"Acme", "acme", "Beta", "Ärger AG", "Zeta", "Acme", ""}
	statuses := []ally.LeadStatus{ally.LeadNew, ally.LeadAccepted, ally.LeadWon}
	sources := []string{"web", "event"}
	for i := range 90 {
		pid := ""
		if i%5 != 0 {
			pid = w.partners[i%4].ID
		}
		l := newLead(pid, companies[i%len(companies)], fmt.Sprintf("person%02d@buyer%d.example", i, i%3))
		l.FirstName = []string{"Ana", "Bram", "Chloé"}[i%3]
		l.Status, l.Source = statuses[i%len(statuses)], sources[i%len(sources)]
		l.ReceivedAt = w.day0.Add(time.Duration(i%9) * 24 * time.Hour)
		w.leads = append(w.leads, l)
	}
	mustLeads(t, db, w.leads...)
	for _, l := range w.leads {
		for _, p := range w.partners {
			if p.ID == l.PartnerID {
				l.PartnerName = p.Name
			}
		}
	}
	return w
}

// want is the model of FindLeads: the leads f selects, in f.Sort order.
func (w *leadWorld) want(f ally.LeadFilter) []*ally.Lead {
	var out []*ally.Lead
	for _, l := range w.leads {
		search := strings.ToLower(l.FirstName + " " + l.LastName + " " + l.Email + " " + l.Company)
		if (f.PartnerID != "" && l.PartnerID != f.PartnerID) || (f.Unassigned && l.PartnerID != "") ||
			(f.VisibleTo != "" && !w.visible[l.PartnerID]) || (f.Status != "" && l.Status != f.Status) ||
			(f.Source != "" && l.Source != f.Source) || !strings.Contains(search, strings.ToLower(f.Query)) ||
			(!f.From.IsZero() && l.ReceivedAt.Before(f.From)) || (!f.To.IsZero() && !l.ReceivedAt.Before(f.To)) {
			continue
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *ally.Lead) int {
		switch f.Sort {
		case ally.LeadSortNewest:
			return strings.Compare(b.ID, a.ID)
		case ally.LeadSortCompany:
			return cmp.Or(strings.Compare(strings.ToLower(a.Company), strings.ToLower(b.Company)), strings.Compare(a.ID, b.ID))
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// TestFindLeadsPages walks every filter in every sort a few rows a page by
// cursor: the pages together are exactly the model's list, nothing skipped
// or repeated, and EachLead streams the same list.
func TestFindLeadsPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := seedLeadWorld(t, db)
		owned, hidden := w.partners[0].ID, w.partners[3].ID
		filters := map[string]ally.LeadFilter{
			"all":              {},
			"partner":          {PartnerID: owned},
			"partner, status":  {PartnerID: owned, Status: ally.LeadAccepted},
			"partner, source":  {PartnerID: hidden, Source: "event"},
			"unassigned":       {Unassigned: true},
			"unassigned, new":  {Unassigned: true, Status: ally.LeadNew},
			"status":           {Status: ally.LeadWon},
			"source":           {Source: "web"},
			"visible to":       {VisibleTo: w.user},
			"visible, status":  {VisibleTo: w.user, Status: ally.LeadNew},
			"query name":       {Query: "CHLOÉ"},
			"query e-mail":     {Query: "buyer1.exa"},
			"query company":    {Query: "ärger"},
			"query, partner":   {Query: "acme", PartnerID: owned},
			"query wildcards":  {Query: "%_"},
			"from":             {From: w.day0.Add(3 * 24 * time.Hour)},
			"to":               {To: w.day0.Add(2 * 24 * time.Hour)},
			"from-to, partner": {PartnerID: owned, From: w.day0.Add(24 * time.Hour), To: w.day0.Add(5 * 24 * time.Hour)},
			"nothing":          {PartnerID: "ptn_none"},
		}
		for name, f := range filters {
			for _, sort := range []ally.LeadSort{ally.LeadSortNewest, ally.LeadSortOldest, ally.LeadSortCompany} {
				f.Sort = sort
				want := w.want(f)
				if name != "nothing" && name != "query wildcards" && len(want) == 0 {
					t.Fatalf("%s: the model selects nothing; the test data is wrong", name)
				}
				var got []*ally.Lead
				for page := 0; ; page++ {
					f.Limit = 4
					ls, err := db.FindLeads(ctx, f)
					if err != nil {
						t.Fatalf("%s by %q: %v", name, sort, err)
					}
					got = append(got, ls...)
					if len(ls) < f.Limit || page > len(w.leads) {
						break
					}
					f.After = ally.LeadCursor(ls[len(ls)-1], sort)
				}
				f.After = ""
				if !reflect.DeepEqual(leadIDs(got), leadIDs(want)) {
					t.Errorf("%s by %q: pages give\n%v\nwant\n%v", name, sort, leadIDs(got), leadIDs(want))
				}
				var each []*ally.Lead
				f.Limit = 1 // ignored
				err := db.EachLead(ctx, f, func(l *ally.Lead) error {
					each = append(each, l)
					return nil
				})
				if err != nil || !reflect.DeepEqual(each, want) {
					t.Errorf("%s by %q: EachLead gives %v, %v\nwant %v", name, sort, leadIDs(each), err, leadIDs(want))
				}
			}
		}
	})
}

func TestFindLeadsLimitsAndErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var ls []*ally.Lead
		for i := range 60 {
			ls = append(ls, newLead("", "C", fmt.Sprintf("l%d@x.example", i)))
		}
		mustLeads(t, db, ls...)
		if got, err := db.FindLeads(ctx, ally.LeadFilter{}); err != nil || len(got) != 50 {
			t.Errorf("default page: %d leads, %v; want 50", len(got), err)
		}
		_, err := db.FindLeads(ctx, ally.LeadFilter{Sort: "name"})
		wantCode(t, err, ally.ECodeBadRequest)
		_, err = db.FindLeads(ctx, ally.LeadFilter{Sort: ally.LeadSortCompany, After: ls[0].ID})
		wantCode(t, err, ally.ECodeBadRequest)
		wantCode(t, db.EachLead(ctx, ally.LeadFilter{Sort: "name"}, func(*ally.Lead) error { return nil }), ally.ECodeBadRequest)

		// An error from fn stops the walk and comes back as is.
		n := 0
		stop := fmt.Errorf("enough")
		err = db.EachLead(ctx, ally.LeadFilter{}, func(*ally.Lead) error {
			if n++; n == 3 {
				return stop
			}
			return nil
		})
		if err != stop || n != 3 {
			t.Errorf("stopped walk: %v after %d leads", err, n)
		}
	})
}

// TestEachLeadStreams walks 30,000 leads and samples the heap on the way:
// it stays flat, where a walk that collected the rows first would grow by
// the rows' size (about 30 MB here). The heap is the whole process's, so
// the test runs alone (not parallel), one engine after the other: other
// tests' allocations would be counted as the walk's.
func TestEachLeadStreams(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) { eachLeadStreams(t, storetest.Open(t, engine)) })
	}
}

func eachLeadStreams(t *testing.T, db *store.DB) {
	{
		p := newPartner("P")
		mustPartners(t, db, p)
		const n = 30_000
		for i := range n / 5000 {
			var ls []*ally.Lead
			for j := range 5000 {
				l := newLead(p.ID, fmt.Sprintf("Company %d", j), fmt.Sprintf("l%d-%d@x.example", i, j))
				l.Message = strings.Repeat("m", 800)
				ls = append(ls, l)
			}
			mustLeads(t, db, ls...)
		}
		heap := func() uint64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapAlloc
		}
		start, peak, seen := heap(), uint64(0), 0
		err := db.EachLead(t.Context(), ally.LeadFilter{PartnerID: p.ID}, func(*ally.Lead) error {
			if seen++; seen%5000 == 0 {
				peak = max(peak, heap())
			}
			return nil
		})
		if err != nil || seen != n {
			t.Fatalf("%d leads, %v", seen, err)
		}
		if grew := int64(peak) - int64(start); grew > 8<<20 {
			t.Errorf("the heap grew by %d MB during the walk", grew>>20)
		}
	}
}
