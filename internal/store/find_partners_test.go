package store_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// seedPartners stores 60 partners whose fields cycle through three users,
// two tiers (or none), two phases, three statuses and two categories, and
// returns them sorted by id.
func seedPartners(t *testing.T, db *store.DB) ([]*ally.Partner, []*ally.User, []*ally.Tier, []*ally.Phase) {
	t.Helper()
	users := []*ally.User{mustUser(t, db, "u0@v.example"), mustUser(t, db, "u1@v.example"), mustUser(t, db, "u2@v.example")}
	tiers := []*ally.Tier{mustTier(t, db, "Silver", 1), mustTier(t, db, "Gold", 2)}
	phases := []*ally.Phase{mustPhase(t, db, "Recruit", 0), mustPhase(t, db, "Grow", 1)}
	statuses := []ally.PartnerStatus{ally.StatusOnboarding, ally.StatusActive, ally.StatusDormant}
	var ps []*ally.Partner
	for i := range 60 {
		p := newPartner(fmt.Sprintf("Partner %02d", i))
		p.Domain = fmt.Sprintf("p%02d.example", i)
		p.Status = statuses[i%3]
		if i%3 != 2 {
			p.TierID = tiers[i%3].ID
		}
		p.PhaseID = phases[i%2].ID
		p.OwnerID = users[i%3].ID
		p.ManagerID = users[(i+1)%3].ID
		if i%2 == 0 {
			p.Categories = append(p.Categories, "reseller")
		}
		if i%3 == 0 {
			p.Categories = append(p.Categories, "emea")
		}
		ps = append(ps, p)
	}
	mustPartners(t, db, ps...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	return ps, users, tiers, phases
}

func TestFindPartnersFilters(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ps, users, tiers, phases := seedPartners(t, db)
		u0, u1 := users[0].ID, users[1].ID
		for _, tc := range []struct {
			name string
			f    ally.PartnerFilter
			want func(*ally.Partner) bool
		}{
			{"none", ally.PartnerFilter{}, func(*ally.Partner) bool { return true }},
			{"status", ally.PartnerFilter{Status: ally.StatusActive}, func(p *ally.Partner) bool { return p.Status == ally.StatusActive }},
			{"tier", ally.PartnerFilter{TierID: tiers[1].ID}, func(p *ally.Partner) bool { return p.TierID == tiers[1].ID }},
			{"phase", ally.PartnerFilter{PhaseID: phases[0].ID}, func(p *ally.Partner) bool { return p.PhaseID == phases[0].ID }},
			{"owner", ally.PartnerFilter{OwnerID: u1}, func(p *ally.Partner) bool { return p.OwnerID == u1 }},
			{"category", ally.PartnerFilter{Category: "emea"}, func(p *ally.Partner) bool { return slices.Contains(p.Categories, "emea") }},
			{"visible to", ally.PartnerFilter{VisibleTo: u0}, func(p *ally.Partner) bool { return p.OwnerID == u0 || p.ManagerID == u0 }},
			{"query name", ally.PartnerFilter{Query: "PARTNER 1"}, func(p *ally.Partner) bool { return strings.HasPrefix(p.Name, "Partner 1") }},
			{"query domain", ally.PartnerFilter{Query: "p2"}, func(p *ally.Partner) bool { return strings.HasPrefix(p.Domain, "p2") }},
			{"status and tier", ally.PartnerFilter{Status: ally.StatusOnboarding, TierID: tiers[0].ID},
				func(p *ally.Partner) bool { return p.Status == ally.StatusOnboarding && p.TierID == tiers[0].ID }},
			{"owner and category", ally.PartnerFilter{OwnerID: u0, Category: "reseller"},
				func(p *ally.Partner) bool { return p.OwnerID == u0 && slices.Contains(p.Categories, "reseller") }},
			{"visible to, status, phase", ally.PartnerFilter{VisibleTo: u1, Status: ally.StatusDormant, PhaseID: phases[1].ID},
				func(p *ally.Partner) bool {
					return (p.OwnerID == u1 || p.ManagerID == u1) && p.Status == ally.StatusDormant && p.PhaseID == phases[1].ID
				}},
			{"category and query", ally.PartnerFilter{Category: "reseller", Query: "partner 3"},
				func(p *ally.Partner) bool {
					return slices.Contains(p.Categories, "reseller") && strings.HasPrefix(p.Name, "Partner 3")
				}},
			{"nothing matches", ally.PartnerFilter{Category: "nope"}, func(*ally.Partner) bool { return false }},
		} {
			var want []string
			for _, p := range ps {
				if tc.want(p) {
					want = append(want, p.ID)
				}
			}
			tc.f.Limit = 1000
			got, err := db.FindPartners(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if !slices.Equal(ids(got), want) {
				t.Errorf("%s: got %d partners %v\nwant %d %v", tc.name, len(got), ids(got), len(want), want)
			}
		}
		got, err := db.FindPartners(ctx, ally.PartnerFilter{Limit: 0})
		if err != nil || len(got) != 50 {
			t.Errorf("default limit: %d partners, %v", len(got), err)
		}
		if got[0].Owner == nil || got[0].Owner.ID != got[0].OwnerID || got[0].Manager == nil {
			t.Errorf("list without user refs: %+v", got[0])
		}
	})
}

