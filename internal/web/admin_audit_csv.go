package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// auditCSVHeader names the columns of the export.
var auditCSVHeader = []string{"time", "actor kind", "actor id", "actor label", "action",
	"target type", "target id", "partner id", "ip", "user agent", "changes"}

// auditCSV streams the audit events matching the page's filters as CSV,
// newest first. Rows are written as the application hands them over, in
// batches it reads one at a time, so memory stays flat however long the
// log is. Every cell goes through csvsafe, so no value can run as a
// formula in a spreadsheet. The application records the export itself.
func (s *server) auditCSV(w http.ResponseWriter, r *http.Request) {
	_, f, errs := readAuditQuery(r)
	if errs != nil {
		s.errorPage(w, r, "admin", ally.Errorf(ally.ECodeBadRequest, "the filters are not valid; correct them on the audit log page"))
		return
	}
	d := newCSVDownload(w, fmt.Sprintf("audit-%s.csv", time.Now().UTC().Format("20060102-150405")), auditCSVHeader...)
	s.streamCSV(w, r, "admin", d, func() error {
		return s.app.ExportAuditEvents(r.Context(), actor(r), f, func(e *ally.AuditEvent) error { return d.row(auditCSVRecord(e)...) })
	})
}

// auditCSVRecord is one event as a CSV row; changes are JSON, as stored.
func auditCSVRecord(e *ally.AuditEvent) []string {
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		changes = []byte("null")
	}
	return []string{
		e.At.UTC().Format("2006-01-02T15:04:05.000Z"), string(e.ActorKind), e.ActorID, e.ActorLabel, e.Action,
		e.TargetType, e.TargetID, e.PartnerID, e.IP, e.UserAgent, string(changes),
	}
}
