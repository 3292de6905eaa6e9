package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allyprm/ally/internal/ally"
)

// idempotent (after readBody) makes a POST with an Idempotency-Key safe to
// retry: the first response is stored and replayed verbatim for the same
// key and request; the same key with another request is 422, and while the
// first is still running, 409. Without the header the request runs as usual.
func (s *server) idempotent(ctx huma.Context, next func(huma.Context)) {
	key := ctx.Header("Idempotency-Key")
	if key == "" {
		next(ctx)
		return
	}
	if len(key) > 255 || !ally.PlainText(key) {
		writeError(ctx, &apiError{status: http.StatusBadRequest, Err: errorBody{Code: ally.ECodeBadRequest,
			Message: "Idempotency-Key must be at most 255 characters of UTF-8 text",
			Fields:  []ally.FieldError{{Field: "Idempotency-Key", Message: "is too long or not text"}}}})
		return
	}
	u := ctx.URL()
	sum := sha256.Sum256([]byte(ctx.Method() + " " + u.Path + "\n" + string(bodyFrom(ctx.Context()))))

	actor := actorFrom(ctx.Context())
	rec, err := s.app.BeginIdempotent(ctx.Context(), actor, key, hex.EncodeToString(sum[:]))
	if err != nil {
		writeError(ctx, fail(ctx.Context(), err))
		return
	}
	if rec != nil {
		replay(ctx, rec)
		return
	}

	rc := &recorder{humaContext: ctx}
	// Store the outcome even if the client has gone; a panic releases the key.
	finish := context.WithoutCancel(ctx.Context())
	defer func() {
		if p := recover(); p != nil {
			_ = s.app.FinishIdempotent(finish, actor, key, http.StatusInternalServerError, nil)
			panic(p)
		}
	}()
	next(rc)
	if rc.status == 0 { // nothing written: let a retry run again
		rc.status = http.StatusInternalServerError
	}
	if err := s.app.FinishIdempotent(finish, actor, key, rc.status, rc.out.Bytes()); err != nil {
		requestFrom(finish).log.Error("storing idempotent response", "request_id", requestFrom(finish).id, "err", err)
	}
}

// replay writes a stored response again, with its ETag when it holds one object.
func replay(ctx huma.Context, rec *ally.IdempotencyRecord) {
	var v struct {
		Data struct {
			Version *int64 `json:"version"`
		} `json:"data"`
	}
	if json.Unmarshal(rec.Body, &v) == nil && v.Data.Version != nil {
		ctx.SetHeader("ETag", etag(*v.Data.Version))
	}
	ctx.SetHeader("Content-Type", "application/json")
	ctx.SetHeader("Idempotent-Replayed", "true")
	ctx.SetStatus(rec.Status)
	_, _ = ctx.BodyWriter().Write(rec.Body)
}

// recorder keeps a copy of the response.
type recorder struct {
	humaContext
	status int
	out    bytes.Buffer
}

func (r *recorder) SetStatus(code int) {
	r.status = code
	r.humaContext.SetStatus(code)
}

func (r *recorder) Status() int { return r.status }

func (r *recorder) BodyWriter() io.Writer { return io.MultiWriter(&r.out, r.humaContext.BodyWriter()) }

// Unwrap lets humago.Unwrap reach the request beneath.
func (r *recorder) Unwrap() huma.Context { return r.humaContext }
