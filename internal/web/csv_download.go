package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/allyprm/ally/internal/csvsafe"
	"github.com/allyprm/ally/internal/server/reqid"
)

// csvFlushEvery is how many rows go out between flushes: often enough that
// the browser sees the download progress and nothing piles up in buffers,
// rarely enough that flushing costs nothing noticeable.
const csvFlushEvery = 200

// csvDeadline is how long the client gets to take each batch. It is renewed
// at every flush, so a long export is not cut by the server's write timeout
// while a stalled client still is.
const csvDeadline = 90 * time.Second

// csvDownload is a CSV attachment written as its rows come, every cell
// through csvsafe so none runs as a formula in a spreadsheet. The response
// starts with the first row (or at the end, when there is none): until
// then a refusal can still be an error page.
type csvDownload struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	cw       *csvsafe.Writer
	filename string
	header   []string
	started  bool
	rows     int
}

func newCSVDownload(w http.ResponseWriter, filename string, header ...string) *csvDownload {
	return &csvDownload{w: w, rc: http.NewResponseController(w), cw: csvsafe.NewWriter(w), filename: filename, header: header}
}

func (d *csvDownload) start() error {
	h := d.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, d.filename))
	d.w.WriteHeader(http.StatusOK)
	d.started = true
	return d.cw.Write(d.header...)
}

// row writes one record, starting the response first if need be.
func (d *csvDownload) row(cells ...string) error {
	if !d.started {
		if err := d.start(); err != nil {
			return err
		}
	}
	if err := d.cw.Write(cells...); err != nil {
		return err
	}
	if d.rows++; d.rows%csvFlushEvery == 0 {
		return d.flush()
	}
	return nil
}

func (d *csvDownload) flush() error {
	if err := d.cw.Flush(); err != nil {
		return err
	}
	_ = d.rc.SetWriteDeadline(time.Now().Add(csvDeadline)) // not every writer has one
	if err := d.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// streamCSV runs produce, which writes the rows with d.row as the
// application hands them over, and ends the download. A failure before the
// first row is an error page on surface ("admin" or "portal"); after it,
// too late for a status, the connection is cut, so the browser reports a
// failed download instead of saving a file that silently stops short.
func (s *server) streamCSV(w http.ResponseWriter, r *http.Request, surface string, d *csvDownload, produce func() error) {
	err := produce()
	if err == nil && !d.started {
		err = d.start()
	}
	if err == nil {
		err = d.flush()
	}
	if err == nil {
		return
	}
	if !d.started {
		s.errorPage(w, r, surface, err)
		return
	}
	s.log.Error("CSV download failed midway", "file", d.filename, "err", err, "rows", d.rows, "request_id", reqid.From(r.Context()))
	panic(http.ErrAbortHandler)
}
