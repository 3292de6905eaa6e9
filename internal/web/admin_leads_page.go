package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// A lead's page: its fields, its status with a form to move it on, its
// partner with a form to reassign it, how routing placed it, and its
// deliveries with every attempt.

// aldLeadDeliveries bounds the deliveries a lead's page lists (a lead has
// one per channel of its partner and one per vendor subscription).
const aldLeadDeliveries = 50

// aldQueuingFor is how long after its assignment a lead without
// deliveries says they are being queued rather than that there are none:
// a new lead's dispatch job writes them a moment after the lead.
const aldQueuingFor = time.Minute

// aldAttemptsShown bounds the attempts shown per delivery.
const aldAttemptsShown = 20

// leadPageData is what the lead's page shows.
type leadPageData struct {
	L          *ally.Lead // its Routing as the app redacted it for the reader
	Custom     []adminPropRow
	Deliveries []*app.DeliveryView
	// Queuing says the lead came to its partner so lately that its
	// deliveries may still be on their way from its dispatch job.
	Queuing  bool
	Partners aldPicker
	Statuses []admOption

	Status     leadStatusForm
	StatusErrs formErrs
	AssignErrs formErrs

	Here         string // this page, where redeliveries come back to
	CanWrite     bool   // status and assignment
	CanRedeliver bool
}

// leadStatusForm is the status form as typed.
type leadStatusForm struct {
	Status, Reason string
}

func (s *server) adminLead(w http.ResponseWriter, r *http.Request) {
	s.leadPage(w, r, http.StatusOK, &leadPageData{})
}

// leadPage reads the lead with its deliveries and renders the page with
// d's form state (a refused status change keeps what was typed).
func (s *server) leadPage(w http.ResponseWriter, r *http.Request, status int, d *leadPageData) {
	ctx, a := r.Context(), actor(r)
	l, err := s.app.Lead(ctx, a, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.L, d.Custom, d.Statuses = l, adminPropList(l.Custom), aldLeadStatusOptions()
	if d.Status.Status == "" {
		d.Status = leadStatusForm{Status: string(l.Status), Reason: l.StatusReason}
	}
	d.Here = "/admin/leads/" + l.ID
	d.CanWrite, d.CanRedeliver = aldCanWrite(r, ally.ScopeLeadsWrite), aldCanWrite(r, ally.ScopeDeliveriesWrite)
	if d.Deliveries, err = s.leadDeliveries(r, l.ID); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Queuing = len(d.Deliveries) == 0 && l.PartnerID != "" && time.Since(l.AssignedAt) < aldQueuingFor
	if d.CanWrite {
		if d.Partners, err = s.partnerPicker(r); err != nil {
			s.errorPage(w, r, "admin", err)
			return
		}
	}
	s.render(w, r, status, "admin/lead", view{Title: "Lead " + l.Name(), Data: d})
}

// leadDeliveries reads the lead's deliveries, each with its latest attempts.
func (s *server) leadDeliveries(r *http.Request, leadID string) ([]*app.DeliveryView, error) {
	return s.app.DeliveryViews(r.Context(), actor(r), ally.DeliveryFilter{LeadID: leadID, Limit: aldLeadDeliveries}, aldAttemptsShown)
}

// adminLeadStatus moves the lead to another status, with a reason.
func (s *server) adminLeadStatus(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	form := leadStatusForm{Status: f.text("status"), Reason: f.text("reason")}
	u := ally.LeadStatusUpdate{Status: ally.LeadStatus(form.Status), Reason: form.Reason}
	_, err := s.app.UpdateLeadStatus(r.Context(), actor(r), id, u, f.version())
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) {
			s.leadPage(w, r, status, &leadPageData{Status: form, StatusErrs: e})
		})
		return
	}
	redirect(w, r, "/admin/leads/"+id, "saved")
}

// adminLeadAssign gives the lead to a partner (from the queue or the
// lead's page), or sends it back to the queue. It returns to the page the
// form came from.
func (s *server) adminLeadAssign(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	back := "/admin/leads/" + id
	if next := f.text("next"); strings.HasPrefix(next, "/admin/leads/unassigned") {
		// Back to the queue page the form was on, or its first page when
		// the address is not one SafeNext lets through.
		back = SafeNext(next, "/admin/leads/unassigned", "/admin/leads/unassigned")
	}
	failed := func(status int, e formErrs) { s.leadPage(w, r, status, &leadPageData{AssignErrs: e}) }
	partnerID, msg, err := s.resolvePartner(r, f.text("partner"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	unassign := f.text("unassign") != ""
	if msg == "" && partnerID == "" && !unassign {
		msg = "choose the partner to give the lead to"
	}
	if msg != "" {
		failed(http.StatusUnprocessableEntity, formErrs{Field: map[string]string{"partnerId": msg}, Message: "The lead was not assigned."})
		return
	}
	if unassign {
		partnerID = ""
	}
	if _, err := s.app.AssignLead(r.Context(), actor(r), id, partnerID, f.version()); err != nil {
		s.formFailed(w, r, err, failed)
		return
	}
	flash := "assigned"
	if unassign {
		flash = "unassigned"
	}
	redirect(w, r, back, flash)
}