func TestFindPartnersPaging(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ps, _, _, _ := seedPartners(t, db)
		for _, f := range []ally.PartnerFilter{{}, {Category: "reseller"}, {Status: ally.StatusActive}} {
			var want []string
			for _, p := range ps {
				if (f.Category == "" || slices.Contains(p.Categories, f.Category)) && (f.Status == "" || p.Status == f.Status) {
					want = append(want, p.ID)
				}
			}
			var all []string
			f.Limit = 7
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatal("paging does not end")
				}
				page, err := db.FindPartners(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > 7 {
					t.Fatalf("page of %d", len(page))
				}
				all = append(all, ids(page)...)
				if len(page) < 7 {
					break
				}
				f.After = page[len(page)-1].ID
			}
			if !slices.Equal(all, want) {
				t.Errorf("filter %+v: paged %d ids, want %d:\n%v\n%v", f, len(all), len(want), all, want)
			}
		}
	})
}

func TestFindPartnersQuery(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		named := map[string]*ally.Partner{}
		var all []*ally.Partner
		for _, name := range []string{"100% Growth", "1000 Growth", "Under_score", "Underxscore", `Back\Slash`, "ÄRZTE GmbH", "Plain"} {
			p := newPartner(name)
			named[name] = p
			all = append(all, p)
		}
		named["Plain"].Domain = "acme.example"
		mustPartners(t, db, all...)
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"%", []string{"100% Growth"}},
			{"0%", []string{"100% Growth"}},
			{"_", []string{"Under_score"}},
			{"r_s", []string{"Under_score"}},
			{`k\s`, []string{`Back\Slash`}},
			{`\`, []string{`Back\Slash`}},
			{"ärzte", []string{"ÄRZTE GmbH"}},
			{"ACME", []string{"Plain"}},
			{"growth", []string{"100% Growth", "1000 Growth"}},
			{"zzz", nil},
		} {
			var want []string
			for _, n := range tc.want {
				want = append(want, named[n].ID)
			}
			slices.Sort(want)
			got, err := db.FindPartners(ctx, ally.PartnerFilter{Query: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), want) {
				t.Errorf("query %q: got %v, want %v", tc.query, names(got), tc.want)
			}
		}
	})
}

func names(ps []*ally.Partner) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestFindPartnersCategoryAfterChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("Changing")
		p.Categories = []string{"reseller", "emea"}
		other := newPartner("Other")
		other.Categories = []string{"reseller"}
		mustPartners(t, db, p, other)

		check := func(cat string, want ...string) {
			t.Helper()
			got, err := db.FindPartners(ctx, ally.PartnerFilter{Category: cat})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), append([]string{}, want...)) {
				t.Errorf("category %q: got %v, want %v", cat, names(got), want)
			}
		}
		check("emea", "Changing")

		p.Categories = []string{"emea", "distributor"}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, p) })
		check("reseller", "Other")
		check("distributor", "Changing")
		check("emea", "Changing")

		p.Categories = nil
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, p) })
		check("emea")
		check("distributor")
		got, err := db.FindPartnerByID(ctx, p.ID)
		if err != nil || got.Categories != nil {
			t.Errorf("categories after clearing: %v, %v", got.Categories, err)
		}
	})
}
