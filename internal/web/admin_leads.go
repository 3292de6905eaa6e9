package web

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// The lead list (every lead the staff user may see) and the unassigned
// queue (leads no rule could place, each with a form to assign it), with
// search, filters, sort and cursor pages that keep the filters.

// leadsQuery is the list's filter as the URL carries it.
type leadsQuery struct {
	Q, Status, Partner, Source, From, To, Sort, Limit string
}

// pairs returns the query as name, value pairs for admURL.
func (q leadsQuery) pairs() []string {
	limit := q.Limit
	if admLimit(limit) == ally.DefaultLimit {
		limit = ""
	}
	return []string{"q", q.Q, "status", q.Status, "partner", q.Partner, "source", q.Source,
		"from", q.From, "to", q.To, "sort", q.Sort, "limit", limit}
}

// leadsPage is what the list and the queue show.
type leadsPage struct {
	Queue    bool // the unassigned queue, not the whole list
	Query    leadsQuery
	Errs     formErrs
	Rows     []*ally.Lead
	First    string
	Next     string
	Here     string // this page's address, where an assignment returns to
	Statuses []admOption
	Sorts    []admOption
	Partners aldPicker
	// PartnerText is the partner filter as its box shows it (a name when
	// the partner is picked by typing).
	PartnerText string
	CanWrite    bool
	ShowQueue   bool // the queue is for those who see every partner
}

// adminLeads is the list of all leads the staff user may see.
func (s *server) adminLeads(w http.ResponseWriter, r *http.Request) { s.leadsList(w, r, false) }

// adminLeadsQueue is the unassigned queue.
func (s *server) adminLeadsQueue(w http.ResponseWriter, r *http.Request) { s.leadsList(w, r, true) }

func (s *server) leadsList(w http.ResponseWriter, r *http.Request, queue bool) {
	if err := admCheckQuery(r); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	self := "/admin/leads"
	if queue {
		self = "/admin/leads/unassigned"
	}
	picker, err := s.partnerPicker(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := leadsPage{Queue: queue, Statuses: aldLeadStatusOptions(), Partners: picker, CanWrite: aldCanWrite(r, ally.ScopeLeadsWrite),
		ShowQueue: actor(r).SeesAllPartners(),
		Sorts:     []admOption{{"", "Newest first"}, {string(ally.LeadSortOldest), "Oldest first"}, {string(ally.LeadSortCompany), "Company"}}}
	f, errs, err := s.readLeadsQuery(r, &d.Query, queue)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.PartnerText = picker.label(d.Query.Partner)
	if len(errs) > 0 {
		d.Errs = formErrs{Field: errs, Message: "Please correct the filters marked below."}
		s.render(w, r, http.StatusUnprocessableEntity, "admin/leads", view{Title: leadsTitle(queue), Data: d})
		return
	}
	after, err := aldDecodeLeadCursor(r.URL.Query().Get("cursor"), f.Sort)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	f.After = after
	page, err := s.app.Leads(r.Context(), actor(r), f)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Rows, d.Here = page.Items, r.URL.RequestURI()
	if page.Next != "" {
		d.Next = admURL(self, append(d.Query.pairs(), "cursor", admEncodeCursor(page.Next))...)
	}
	if after != "" {
		d.First = admURL(self, d.Query.pairs()...)
	}
	s.render(w, r, http.StatusOK, "admin/leads", view{Title: leadsTitle(queue), Data: d})
}

func leadsTitle(queue bool) string {
	if queue {
		return "Unassigned leads"
	}
	return "Leads"
}

// readLeadsQuery reads the filters into q and the lead filter, with a
// message for each filter that cannot be used.
func (s *server) readLeadsQuery(r *http.Request, q *leadsQuery, queue bool) (ally.LeadFilter, map[string]string, error) {
	get := func(k string) string { return strings.TrimSpace(r.URL.Query().Get(k)) }
	*q = leadsQuery{Q: get("q"), Status: get("status"), Partner: get("partner"), Source: get("source"),
		From: get("from"), To: get("to"), Sort: get("sort"), Limit: get("limit")}
	f := ally.LeadFilter{Unassigned: queue, Query: q.Q, Source: strings.ToLower(q.Source), Limit: admLimit(q.Limit)}
	errs := map[string]string{}
	if q.Status != "" {
		if f.Status = ally.LeadStatus(q.Status); !f.Status.Valid() {
			errs["status"] = "must be one of the statuses listed"
		}
	}
	if f.Sort = ally.LeadSort(q.Sort); !f.Sort.Valid() {
		q.Sort, f.Sort = "", ally.LeadSortNewest
	}
	if !queue && q.Partner != "" {
		id, msg, err := s.resolvePartner(r, q.Partner)
		if err != nil {
			return f, nil, err
		}
		if msg != "" {
			errs["partner"] = msg
		}
		f.PartnerID = id
	}
	var ok bool
	if f.From, ok = aldDay(q.From, false); !ok {
		errs["from"] = "must be a date like 2026-05-08"
	}
	if f.To, ok = aldDay(q.To, true); !ok {
		errs["to"] = "must be a date like 2026-05-08"
	}
	if errs["from"] == "" && errs["to"] == "" && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		errs["to"] = "must not be before the from date"
	}
	return f, errs, nil
}

// aldDecodeLeadCursor reads a cursor made by admEncodeCursor from a lead
// page of the given sort, refusing anything the list did not hand out.
func aldDecodeLeadCursor(c string, sort ally.LeadSort) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", admBadLink()
	}
	raw := string(b)
	company, id := ally.SplitLeadCursor(raw)
	ok := ally.HasPrefix(id, ally.PrefixLead) && ally.PlainText(company)
	if sort == ally.LeadSortCompany {
		ok = ok && raw != id
	} else {
		ok = ok && raw == id
	}
	if !ok {
		return "", admBadLink()
	}
	return raw, nil
}
