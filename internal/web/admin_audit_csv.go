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

// auditCSVFlushEvery is how many rows go out between flushes: often enough
// that the browser sees the download progress and nothing piles up in
// buffers, rarely enough that flushing costs nothing noticeable.
const auditCSVFlushEvery = 200

// auditCSVDeadline is how long the client gets to take each batch. It is
// renewed at every flush, so a long export of a big log is not cut by the
// server's write timeout while a stalled client still is.
const auditCSVDeadline = 90 * time.Second

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
	cw := csvsafe.NewWriter(w)
	rc := http.NewResponseController(w)
	started, rows := false, 0
	// The response starts with the first event (or after the last, when
	// there is none): until then a refusal can still be an error page.
	start := func() error {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-%s.csv"`, time.Now().UTC().Format("20060102-150405")))
		w.WriteHeader(http.StatusOK)
		started = true
		return cw.Write(auditCSVHeader...)
	}
	flush := func() error {
		if err := cw.Flush(); err != nil {
			return err
		}
		_ = rc.SetWriteDeadline(time.Now().Add(auditCSVDeadline)) // not every writer has one
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}
	err := s.app.ExportAuditEvents(r.Context(), actor(r), f, func(e *ally.AuditEvent) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		if err := cw.Write(auditCSVRecord(e)...); err != nil {
			return err
		}
		if rows++; rows%auditCSVFlushEvery == 0 {
			return flush()
		}
		return nil
	})
	if err == nil && !started {
		err = start()
	}
	if err == nil {
		err = flush()
	}
	if err == nil {
		return
	}
	if !started {
		s.errorPage(w, r, "admin", err)
		return
	}
	// Too late for a status: cut the connection, so the browser reports a
	// failed download instead of saving a file that silently stops short.
	s.log.Error("audit export failed midway", "err", err, "rows", rows, "request_id", reqid.From(r.Context()))
	panic(http.ErrAbortHandler)
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
