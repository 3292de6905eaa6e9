package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// portalHomeActivity is how many timeline entries the dashboard shows.
const portalHomeActivity = 10

// portalHomeData fills the dashboard.
type portalHomeData struct {
	portalNav
	Home     *app.PortalHome
	Activity []*ally.Activity
	// Leads holds the lead numbers when the template shows the Leads section.
	Leads *ally.LeadStats
	// Soon lists the sections the template turns on that this release does
	// not serve yet, shown as cards so partners know what is coming.
	Soon []string
}

// portalHome is the dashboard: who the organization is to the vendor, the
// sections its experience template opens, its lead numbers, and recent
// shared activity (lead status changes among it). It takes nothing from
// the URL: the partner is the session's.
func (s *server) portalHome(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actor(r)
	home, err := s.app.MyHome(ctx, a)
	if err != nil {
		s.errorPage(w, r, "portal", err)
		return
	}
	d := portalHomeData{portalNav: portalNav{Nav: &home.Sections}, Home: home}
	if home.Sections.Dashboard {
		page, err := s.app.Timeline(ctx, a, a.PartnerID, "", portalHomeActivity)
		if err != nil {
			s.errorPage(w, r, "portal", err)
			return
		}
		d.Activity = page.Items
		if home.Sections.Leads {
			stats, err := s.app.MyLeadStats(ctx, a)
			if err != nil {
				s.errorPage(w, r, "portal", err)
				return
			}
			d.Leads = &stats
		}
	}
	for _, sec := range []struct {
		on   bool
		name string
	}{{home.Sections.Deals, "Deals"}, {home.Sections.Invoices, "Invoices"}} {
		if sec.on {
			d.Soon = append(d.Soon, sec.name)
		}
	}
	s.render(w, r, http.StatusOK, "portal/home", view{Title: home.PartnerName, Data: d})
}
