package api

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/csvsafe"
)

// Bulk imports. The upload is the one request body the API does not read
// ahead: it is streamed into the application, which stores it in chunks
// (up to ally.MaxImportBytes) and queues the job that imports it.

// importFormats are the media types an upload may have.
var importFormats = map[string]ally.ImportFormat{
	"text/csv":             ally.ImportCSV,
	"application/x-ndjson": ally.ImportNDJSON,
	"application/ndjson":   ally.ImportNDJSON,
}

// uploadTimeout bounds reading an upload and answering it: the largest file
// at about 150 kB/s. The server's own deadlines are sized for JSON bodies.
const uploadTimeout = time.Hour

type uploadKey struct{}

// upload is the request body of an import, unread.
type upload struct {
	format ally.ImportFormat
	body   io.Reader
}

// streamBody stands where readBody stands on other POSTs: it refuses a
// media type other than CSV or NDJSON (415) and hands the body on unread,
// with deadlines long enough for the largest file. The idempotency layer
// after it then knows the request by its key alone.
func (s *server) streamBody(ctx huma.Context, next func(huma.Context)) {
	mt, _, _ := mime.ParseMediaType(ctx.Header("Content-Type"))
	format, ok := importFormats[mt]
	if !ok {
		writeError(ctx, &apiError{status: http.StatusUnsupportedMediaType, Err: errorBody{Code: codeUnsupportedMedia,
			Message: "send the file as text/csv or application/x-ndjson"}})
		return
	}
	_, w := humago.Unwrap(ctx)
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(uploadTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(uploadTimeout))
	next(huma.WithValue(ctx, uploadKey{}, upload{format: format, body: ctx.BodyReader()}))
}

// handleImport registers POST /api/v1/leads/import like handle registers a
// POST, but with streamBody for readBody, the file formats as its body and
// 202 as its answer.
func (s *server) handleImport(t table) {
	scope := ally.ScopeLeadsWrite
	op := huma.Operation{
		OperationID: "import-leads",
		Method:      http.MethodPost,
		Path:        "/api/v1/leads/import",
		Summary:     "Import leads",
		Description: "The body is the file itself, up to 512 MiB and a million rows: CSV (text/csv) with a header row naming " +
			"the lead fields (externalId, firstName, lastName, email, phone, title, company, companyDomain, country, region, " +
			"source, message, partnerId; other columns become custom fields), or NDJSON (application/x-ndjson), one lead " +
			"object per line. The answer comes once the file is stored; a background job then imports it: follow the " +
			"Location header for progress and counts, and /errors for the refused rows. A bad row never holds back the good ones. " +
			"An Idempotency-Key names the upload: a retry with it gets the first answer. Needs the " + string(scope) + " scope.",
		Tags:          []string{"leads"},
		Security:      []map[string][]string{{"apiKey": {string(scope)}}},
		DefaultStatus: http.StatusAccepted,
		Errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict,
			http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
		Middlewares: huma.Middlewares{s.streamBody, t.idempotent},
		Parameters: []*huma.Param{{Name: "Idempotency-Key", In: "header",
			Description: "Makes a retry safe: the first answer for this key is replayed (with Idempotent-Replayed: true). " +
				"The file is streamed, so the key alone names the upload.",
			Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(255)}}},
		RequestBody: &huma.RequestBody{Required: true, Description: "The file: CSV or NDJSON.", Content: map[string]*huma.MediaType{
			"text/csv":             {Schema: &huma.Schema{Type: huma.TypeString, Examples: []any{"email,firstName,company,country\nana@acme.example,Ana,Acme,BE\n"}}},
			"application/x-ndjson": {Schema: &huma.Schema{Type: huma.TypeString, Examples: []any{`{"email":"ana@acme.example","firstName":"Ana","company":"Acme","country":"BE"}` + "\n"}}},
		}},
	}
	huma.Register(t.api, op, s.importLeads)
}

type importAccepted struct {
	Location string `header:"Location" doc:"Where the import's progress can be read."`
	Body     single[importJSON]
}

