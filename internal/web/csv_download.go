package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/allyprm/ally/internal/csvsafe"
	"github.com/allyprm/ally/internal/server/reqid"
)

// A download goes out in batches: rows are encoded into a buffer and
// flushed to the client once csvFlushBytes are waiting, after the first
// row (so the browser starts the download at once), and when
// csvFlushAfter has passed since the last flush (so a slow filter still
// shows progress; the clock is read every 32 rows). Batches of tens of
// kilobytes keep what a flush costs (system calls, a chunk header, the
// deadline) out of sight beside encoding the rows; the buffer of
// csvBuffer bytes is all the download holds, whatever the row count.
const (
	csvFlushBytes = 32 << 10
	csvBuffer     = 64 << 10
	csvFlushAfter = time.Second
)

// csvDeadline is how long the client gets to take each batch. It is renewed
// before every flush, so a long export is not cut by the server's write
// timeout while a stalled client still is.
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
	flushed  time.Time
}

func newCSVDownload(w http.ResponseWriter, filename string, header ...string) *csvDownload {
	return &csvDownload{w: w, rc: http.NewResponseController(w), cw: csvsafe.NewWriterSize(w, csvBuffer), filename: filename, header: header}
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
	if d.rows++; d.rows == 1 || d.cw.Buffered() >= csvFlushBytes || d.rows%32 == 0 && time.Since(d.flushed) >= csvFlushAfter {
		return d.flush()
	}
	return nil
}

// flush renews the write deadline, then sends what is buffered.
func (d *csvDownload) flush() error {
	_ = d.rc.SetWriteDeadline(time.Now().Add(csvDeadline)) // not every writer has one
	if err := d.cw.Flush(); err != nil {
		return err
	}
	if err := d.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	d.flushed = time.Now()
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
