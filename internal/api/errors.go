package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/httperr"
)

// Error codes the API adds to ally's for failures that happen before the
// application is reached.
const (
	codeTooLarge         = "request_too_large"
	codeUnsupportedMedia = "unsupported_media_type"
)

// apiError is the one error body of the API:
// {"error":{"code":"...","message":"...","fields":[{"field":"...","message":"..."}]}}.
// It is huma's error type too (see installErrorModel), so huma's own
// failures render the same way.
type apiError struct {
	status int
	Err    errorBody `json:"error"`
}

type errorBody struct {
	Code    string            `json:"code" doc:"Stable machine-readable code: bad_request, unauthorized, forbidden, not_found, conflict, precondition_failed, request_too_large, unsupported_media_type, validation_failed, rate_limited, internal."`
	Message string            `json:"message" doc:"What went wrong, for people."`
	Fields  []ally.FieldError `json:"fields,omitempty" nullable:"false" doc:"The fields at fault, when the error is about the input."`
}

func (e *apiError) Error() string  { return e.Err.Code + ": " + e.Err.Message }
func (e *apiError) GetStatus() int { return e.status }

// statusOf maps an error code to its HTTP status: the API's own codes
// here, ally's in httperr.
func statusOf(code string) int {
	switch code {
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case codeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	}
	return httperr.StatusOf(code)
}

// codeOf is the reverse, for errors huma raises with only a status.
func codeOf(status int) string {
	switch status {
	case http.StatusBadRequest:
		return ally.ECodeBadRequest
	case http.StatusUnauthorized:
		return ally.ECodeUnauthorized
	case http.StatusForbidden:
		return ally.ECodeForbidden
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return ally.ECodeNotFound
	case http.StatusConflict:
		return ally.ECodeConflict
	case http.StatusPreconditionFailed:
		return ally.ECodePrecondition
	case http.StatusRequestEntityTooLarge:
		return codeTooLarge
	case http.StatusUnsupportedMediaType:
		return codeUnsupportedMedia
	case http.StatusUnprocessableEntity:
		return ally.ECodeInvalid
	case http.StatusTooManyRequests:
		return ally.ECodeRateLimited
	}
	if status >= 400 && status < 500 {
		return ally.ECodeBadRequest
	}
	return ally.ECodeInternal
}

// fail turns an application error into the API error. Internal errors are
// logged with the request id and never shown.
func fail(ctx context.Context, err error) *apiError {
	var e *ally.Error
	if errors.As(err, &e) && statusOf(e.Code) < 500 {
		return &apiError{status: statusOf(e.Code), Err: errorBody{Code: e.Code, Message: e.Message, Fields: e.Fields}}
	}
	return internalError(ctx, err)
}

func internalError(ctx context.Context, err error) *apiError {
	rq := requestFrom(ctx)
	rq.log.LogAttrs(ctx, slog.LevelError, "api request failed", slog.String("request_id", rq.id), slog.Any("err", err))
	return &apiError{status: http.StatusInternalServerError, Err: errorBody{
		Code:    ally.ECodeInternal,
		Message: "something went wrong on our side; it was logged with request id " + rq.id,
	}}
}

// writeError renders e outside huma's handler path (middlewares).
func writeError(ctx huma.Context, e *apiError) {
	ctx.SetHeader("Content-Type", "application/json")
	ctx.SetStatus(e.status)
	_ = json.NewEncoder(ctx.BodyWriter()).Encode(e)
}

var errorModelOnce sync.Once

// installErrorModel makes huma build our apiError for its own failures
// (bad JSON, schema validation, body too large). NewError is a package
// variable in huma, so it is set once per process.
func installErrorModel() {
	errorModelOnce.Do(func() {
		huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
			return fromHuma(status, msg, errs)
		}
		huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
			if status >= 500 && ctx != nil {
				return internalError(ctx.Context(), fmt.Errorf("%s: %w", msg, errors.Join(errs...)))
			}
			return fromHuma(status, msg, errs)
		}
	})
}

// fromHuma maps huma's errors to ours. Schema violations are 422 with each
// field named; an unknown (or read-only) member is 400, as is broken JSON.
func fromHuma(status int, msg string, errs []error) *apiError {
	if status == 0 { // huma asks for an example to document the error schema
		return &apiError{}
	}
	if status >= 500 {
		return &apiError{status: status, Err: errorBody{Code: ally.ECodeInternal, Message: "something went wrong on our side"}}
	}
	if status == http.StatusUnsupportedMediaType {
		return &apiError{status: status, Err: errorBody{Code: codeUnsupportedMedia, Message: "send the body as JSON, with Content-Type: application/json"}}
	}
	var unknown, invalid []ally.FieldError
	syntax := ""
	for _, err := range errs {
		var d *huma.ErrorDetail
		if !errors.As(err, &d) {
			continue
		}
		field := fieldName(d.Location)
		switch {
		case d.Message == validation.MsgUnexpectedProperty:
			unknown = append(unknown, ally.FieldError{Field: field, Message: "is unknown or read-only"})
		case strings.HasPrefix(d.Message, "expected required property "):
			name := strings.TrimSuffix(strings.TrimPrefix(d.Message, "expected required property "), " to be present")
			invalid = append(invalid, ally.FieldError{Field: joinField(field, name), Message: "is required"})
		case field == "" && d.Location == "body":
			// The body as a whole: not JSON, or JSON but not an object.
			syntax = d.Message
		default:
			invalid = append(invalid, ally.FieldError{Field: field, Message: d.Message})
		}
	}
	switch {
	case len(unknown) > 0:
		names := make([]string, len(unknown))
		for i, f := range unknown {
			names[i] = f.Field
		}
		return &apiError{status: http.StatusBadRequest, Err: errorBody{Code: ally.ECodeBadRequest,
			Message: "unknown or read-only field(s): " + strings.Join(names, ", "), Fields: unknown}}
	case syntax != "" || status == http.StatusBadRequest:
		m := msg
		if syntax != "" {
			m = "the body is not a valid JSON object: " + syntax
		}
		return &apiError{status: http.StatusBadRequest, Err: errorBody{Code: ally.ECodeBadRequest, Message: m, Fields: invalid}}
	case len(invalid) > 0:
		return &apiError{status: http.StatusUnprocessableEntity, Err: errorBody{Code: ally.ECodeInvalid,
			Message: "some fields are not valid", Fields: invalid}}
	}
	if status == http.StatusRequestEntityTooLarge {
		msg = "the request body is too large (at most 1 MiB)"
	}
	return &apiError{status: status, Err: errorBody{Code: codeOf(status), Message: msg}}
}

// fieldName turns huma's location ("body.name", "query.limit",
// "header.If-Match") into the field name the client sent.
func fieldName(loc string) string {
	for _, p := range []string{"body", "query", "path", "header", "cookie"} {
		if loc == p {
			return ""
		}
		if rest, ok := strings.CutPrefix(loc, p+"."); ok {
			return rest
		}
	}
	return loc
}

func joinField(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}