func (s *server) importLeads(ctx context.Context, in *struct {
	Filename string `query:"filename" maxLength:"255" doc:"The file's name, shown with the import."`
}) (*importAccepted, error) {
	up, _ := ctx.Value(uploadKey{}).(upload)
	body := &countingReader{r: up.body}
	imp, err := s.app.StartImport(ctx, actorFrom(ctx), up.format, in.Filename, body)
	if err != nil {
		e := fail(ctx, err)
		if body.n > ally.MaxImportBytes { // the application refused the file for its size
			e.status, e.Err.Code, e.Err.Fields = http.StatusRequestEntityTooLarge, codeTooLarge, nil
		}
		return nil, e
	}
	return &importAccepted{Location: "/api/v1/imports/" + imp.ID, Body: single[importJSON]{Data: renderImport(imp)}}, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type importJSON struct {
	ID         string         `json:"id"`
	Format     string         `json:"format" enum:"csv,ndjson"`
	Filename   string         `json:"filename"`
	Status     string         `json:"status" enum:"uploading,queued,running,done,failed" doc:"failed: the file could not be read at all (rows already imported stay)."`
	Bytes      int64          `json:"bytes" doc:"Size of the upload."`
	BytesDone  int64          `json:"bytesDone" doc:"Bytes of the upload read so far: with bytes, the progress."`
	RowsDone   int64          `json:"rowsDone" doc:"Rows read so far, good or bad (a CSV header not counted)."`
	RowsOK     int64          `json:"rowsOk" doc:"Rows imported as leads."`
	RowsFailed int64          `json:"rowsFailed" doc:"Rows refused; each is listed, with its line and reason, at /errors."`
	Error      *string        `json:"error" doc:"Why the import failed as a whole."`
	CreatedBy  auditActorJSON `json:"createdBy"`
	CreatedAt  Time           `json:"createdAt"`
	StartedAt  *Time          `json:"startedAt" nullable:"true"`
	FinishedAt *Time          `json:"finishedAt" nullable:"true"`
	UpdatedAt  Time           `json:"updatedAt"`
}

func renderImport(i *ally.LeadImport) importJSON {
	return importJSON{ID: i.ID, Format: string(i.Format), Filename: i.Filename, Status: string(i.Status),
		Bytes: i.Bytes, BytesDone: i.BytesDone, RowsDone: i.RowsDone, RowsOK: i.RowsOK, RowsFailed: i.RowsFailed,
		Error:     strOrNil(i.Error),
		CreatedBy: auditActorJSON{Kind: string(i.ActorKind), ID: strOrNil(i.ActorID), Label: i.ActorLabel},
		CreatedAt: Time(i.CreatedAt), StartedAt: timeOrNil(i.StartedAt), FinishedAt: timeOrNil(i.FinishedAt),
		UpdatedAt: Time(i.UpdatedAt)}
}

func (s *server) listImports(ctx context.Context, in *struct {
	Limit int `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"How many, 1 to 200."`
}) (*many[importJSON], error) {
	is, err := s.app.Imports(ctx, actorFrom(ctx), in.Limit)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(is, renderImport), ""), nil
}

type importRef struct {
	ID string `path:"id" minLength:"1" maxLength:"100" doc:"The import's id (imp_…)."`
}

func (s *server) getImport(ctx context.Context, in *importRef) (*view[importJSON], error) {
	imp, err := s.app.Import(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return show(http.StatusOK, renderImport(imp)), nil
}

// importErrors streams the refused rows as CSV, so a million of them take
// no more memory than one. The import is looked up first, so that a wrong
// id is a 404 envelope and not an empty file.
func (s *server) importErrors(ctx context.Context, in *importRef) (*huma.StreamResponse, error) {
	actor := actorFrom(ctx)
	if _, err := s.app.Import(ctx, actor, in.ID); err != nil {
		return nil, fail(ctx, err)
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", "text/csv; charset=utf-8")
		hc.SetHeader("Content-Disposition", `attachment; filename="`+in.ID+`-errors.csv"`)
		hc.SetStatus(http.StatusOK)
		w := csvsafe.NewWriter(hc.BodyWriter())
		err := w.Write("line", "reason")
		if err == nil {
			err = s.app.ImportErrors(ctx, actor, in.ID, func(e *ally.ImportRowError) error {
				return w.Write(strconv.FormatInt(e.Line, 10), e.Reason)
			})
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil { // the status is sent: all that is left is to stop and log
			rq := requestFrom(ctx)
			rq.log.LogAttrs(ctx, slog.LevelError, "streaming import errors", slog.String("request_id", rq.id), slog.Any("err", err))
		}
	}}, nil
}

// respondsCSV documents a streamed CSV answer.
func respondsCSV(api huma.API, path, desc string) {
	r := operation(api.OpenAPI().Paths[path], http.MethodGet).Responses["200"]
	r.Description = desc
	r.Content = map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: huma.TypeString,
		Examples: []any{"line,reason\n7,email: must be a valid e-mail address\n"}}}}
}
