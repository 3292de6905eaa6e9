package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/allyprm/ally/internal/ally"
)

// portalLeadStatuses are the statuses a partner moves a lead to: every one
// but new, which only intake sets.
var portalLeadStatuses = slices.DeleteFunc(slices.Clone(ally.LeadStatuses), func(s ally.LeadStatus) bool { return s == ally.LeadNew })

// portalLeadDeliveries is how many of a lead's deliveries its page shows.
const portalLeadDeliveries = 20

// portalLeadData fills a lead's page. It holds the lead's own fields only:
// the routing explanation names other partners and never reaches a page.
type portalLeadData struct {
	portalNav
	portalForm // the status form: its refusal and what was typed
	Lead       *ally.Lead
	Custom     []portalCustomField
	Statuses   []ally.LeadStatus
	Deliveries []portalDelivery
}

// portalCustomField is one custom field of a lead, written out for people.
type portalCustomField struct {
	Key, Value string
}

func (s *server) portalLeadPage(w http.ResponseWriter, r *http.Request) {
	s.renderPortalLead(w, r, http.StatusOK, portalForm{})
}

// portalLeadStatus moves the lead on. The version from the page makes the
// change conditional: if someone changed the lead since the page was
// opened, the current state is shown instead of overwriting theirs.
func (s *server) portalLeadStatus(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	id := r.PathValue("id")
	u := ally.LeadStatusUpdate{Status: ally.LeadStatus(r.PostFormValue("status")), Reason: r.PostFormValue("reason")}
	var ifVersion *int64
	if v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64); err == nil {
		ifVersion = &v
	}
	_, err := s.app.UpdateLeadStatus(r.Context(), actor(r), id, u, ifVersion)
	if err == nil {
		redirect(w, r, "/partner/leads/"+id, "saved")
		return
	}
	switch ally.ErrorCode(err) {
	case ally.ECodePrecondition:
		// What was typed is dropped on purpose: the person decides again
		// with the current state in front of them.
		s.renderPortalLead(w, r, http.StatusPreconditionFailed, portalForm{
			Error: "Someone changed this lead while you were looking at it. Here is its current state; please choose again."})
	case ally.ECodeInvalid:
		f, _ := portalRefusal(err, map[string]string{"status": string(u.Status), "reason": u.Reason})
		s.renderPortalLead(w, r, http.StatusUnprocessableEntity, f)
	default:
		s.errorPage(w, r, "portal", err)
	}
}

// renderPortalLead shows the lead as it is now, with the status form
// carrying f, and its deliveries to this partner with their attempts.
func (s *server) renderPortalLead(w http.ResponseWriter, r *http.Request, status int, f portalForm) {
	ctx, a := r.Context(), actor(r)
	l, err := s.app.Lead(ctx, a, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "portal", err)
		return
	}
	ds, err := s.portalDeliveries(r, ally.DeliveryFilter{LeadID: l.ID, Limit: portalLeadDeliveries})
	if err != nil {
		s.errorPage(w, r, "portal", err)
		return
	}
	if f.Values == nil {
		f.Values = map[string]string{"status": string(l.Status), "reason": l.StatusReason}
	}
	d := portalLeadData{portalNav: s.portalNavOf(r), portalForm: f, Lead: l, Statuses: portalLeadStatuses, Deliveries: ds}
	for _, k := range slices.Sorted(maps.Keys(l.Custom)) {
		d.Custom = append(d.Custom, portalCustomField{Key: k, Value: shortValue(l.Custom[k], ally.MaxLeadMessage)})
	}
	s.render(w, r, status, "portal/lead", view{Title: l.Name(), Data: d})
}
