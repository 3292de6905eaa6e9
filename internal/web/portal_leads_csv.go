package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// portalLeadCSVHeader names the columns of the leads export.
var portalLeadCSVHeader = []string{"id", "received at", "status", "status reason", "first name", "last name", "email",
	"phone", "title", "company", "company domain", "country", "region", "source", "message", "external id", "custom fields"}

// portalLeadsCSV streams the partner's leads matching the list's filters
// as CSV, in the list's order: every row, not a page. Rows go out as the
// application reads them, so memory stays flat however many leads there
// are, and every cell goes through csvsafe, so none runs as a formula in
// a spreadsheet. The application refuses when the template has no lead
// export, and records the export.
func (s *server) portalLeadsCSV(w http.ResponseWriter, r *http.Request) {
	_, f, errs := readPortalLeadsQuery(r)
	if errs != nil {
		s.errorPage(w, r, "portal", ally.Errorf(ally.ECodeBadRequest, "the filters are not valid; correct them on the leads page"))
		return
	}
	d := newCSVDownload(w, fmt.Sprintf("leads-%s.csv", time.Now().UTC().Format("20060102-150405")), portalLeadCSVHeader...)
	s.streamCSV(w, r, "portal", d, func() error {
		return s.app.ExportLeads(r.Context(), actor(r), f, func(l *ally.Lead) error { return d.row(portalLeadCSVRecord(l)...) })
	})
}

// portalLeadCSVRecord is one lead as a CSV row; custom fields are JSON, as stored.
func portalLeadCSVRecord(l *ally.Lead) []string {
	custom := ""
	if len(l.Custom) > 0 {
		if b, err := json.Marshal(l.Custom); err == nil {
			custom = string(b)
		}
	}
	return []string{
		l.ID, l.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000Z"), string(l.Status), l.StatusReason, l.FirstName, l.LastName,
		l.Email, l.Phone, l.Title, l.Company, l.CompanyDomain, l.Country, l.Region, l.Source, l.Message, l.ExternalID, custom,
	}
}
