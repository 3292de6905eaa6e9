package store_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// matches applies the filters of f that seedPartners' data varies (status,
// category) and the going-quiet cut, as the store should.
func matches(p *ally.Partner, f ally.PartnerFilter) bool {
	return (f.Status == "" || p.Status == f.Status) &&
		(f.Category == "" || slices.Contains(p.Categories, f.Category)) &&
		(f.InactiveBefore.IsZero() || (p.Status != ally.StatusArchived &&
			(p.LastActivityAt.IsZero() || p.LastActivityAt.Before(f.InactiveBefore))))
}

// expectPartners returns the ids of the partners keep accepts, in f.Sort's order.
func expectPartners(ps []*ally.Partner, f ally.PartnerFilter, keep func(*ally.Partner) bool) []string {
	var sel []*ally.Partner
	for _, p := range ps {
		if keep(p) {
			sel = append(sel, p)
		}
	}
	slices.SortFunc(sel, func(a, b *ally.Partner) int {
		switch f.Sort {
		case ally.SortName:
			// Bytewise, as COLLATE "C" and SQLite compare.
			return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
		case ally.SortUpdated:
			return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), strings.Compare(b.ID, a.ID))
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ids(sel)
}

// pagePartners pages through f with pages of size, following PartnerCursor,
// and returns every id seen.
func pagePartners(t *testing.T, db *store.DB, f ally.PartnerFilter, size int) []string {
	t.Helper()
	f.Limit = size
	all := []string{}
	for range 100 {
		page, err := db.FindPartners(t.Context(), f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if len(page) > size {
			t.Fatalf("page of %d", len(page))
		}
		all = append(all, ids(page)...)
		if len(page) < size {
			return all
		}
		f.After = ally.PartnerCursor(page[len(page)-1], f.Sort)
	}
	t.Fatal("paging does not end")
	return nil
}

// seedSortable stores partners whose names, update times and last activity
// collide in ways keyset paging must survive: names equal but for case,
// non-ASCII names, many partners updated in the same millisecond, and
// activity never, long ago or lately.
func seedSortable(t *testing.T, db *store.DB) []*ally.Partner {
	t.Helper()
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	names := []string{"acme", "Acme", "ACME", "Ärzte", "zeta", "Zeta", "beta", "_under", "100%", "Alpha"}
	statuses := []ally.PartnerStatus{ally.StatusOnboarding, ally.StatusActive, ally.StatusDormant}
	var ps []*ally.Partner
	for i := range 47 {
		p := newPartner(fmt.Sprintf("%s %d", names[i%len(names)], i%4))
		p.Status = statuses[i%3]
		p.UpdatedAt = base.Add(time.Duration(i%6) * time.Minute) // eight or so per instant
		switch i % 3 {
		case 1:
			p.LastActivityAt = base.Add(-90 * 24 * time.Hour)
		case 2:
			p.LastActivityAt = base.Add(-time.Hour)
		}
		if i%2 == 0 {
			p.Categories = []string{"reseller"}
		}
		ps = append(ps, p)
	}
	mustPartners(t, db, ps...)
	return ps
}

func TestFindPartnersSorts(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ps := seedSortable(t, db)
		cut := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		for _, sort := range []string{ally.SortCreated, ally.SortName, ally.SortUpdated} {
			for _, f := range []ally.PartnerFilter{
				{},
				{Status: ally.StatusActive},
				{Category: "reseller"},
				{InactiveBefore: cut},
				{InactiveBefore: cut, Category: "reseller", Status: ally.StatusOnboarding},
			} {
				f.Sort = sort
				want := expectPartners(ps, f, func(p *ally.Partner) bool { return matches(p, f) })
				for _, size := range []int{2, 5, 50} {
					if got := pagePartners(t, db, f, size); !slices.Equal(got, want) {
						t.Errorf("sort %q filter %+v pages of %d:\n got %d %v\nwant %d %v",
							sort, f, size, len(got), got, len(want), want)
					}
				}
			}
		}
	})
}

func TestFindPartnersGoingQuiet(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		cut := now().Add(-30 * 24 * time.Hour)
		never, old, edge, recent := newPartner("Never"), newPartner("Old"), newPartner("Edge"), newPartner("Recent")
		old.LastActivityAt = cut.Add(-time.Millisecond)
		edge.LastActivityAt = cut // active exactly at the cut: not quiet
		recent.LastActivityAt = now()
		archived := newPartner("Archived") // quiet too, but dealt with already
		archived.Status = ally.StatusArchived
		mustPartners(t, db, never, old, edge, recent, archived)
		got, err := db.FindPartners(ctx, ally.PartnerFilter{InactiveBefore: cut})
		if err != nil || !slices.Equal(names(got), []string{"Never", "Old"}) {
			t.Errorf("going quiet: %v, %v", names(got), err)
		}
	})
}

func TestFindPartnersBadCursor(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for _, f := range []ally.PartnerFilter{
			{Sort: ally.SortName, After: "ptn_01"},          // an id-order cursor
			{Sort: ally.SortUpdated, After: "ptn_01"},       // likewise
			{Sort: ally.SortUpdated, After: "abc\x00ptn_1"}, // not a time
			{Sort: "size"},
		} {
			_, err := db.FindPartners(ctx, f)
			wantCode(t, err, ally.ECodeBadRequest)
		}
		// Any string is a valid id-order cursor; an odd one just matches nothing.
		if _, err := db.FindPartners(ctx, ally.PartnerFilter{After: "zzz"}); err != nil {
			t.Error(err)
		}
	})
}
