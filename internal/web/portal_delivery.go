package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// portalRecentDeliveries is how many of the latest deliveries the delivery
// settings page shows.
const portalRecentDeliveries = 10

// portalDeliveryData fills the delivery settings page: the settings, the
// form (its refusal and what was typed) and the latest deliveries.
type portalDeliveryData struct {
	portalNav
	portalForm
	Settings   *ally.DeliverySettings
	WebhookOn  bool
	EmailOn    bool
	Deliveries []portalDelivery
}

func (s *server) portalDeliveryPage(w http.ResponseWriter, r *http.Request) {
	s.renderPortalDelivery(w, r, http.StatusOK, portalForm{}, nil)
}

// portalDeliverySave changes the organization's delivery settings. Every
// field is on the form, so an unticked box turns its channel off.
func (s *server) portalDeliverySave(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	hook, recipients := r.PostFormValue("webhookUrl"), r.PostFormValue("emailRecipients")
	webhookOn, emailOn := r.PostFormValue("webhookEnabled") != "", r.PostFormValue("emailEnabled") != ""
	to := strings.FieldsFunc(recipients, func(c rune) bool { return c == '\n' || c == '\r' })
	f := ally.DeliverySettingsFields{WebhookURL: &hook, WebhookOn: &webhookOn, EmailTo: &to, EmailOn: &emailOn}
	typed := &portalDeliveryTyped{values: map[string]string{"webhookUrl": hook, "emailRecipients": recipients}, webhookOn: webhookOn, emailOn: emailOn}
	s.saveDeliverySettings(w, r, f, typed)
}

// portalDeliveryRotate replaces the signing secret; the old one stops
// verifying at once.
func (s *server) portalDeliveryRotate(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	s.saveDeliverySettings(w, r, ally.DeliverySettingsFields{RotateSecret: true}, nil)
}

// portalDeliveryTyped is what a refused settings form held, shown again.
type portalDeliveryTyped struct {
	values             map[string]string
	webhookOn, emailOn bool
}

// saveDeliverySettings applies f at the page's version and goes back to
// the page, or shows it again with the refusal: field errors beside what
// was typed, or, when someone saved in between, the current settings.
func (s *server) saveDeliverySettings(w http.ResponseWriter, r *http.Request, f ally.DeliverySettingsFields, typed *portalDeliveryTyped) {
	var ifVersion *int64
	if v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64); err == nil {
		ifVersion = &v
	}
	_, err := s.app.UpdateMyDeliverySettings(r.Context(), actor(r), f, ifVersion)
	if err == nil {
		redirect(w, r, "/partner/delivery", "saved")
		return
	}
	switch ally.ErrorCode(err) {
	case ally.ECodePrecondition:
		s.renderPortalDelivery(w, r, http.StatusPreconditionFailed, portalForm{
			Error: "Someone else changed these settings while you were editing. The current settings are shown below; please make your change again."}, nil)
	case ally.ECodeInvalid:
		form, _ := portalRefusal(err, nil)
		s.renderPortalDelivery(w, r, http.StatusUnprocessableEntity, form, typed)
	default:
		s.errorPage(w, r, "portal", err)
	}
}

// renderPortalDelivery shows the settings page: the stored settings, or
// what was typed into a refused form.
func (s *server) renderPortalDelivery(w http.ResponseWriter, r *http.Request, status int, f portalForm, typed *portalDeliveryTyped) {
	set, err := s.app.MyDeliverySettings(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "portal", err)
		return
	}
	ds, err := s.portalDeliveries(r, ally.DeliveryFilter{Limit: portalRecentDeliveries})
	if err != nil {
		s.errorPage(w, r, "portal", err)
		return
	}
	d := portalDeliveryData{portalNav: s.portalNavOf(r), portalForm: f, Settings: set,
		WebhookOn: set.WebhookOn, EmailOn: set.EmailOn, Deliveries: ds}
	d.Values = map[string]string{"webhookUrl": set.WebhookURL, "emailRecipients": strings.Join(set.EmailTo, "\n")}
	if typed != nil {
		d.Values, d.WebhookOn, d.EmailOn = typed.values, typed.webhookOn, typed.emailOn
	}
	s.render(w, r, status, "portal/delivery", view{Title: "Delivery settings", Data: d})
}
