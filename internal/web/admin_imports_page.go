package web

import (
	"net/http"
	"strconv"

	"github.com/allyprm/ally/internal/ally"
)

// An import's page (status, counts, progress bar, error report), the
// small JSON import.js polls for the progress bar, and the error report
// as CSV.

// importRefreshSeconds is how often the page of a running import reloads
// itself for browsers without JavaScript.
const importRefreshSeconds = 2

type importData struct {
	Im       *ally.LeadImport
	Running  bool
	Percent  int64
	Progress importProgressJSON
}

// importRunning reports whether an import may still change.
func importRunning(im *ally.LeadImport) bool {
	return im.Status != ally.ImportDone && im.Status != ally.ImportFailed
}

func (s *server) adminImport(w http.ResponseWriter, r *http.Request) {
	im, err := s.app.Import(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	// An upload still arriving, or one cut off (which stays "uploading" for
	// good), is not refreshed: only a stored import moves on by itself.
	d := importData{Im: im, Running: im.Status == ally.ImportQueued || im.Status == ally.ImportRunning, Progress: importProgress(im)}
	d.Percent = d.Progress.Percent
	if d.Running {
		// Refresh (the header form of a meta refresh) reloads the page
		// until the import ends, with or without JavaScript.
		w.Header().Set("Refresh", strconv.Itoa(importRefreshSeconds))
	}
	s.render(w, r, http.StatusOK, "admin/import", view{Title: "Import " + im.Filename, Data: d})
}

// importProgressJSON is what import.js reads to draw the progress bar.
type importProgressJSON struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Filename   string `json:"filename"`
	Bytes      int64  `json:"bytes"`
	BytesDone  int64  `json:"bytesDone"`
	RowsDone   int64  `json:"rowsDone"`
	RowsOK     int64  `json:"rowsOk"`
	RowsFailed int64  `json:"rowsFailed"`
	Percent    int64  `json:"percent"`
	Done       bool   `json:"done"`
	Error      string `json:"error,omitempty"`
	URL        string `json:"url"`
}

func importProgress(im *ally.LeadImport) importProgressJSON {
	p := importProgressJSON{ID: im.ID, Status: string(im.Status), Filename: im.Filename, Bytes: im.Bytes, BytesDone: im.BytesDone,
		RowsDone: im.RowsDone, RowsOK: im.RowsOK, RowsFailed: im.RowsFailed, Done: !importRunning(im), Error: im.Error,
		URL: "/admin/imports/" + im.ID}
	switch {
	case im.Status == ally.ImportDone:
		p.Percent = 100
	case im.Bytes > 0:
		p.Percent = min(100, im.BytesDone*100/im.Bytes)
	}
	return p
}

// adminImportProgress answers import.js's poll with the import's progress.
func (s *server) adminImportProgress(w http.ResponseWriter, r *http.Request) {
	im, err := s.app.Import(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.importJSONError(w, r, err)
		return
	}
	importJSON(w, http.StatusOK, importProgress(im))
}

// adminImportErrors streams the import's refused rows as CSV, line number
// and reason. Like the audit export, the answer starts with the first row,
// so a refusal is still an error page.
func (s *server) adminImportErrors(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	d := newCSVDownload(w, id+"-errors.csv", "line", "reason")
	// Reading the import first makes an unknown id a 404 page even when it
	// would have no rows to report.
	s.streamCSV(w, r, "admin", d, func() error {
		if _, err := s.app.Import(r.Context(), actor(r), id); err != nil {
			return err
		}
		return s.app.ImportErrors(r.Context(), actor(r), id, func(e *ally.ImportRowError) error {
			return d.row(strconv.FormatInt(e.Line, 10), e.Reason)
		})
	})
}
