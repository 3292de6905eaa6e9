package web

import (
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// A partner's lead delivery settings: its webhook (URL, on/off, signing
// secret with a rotate button) and e-mail recipients (on/off), with the
// reason when Ally turned the webhook off, and its recent deliveries.

// partnerDeliveriesShown is how many recent deliveries the page lists.
const partnerDeliveriesShown = 20

// partnerDeliveryForm is the settings form as typed.
type partnerDeliveryForm struct {
	WebhookURL string
	WebhookOn  bool
	EmailTo    string // one address per line
	EmailOn    bool
}

type partnerDeliveryData struct {
	P          *ally.Partner
	S          *ally.DeliverySettings
	Form       partnerDeliveryForm
	Version    int64
	Errs       formErrs
	Deliveries []*ally.Delivery
	More       string // the partner's whole log, when there is more
	CanWrite   bool
}

func (s *server) adminPartnerDelivery(w http.ResponseWriter, r *http.Request) {
	s.partnerDeliveryPage(w, r, http.StatusOK, nil, nil, formErrs{})
}

// partnerDeliveryPage reads the partner, its settings and its recent
// deliveries; form and version are what was posted when a save was
// refused (nil: the stored settings), so a stale form stays stale.
func (s *server) partnerDeliveryPage(w http.ResponseWriter, r *http.Request, status int, form *partnerDeliveryForm, version *int64, e formErrs) {
	ctx, a := r.Context(), actor(r)
	p, err := s.app.Partner(ctx, a, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	st, err := s.app.DeliverySettings(ctx, a, p.ID)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	page, err := s.app.Deliveries(ctx, a, ally.DeliveryFilter{PartnerID: p.ID, Limit: partnerDeliveriesShown})
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := partnerDeliveryData{P: p, S: st, Version: st.Version, Errs: e, Deliveries: page.Items, CanWrite: aldCanWrite(r, ally.ScopeDeliveriesWrite)}
	if page.Next != "" {
		d.More = admURL("/admin/deliveries", "partner", p.ID)
	}
	if version != nil {
		d.Version = *version
	}
	if form != nil {
		d.Form = *form
	} else {
		d.Form = partnerDeliveryForm{WebhookURL: st.WebhookURL, WebhookOn: st.WebhookOn, EmailTo: strings.Join(st.EmailTo, "\n"), EmailOn: st.EmailOn}
	}
	s.render(w, r, status, "admin/partner_delivery", view{Title: "Lead delivery of " + p.Name, Data: d})
}

// adminPartnerDeliveryUpdate saves the settings.
func (s *server) adminPartnerDeliveryUpdate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	form := partnerDeliveryForm{WebhookURL: f.text("webhookUrl"), WebhookOn: f.text("webhookOn") != "",
		EmailTo: f.text("emailTo"), EmailOn: f.text("emailOn") != ""}
	to := strings.FieldsFunc(form.EmailTo, func(c rune) bool { return c == '\n' || c == '\r' || c == ',' || c == ';' })
	fields := ally.DeliverySettingsFields{WebhookURL: &form.WebhookURL, WebhookOn: &form.WebhookOn, EmailTo: &to, EmailOn: &form.EmailOn}
	s.savePartnerDelivery(w, r, f, fields, &form)
}

// adminPartnerDeliveryRotate makes a new signing secret; the old one stops
// signing at once, so the receiver must be given the new one.
func (s *server) adminPartnerDeliveryRotate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	s.savePartnerDelivery(w, r, f, ally.DeliverySettingsFields{RotateSecret: true}, nil)
}

func (s *server) savePartnerDelivery(w http.ResponseWriter, r *http.Request, f *formInput, fields ally.DeliverySettingsFields, form *partnerDeliveryForm) {
	id := r.PathValue("id")
	version := f.version()
	if _, err := s.app.UpdateDeliverySettings(r.Context(), actor(r), id, fields, version); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.partnerDeliveryPage(w, r, status, form, version, e) })
		return
	}
	flash := "saved"
	if fields.RotateSecret {
		flash = "rotated"
	}
	redirect(w, r, "/admin/partners/"+id+"/delivery", flash)
}
