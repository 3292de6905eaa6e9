package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// adminPartnersQuery is the directory's filter as the URL carries it, so a
// filtered list can be bookmarked and every page link keeps the filters.
type adminPartnersQuery struct {
	Q        string
	Status   string
	Tier     string
	Phase    string
	Category string
	Owner    string
	Sort     string // created (default), name or updated
	Limit    string
}

// pairs returns the query as name, value pairs for admURL.
func (q adminPartnersQuery) pairs() []string {
	sort := q.Sort
	if sort == "created" {
		sort = ""
	}
	limit := q.Limit
	if admLimit(limit) == ally.DefaultLimit {
		limit = ""
	}
	return []string{"q", q.Q, "status", q.Status, "tier", q.Tier, "phase", q.Phase,
		"category", q.Category, "owner", q.Owner, "sort", sort, "limit", limit}
}

// adminPartnerSorts maps the sort parameter to the list order.
var adminPartnerSorts = map[string]string{"": ally.SortCreated, "created": ally.SortCreated, "name": ally.SortName, "updated": ally.SortUpdated}

// adminPartnerRow is one partner in a list, with its tier's name.
type adminPartnerRow struct {
	P    *ally.Partner
	Tier string
}

// adminPartnersData is what the directory shows.
type adminPartnersData struct {
	Query    adminPartnersQuery
	Rows     []adminPartnerRow
	First    string // link to the first page, when this is a later one
	Next     string // link to the next page, if any
	Statuses []admOption
	Tiers    []admOption
	Phases   []admOption
	Owners   []admOption
	Sorts    []admOption
	CanWrite bool
}

// adminPartners is the partner directory: search, filters, sort and pages.
// The application shows each staff user only the partners they may see.
func (s *server) adminPartners(w http.ResponseWriter, r *http.Request) {
	if err := admCheckQuery(r); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	qv := r.URL.Query()
	q := adminPartnersQuery{Q: qv.Get("q"), Status: qv.Get("status"), Tier: qv.Get("tier"), Phase: qv.Get("phase"),
		Category: qv.Get("category"), Owner: qv.Get("owner"), Sort: qv.Get("sort"), Limit: qv.Get("limit")}
	sort, ok := adminPartnerSorts[q.Sort]
	if !ok {
		q.Sort, sort = "", ally.SortCreated
	}
	after, err := admDecodeCursor(qv.Get("cursor"), sort)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	a := actor(r)
	page, err := s.app.Partners(r.Context(), a, ally.PartnerFilter{
		Query: q.Q, Status: ally.PartnerStatus(q.Status), TierID: q.Tier, PhaseID: q.Phase,
		Category: q.Category, OwnerID: q.Owner, Sort: sort, After: after, Limit: admLimit(q.Limit),
	})
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	cat, err := s.adminCatalog(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := adminPartnersData{
		Query: q, Rows: cat.rows(page.Items), Statuses: admStatusOptions(true),
		Tiers: cat.tierOptions(), Phases: cat.phaseOptions(), Owners: admUserOptions(cat.users, q.Owner),
		Sorts:    []admOption{{"created", "Oldest first"}, {"name", "Name"}, {"updated", "Recently updated"}},
		CanWrite: admCanWrite(r),
	}
	if d.Query.Sort == "" {
		d.Query.Sort = "created"
	}
	if page.Next != "" {
		d.Next = admURL("/admin/partners", append(q.pairs(), "cursor", admEncodeCursor(page.Next))...)
	}
	if after != "" {
		d.First = admURL("/admin/partners", q.pairs()...)
	}
	s.render(w, r, http.StatusOK, "admin/partners", view{Title: "Partners", Data: d})
}
