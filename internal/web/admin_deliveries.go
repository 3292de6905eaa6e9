package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// The delivery log: every lead delivery and vendor event, newest first,
// with filters and cursor pages; a delivery's page with its attempts; and
// redelivering by hand.

// deliveriesQuery is the log's filter as the URL carries it.
type deliveriesQuery struct {
	Status, Partner, Limit string
}

func (q deliveriesQuery) pairs() []string {
	limit := q.Limit
	if admLimit(limit) == ally.DefaultLimit {
		limit = ""
	}
	return []string{"status", q.Status, "partner", q.Partner, "limit", limit}
}

type deliveriesData struct {
	Query       deliveriesQuery
	PartnerText string
	Errs        formErrs
	Rows        []*ally.Delivery
	First, Next string
	Statuses    []admOption
	Partners    aldPicker
}

var deliveryStatusOptions = []admOption{
	{string(ally.DeliveryPending), "Pending"}, {string(ally.DeliveryDelivered), "Delivered"}, {string(ally.DeliveryFailed), "Failed"},
}

func (s *server) adminDeliveries(w http.ResponseWriter, r *http.Request) {
	if err := admCheckQuery(r); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	qv := r.URL.Query()
	q := deliveriesQuery{Status: strings.TrimSpace(qv.Get("status")), Partner: strings.TrimSpace(qv.Get("partner")), Limit: qv.Get("limit")}
	picker, err := s.partnerPicker(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := deliveriesData{Query: q, PartnerText: picker.label(q.Partner), Statuses: deliveryStatusOptions, Partners: picker}
	f := ally.DeliveryFilter{Status: ally.DeliveryStatus(q.Status), After: qv.Get("after"), Limit: admLimit(q.Limit)}
	errs := map[string]string{}
	if q.Status != "" && q.Status != string(ally.DeliveryPending) && q.Status != string(ally.DeliveryDelivered) && q.Status != string(ally.DeliveryFailed) {
		errs["status"] = "must be pending, delivered or failed"
	}
	id, msg, err := s.resolvePartner(r, q.Partner)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	if msg != "" {
		errs["partner"] = msg
	}
	f.PartnerID = id
	if len(errs) > 0 {
		d.Errs = formErrs{Field: errs, Message: "Please correct the filters marked below."}
		s.render(w, r, http.StatusUnprocessableEntity, "admin/deliveries", view{Title: "Deliveries", Data: d})
		return
	}
	if f.After != "" && !ally.HasPrefix(f.After, ally.PrefixDelivery) {
		s.errorPage(w, r, "admin", admBadLink())
		return
	}
	page, err := s.app.Deliveries(r.Context(), actor(r), f)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Rows = page.Items
	if page.Next != "" {
		d.Next = admURL("/admin/deliveries", append(q.pairs(), "after", page.Next)...)
	}
	if f.After != "" {
		d.First = admURL("/admin/deliveries", q.pairs()...)
	}
	s.render(w, r, http.StatusOK, "admin/deliveries", view{Title: "Deliveries", Data: d})
}

type deliveryData struct {
	D            *ally.Delivery
	Attempts     []*ally.DeliveryAttempt
	Payload      string // the body, indented for reading
	PartnerName  string
	Here         string
	CanRedeliver bool
}

func (s *server) adminDelivery(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Delivery(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := deliveryData{D: v.Delivery, Attempts: v.Attempts, Payload: indentJSON(v.Delivery.Payload),
		Here: "/admin/deliveries/" + v.Delivery.ID, CanRedeliver: aldCanWrite(r, ally.ScopeDeliveriesWrite)}
	if v.Delivery.PartnerID != "" {
		p, err := s.app.Partner(r.Context(), actor(r), v.Delivery.PartnerID)
		if err != nil && !ally.IsNotFound(err) {
			s.errorPage(w, r, "admin", err)
			return
		}
		if p != nil {
			d.PartnerName = p.Name
		}
	}
	s.render(w, r, http.StatusOK, "admin/delivery", view{Title: "Delivery " + v.Delivery.ID, Data: d})
}

// indentJSON lays a JSON body out for reading, members in the order sent;
// anything else is shown as it is.
func indentJSON(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return string(b)
	}
	return out.String()
}

// adminRedeliver queues another attempt now, with the same webhook-id
// and body, and goes back to the page the button was on.
func (s *server) adminRedeliver(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	id := r.PathValue("id")
	if _, err := s.app.Redeliver(r.Context(), actor(r), id); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	back := "/admin/deliveries/" + id
	for _, prefix := range []string{"/admin/leads", "/admin/deliveries", "/admin/partners"} {
		if next := r.PostFormValue("next"); strings.HasPrefix(next, prefix+"/") {
			back = SafeNext(next, prefix, back)
		}
	}
	redirect(w, r, back, "redeliver")
}
