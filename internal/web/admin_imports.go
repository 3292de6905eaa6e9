package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/server/reqid"
)

// Bulk imports of leads from the admin UI. The page's upload form works
// two ways: import.js sends the file itself as the body of POST
// /admin/imports and shows the upload's progress, then the import's; a
// browser without JavaScript posts the form (multipart) to
// /admin/imports/upload and is sent to the import's page. Either way the
// body streams into the application as it arrives, never whole in memory.

// importBodyLimit caps an upload: the largest import plus room for the
// multipart framing. Only these two routes allow a body this big.
const importBodyLimit = ally.MaxImportBytes + 64<<10

// importIdle is how long an upload may stall before the connection is
// dropped. The deadline is renewed as data arrives, so a big file on a
// slow line is not cut by the server's whole-request read timeout.
const importIdle = 60 * time.Second

// importsShown is how many recent imports the page lists.
const importsShown = 20

type importsData struct {
	Imports  []*ally.LeadImport
	Error    string // why the last upload was refused
	CanWrite bool
	Columns  string
	MaxRows  int
}

func (s *server) adminImports(w http.ResponseWriter, r *http.Request) {
	s.renderImports(w, r, http.StatusOK, "")
}

func (s *server) renderImports(w http.ResponseWriter, r *http.Request, status int, msg string) {
	ims, err := s.app.Imports(r.Context(), actor(r), importsShown)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := importsData{Imports: ims, Error: msg, CanWrite: aldCanWrite(r, ally.ScopeLeadsWrite),
		Columns: strings.Join(ally.LeadColumns, ", "), MaxRows: ally.MaxImportRows}
	s.render(w, r, status, "admin/imports", view{Title: "Import leads", Data: d})
}

// importFormat tells the format from the file's name, else from the
// request's content type.
func importFormat(filename, contentType string) (ally.ImportFormat, bool) {
	switch strings.ToLower(path.Ext(filename)) {
	case ".csv":
		return ally.ImportCSV, true
	case ".ndjson", ".jsonl":
		return ally.ImportNDJSON, true
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "text/csv":
		return ally.ImportCSV, true
	case "application/x-ndjson", "application/jsonl", "application/jsonlines":
		return ally.ImportNDJSON, true
	}
	return "", false
}

const importFormatHelp = "the file must be CSV (.csv) or NDJSON (.ndjson or .jsonl)"

// adminImportRaw takes the file as the request body (from import.js) and
// answers with the queued import as JSON, for the progress bar to follow.
func (s *server) adminImportRaw(w http.ResponseWriter, r *http.Request) {
	name := path.Base(strings.TrimSpace(r.URL.Query().Get("filename")))
	if name == "." || name == "/" {
		name = ""
	}
	format, ok := importFormat(name, r.Header.Get("Content-Type"))
	if !ok {
		s.importJSONError(w, r, ally.Errorf(ally.ECodeInvalid, "%s", importFormatHelp))
		return
	}
	im, err := s.app.StartImport(r.Context(), actor(r), format, name, s.importBody(w, r))
	if err != nil {
		s.importJSONError(w, r, err)
		return
	}
	s.renewWrite(w)
	importJSON(w, http.StatusAccepted, importProgress(im))
}

// adminImportUpload takes the upload form posted without JavaScript
// (multipart), streams the file part in and shows the import's page.
func (s *server) adminImportUpload(w http.ResponseWriter, r *http.Request) {
	mr, err := multipartOf(r, s.importBody(w, r))
	if err != nil {
		s.renderImports(w, r, http.StatusBadRequest, "The upload could not be read; choose the file and try again.")
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			s.renderImports(w, r, http.StatusUnprocessableEntity, "Choose a file to import.")
			return
		}
		if err != nil {
			s.renderImports(w, r, http.StatusBadRequest, "The upload could not be read; choose the file and try again.")
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			continue
		}
		format, ok := importFormat(part.FileName(), part.Header.Get("Content-Type"))
		if !ok {
			s.renderImports(w, r, http.StatusUnprocessableEntity, admSentence(importFormatHelp))
			return
		}
		im, err := s.app.StartImport(r.Context(), actor(r), format, path.Base(part.FileName()), part)
		if err != nil {
			s.importFailed(w, r, err)
			return
		}
		s.renewWrite(w)
		redirect(w, r, "/admin/imports/"+im.ID, "")
		return
	}
}

// importFailed shows a refused upload on the imports page; a refusal that
// is not about the file (403, 404, 500) is the error page.
func (s *server) importFailed(w http.ResponseWriter, r *http.Request, err error) {
	if status, msg, ok := importRefusal(err); ok {
		s.renderImports(w, r, status, msg)
		return
	}
	s.errorPage(w, r, "admin", err)
}

// importRefusal says whether err is about the upload itself, with the
// status and message to show.
func importRefusal(err error) (int, string, bool) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, "The file is too big: an import takes at most 512 MB.", true
	}
	switch ally.ErrorCode(err) {
	case ally.ECodeInvalid, ally.ECodeBadRequest, ally.ECodeConflict:
		var e *ally.Error
		errors.As(err, &e)
		msg := admSentence(e.Message)
		if fields, _ := fieldErrors(err); len(fields) > 0 {
			for _, m := range fields {
				msg = admSentence(m)
				break
			}
		}
		return statusOf(err), msg, true
	}
	return 0, "", false
}

// importBody limits the request body to the largest import and renews
// the read deadline as the body arrives.
func (s *server) importBody(w http.ResponseWriter, r *http.Request) io.Reader {
	return &renewingReader{r: http.MaxBytesReader(w, r.Body, importBodyLimit), rc: http.NewResponseController(w)}
}

// renewWrite gives the answer to a long upload time to be written: the
// server's write timeout counts from the request's start.
func (s *server) renewWrite(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(importIdle)) // not every writer has one
}

// renewingReader pushes the connection's read deadline on while data
// keeps arriving, checking the clock at most once a second.
type renewingReader struct {
	r       io.Reader
	rc      *http.ResponseController
	renewed time.Time
}

func (rr *renewingReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(rr.renewed) > time.Second {
		_ = rr.rc.SetReadDeadline(now.Add(importIdle))
		rr.renewed = now
	}
	return rr.r.Read(p)
}

// importJSONError answers import.js with the refusal's message as JSON.
func (s *server) importJSONError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, ok := importRefusal(err)
	if !ok {
		status, msg = statusOf(err), "The upload failed."
		var e *ally.Error
		if status != http.StatusInternalServerError && errors.As(err, &e) {
			msg = admSentence(e.Message)
		} else {
			status = http.StatusInternalServerError
			s.log.Error("import upload failed", "err", err, "request_id", reqid.From(r.Context()))
			msg += " Reference: " + reqid.From(r.Context())
		}
	}
	importJSON(w, status, map[string]any{"error": map[string]string{"message": msg}})
}

func importJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// multipartOf reads body as the multipart form the request says it is.
func multipartOf(r *http.Request, body io.Reader) (*multipart.Reader, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, ally.Errorf(ally.ECodeBadRequest, "the upload is not a form with a file")
	}
	return multipart.NewReader(body, params["boundary"]), nil
}
