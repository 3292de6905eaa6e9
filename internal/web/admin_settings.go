package web

import (
	"net/http"
	"strconv"
)

// settingsSection is one link on the settings index.
type settingsSection struct {
	Href, Title, Text string
}

// settingsSections lists the settings pages, in the order the index shows them.
var settingsSections = []settingsSection{
	{"/admin/settings/tiers", "Tiers", "Partner levels and the price per delivered lead."},
	{"/admin/settings/phases", "Phases", "The lifecycle phases a partner moves through, in order."},
	{"/admin/settings/properties", "Properties", "CRM and custom properties partners can see in their profile."},
	{"/admin/settings/templates", "Experience templates", "Which portal sections a partner sees, and which profile properties they may edit."},
	{"/admin/settings/users", "Staff users", "Who from the team signs in, their role and the partners granted to them."},
	{"/admin/settings/api-keys", "API keys", "Keys for integrations with the API, with their permissions."},
	{"/admin/settings/webhooks", "Webhooks", "Send your own systems signed events when partners and leads change."},
	{"/admin/settings/branding", "Branding and general", "Your name, logo and colour in the portal and e-mails; the going-quiet threshold."},
	{"/admin/settings/email", "E-mail", "The SMTP server Ally sends e-mail through, and a test e-mail."},
}

// settingsIndex shows the settings sections.
func (s *server) settingsIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin/settings", view{Title: "Settings", Data: settingsSections})
}

// itoa writes a number into a form field.
func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// formatCents writes an amount in cents as 12.50, as the forms take it.
func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	frac := strconv.FormatInt(c%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.FormatInt(c/100, 10) + "." + frac
}
