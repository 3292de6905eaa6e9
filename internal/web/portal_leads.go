package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

// The partner's leads: the list with search, filters, sort and cursor
// pages (this file), one lead with its status form and deliveries
// (portal_leads_page.go), and the list as CSV (portal_leads_csv.go). The
// partner is the session's; the application narrows every read to it.

// portalLeadsPage is how many leads one page lists. Pages are keyset
// pages and nothing is counted, so a deep page costs what the first does.
const portalLeadsPage = 50

// portalLeadSort is one sort choice of the list.
type portalLeadSort struct {
	Value ally.LeadSort
	Label string
}

// portalLeadSorts are the sort choices, in the order offered.
var portalLeadSorts = []portalLeadSort{
	{ally.LeadSortNewest, "Newest first"}, {ally.LeadSortOldest, "Oldest first"}, {ally.LeadSortCompany, "Company A–Z"},
}

// portalLeadsQuery is the filter form as typed; it travels in the URL, so a
// filtered list can be bookmarked and its CSV link carries the same filters.
type portalLeadsQuery struct {
	Q, Status, Source, From, To, Sort string
}

// values returns the query as URL parameters, empty ones left out.
func (q portalLeadsQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "status": q.Status, "source": q.Source, "from": q.From, "to": q.To, "sort": q.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// filtered reports whether anything narrows the list (the sort does not).
func (q portalLeadsQuery) filtered() bool {
	return q.Q != "" || q.Status != "" || q.Source != "" || q.From != "" || q.To != ""
}

// readPortalLeadsQuery reads the filters. Dates are whole UTC days: from is the
// start of its day, to includes its whole day. The partner is never read
// from the request: the application sets it from the session.
func readPortalLeadsQuery(r *http.Request) (portalLeadsQuery, ally.LeadFilter, map[string]string) {
	get := func(k string) string { return strings.TrimSpace(r.URL.Query().Get(k)) }
	q := portalLeadsQuery{Q: get("q"), Status: get("status"), Source: strings.ToLower(get("source")),
		From: get("from"), To: get("to"), Sort: get("sort")}
	errs := map[string]string{}
	for field, v := range map[string]string{"q": q.Q, "source": q.Source} {
		if utf8.RuneCountInString(v) > ally.MaxLeadText || !ally.PlainText(v) {
			errs[field] = "must be at most 200 characters of text"
		}
	}
	f := ally.LeadFilter{Query: q.Q, Source: q.Source, Status: ally.LeadStatus(q.Status), Sort: ally.LeadSort(q.Sort)}
	if q.Status != "" && !f.Status.Valid() {
		errs["status"] = "choose one of the listed statuses"
	}
	if !f.Sort.Valid() {
		errs["sort"] = "choose one of the listed orders"
	}
	if q.From != "" {
		d, err := time.Parse(time.DateOnly, q.From)
		if err != nil {
			errs["from"] = "must be a date like 2026-05-08"
		}
		f.From = d
	}
	if q.To != "" {
		d, err := time.Parse(time.DateOnly, q.To)
		if err != nil {
			errs["to"] = "must be a date like 2026-05-08"
		}
		f.To = d.AddDate(0, 0, 1)
	}
	if errs["from"] == "" && errs["to"] == "" && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		errs["to"] = "must not be before the from date"
	}
	if len(errs) > 0 {
		return q, ally.LeadFilter{}, errs
	}
	return q, f, nil
}

// portalLeadsCursor returns the page cursor of the request, or "" (the first
// page) when it is missing or mangled for the sort in use.
func portalLeadsCursor(r *http.Request, sort ally.LeadSort) string {
	after := r.URL.Query().Get("after")
	id := after
	if sort == ally.LeadSortCompany {
		_, id = ally.SplitLeadCursor(after)
	}
	if !ally.HasPrefix(id, ally.PrefixLead) {
		return ""
	}
	return after
}

// portalLeadsData fills the leads list.
type portalLeadsData struct {
	portalNav
	portalForm // refused filters
	Query      portalLeadsQuery
	Statuses   []ally.LeadStatus
	Sorts      []portalLeadSort
	Leads      []*ally.Lead
	Filtered   bool   // the empty state says "none match" rather than "none yet"
	Next       string // link to the next page, "" on the last
	First      string // link back to the first page, "" when on it
	CSV        string // link to the CSV of the same selection, "" when the template has no export
}

func (s *server) portalLeads(w http.ResponseWriter, r *http.Request) {
	q, f, errs := readPortalLeadsQuery(r)
	d := portalLeadsData{portalNav: s.portalNavOf(r), Query: q, Statuses: ally.LeadStatuses, Sorts: portalLeadSorts, Filtered: q.filtered()}
	if errs != nil {
		d.portalForm = portalForm{Error: "Please correct the filters marked below.", Errors: errs}
		s.render(w, r, http.StatusUnprocessableEntity, "portal/leads", view{Title: "Leads", Data: d})
		return
	}
	f.After, f.Limit = portalLeadsCursor(r, f.Sort), portalLeadsPage
	page, err := s.app.Leads(r.Context(), actor(r), f)
	if err != nil {
		s.errorPage(w, r, "portal", err)
		return
	}
	d.Leads = page.Items
	if f.After != "" {
		d.First = portalURL("/partner/leads", q.values())
	}
	if page.Next != "" {
		v := q.values()
		v.Set("after", page.Next)
		d.Next = portalURL("/partner/leads", v)
	}
	if d.Nav != nil && d.Nav.LeadExport {
		d.CSV = portalURL("/partner/leads/export.csv", q.values())
	}
	s.render(w, r, http.StatusOK, "portal/leads", view{Title: "Leads", Data: d})
}

// portalURL is path with v as its query, without a dangling "?" when v is empty.
func portalURL(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
