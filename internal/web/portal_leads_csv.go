package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/csvsafe"
	"github.com/allyprm/ally/internal/server/reqid"
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
	out := newPortalCSV(w, fmt.Sprintf("leads-%s.csv", time.Now().UTC().Format("20060102-150405")), portalLeadCSVHeader)
	err := s.app.ExportLeads(r.Context(), actor(r), f, func(l *ally.Lead) error { return out.row(portalLeadCSVRecord(l)...) })
	if err == nil {
		err = out.finish()
	}
	if err == nil {
		return
	}
	if !out.started {
		s.errorPage(w, r, "portal", err)
		return
	}
	// Too late for a status: cut the connection, so the browser reports a
	// failed download instead of saving a file that silently stops short.
	s.log.Error("lead export failed midway", "err", err, "rows", out.rows, "request_id", reqid.From(r.Context()))
	panic(http.ErrAbortHandler)
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

// portalCSVFlushEvery is how many rows go out between flushes: often enough that
// the browser sees the download progress and nothing piles up in buffers,
// rarely enough that flushing costs nothing noticeable.
const portalCSVFlushEvery = 200

// portalCSVDeadline is how long the client gets to take each batch. It is
// renewed at every flush, so a long export is not cut by the server's
// write timeout while a stalled client still is.
const portalCSVDeadline = 90 * time.Second

// portalCSV is a CSV attachment written as its rows come. The response
// starts with the first row (or at finish, when there is none): until then
// a refusal can still be an error page.
type portalCSV struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	cw       *csvsafe.Writer
	filename string
	header   []string
	started  bool
	rows     int
}

func newPortalCSV(w http.ResponseWriter, filename string, header []string) *portalCSV {
	return &portalCSV{w: w, rc: http.NewResponseController(w), cw: csvsafe.NewWriter(w), filename: filename, header: header}
}

func (d *portalCSV) start() error {
	h := d.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, d.filename))
	d.w.WriteHeader(http.StatusOK)
	d.started = true
	return d.cw.Write(d.header...)
}

// row writes one record, starting the response first if need be.
func (d *portalCSV) row(cells ...string) error {
	if !d.started {
		if err := d.start(); err != nil {
			return err
		}
	}
	if err := d.cw.Write(cells...); err != nil {
		return err
	}
	if d.rows++; d.rows%portalCSVFlushEvery == 0 {
		return d.flush()
	}
	return nil
}

// finish sends what is left (the header alone for an empty export).
func (d *portalCSV) finish() error {
	if !d.started {
		if err := d.start(); err != nil {
			return err
		}
	}
	return d.flush()
}

func (d *portalCSV) flush() error {
	if err := d.cw.Flush(); err != nil {
		return err
	}
	_ = d.rc.SetWriteDeadline(time.Now().Add(portalCSVDeadline)) // not every writer has one
	if err := d.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}
