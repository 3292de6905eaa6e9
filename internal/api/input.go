package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/allyprm/ally/internal/ally"
)

// Text that reaches the application must be something both engines can
// store: PostgreSQL refuses invalid UTF-8 and NUL characters in text, which
// would otherwise surface as 500s. URLs are checked for every request,
// bodies for every request that has one.

// maxBodyBytes is the largest request body the API reads (huma's default).
const maxBodyBytes = 1 << 20

// checkURL refuses paths and query strings that are not valid UTF-8 or hold NUL.
func (s *server) checkURL(ctx huma.Context, next func(huma.Context)) {
	r, _ := humago.Unwrap(ctx)
	ok := cleanText(r.URL.Path)
	for k, vs := range r.URL.Query() {
		ok = ok && cleanText(k)
		for _, v := range vs {
			ok = ok && cleanText(v)
		}
	}
	if !ok {
		writeError(ctx, &apiError{status: http.StatusBadRequest, Err: errorBody{Code: ally.ECodeBadRequest,
			Message: "the URL must be valid UTF-8 without NUL characters"}})
		return
	}
	next(ctx)
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

type bodyKey struct{}

// readBody reads the request body once, refusing one over 1 MiB (413) or
// one whose JSON text holds NUL characters (422, naming the field), and
// hands it on for huma to parse and the idempotency layer to hash.
func (s *server) readBody(ctx huma.Context, next func(huma.Context)) {
	_ = ctx.SetReadDeadline(time.Now().Add(5 * time.Second)) // huma's own body read timeout
	body, err := io.ReadAll(io.LimitReader(ctx.BodyReader(), maxBodyBytes))
	if err != nil {
		writeError(ctx, &apiError{status: http.StatusBadRequest, Err: errorBody{Code: ally.ECodeBadRequest, Message: "could not read the request body"}})
		return
	}
	if len(body) >= maxBodyBytes {
		writeError(ctx, fromHuma(http.StatusRequestEntityTooLarge, "", nil))
		return
	}
	var v any
	if bytes.Contains(body, []byte(`\u0000`)) && json.Unmarshal(body, &v) == nil {
		if field := nulField(v, ""); field != "" {
			writeError(ctx, &apiError{status: http.StatusUnprocessableEntity, Err: errorBody{Code: ally.ECodeInvalid,
				Message: "some fields are not valid", Fields: []ally.FieldError{{Field: field, Message: "must not contain NUL characters"}}}})
			return
		}
	}
	next(&bodyContext{humaContext: huma.WithValue(ctx, bodyKey{}, body), body: bytes.NewReader(body)})
}

// bodyFrom returns the body read by readBody.
func bodyFrom(ctx context.Context) []byte {
	b, _ := ctx.Value(bodyKey{}).([]byte)
	return b
}

// nulField names the first member of v whose name or text holds a NUL.
func nulField(v any, path string) string {
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, 0) {
			return path
		}
	case []any:
		for i, e := range x {
			if f := nulField(e, path+"["+strconv.Itoa(i)+"]"); f != "" {
				return f
			}
		}
	case map[string]any:
		for k, e := range x {
			p := joinField(path, k)
			if strings.ContainsRune(k, 0) {
				return p
			}
			if f := nulField(e, p); f != "" {
				return f
			}
		}
	}
	return ""
}

// bodyContext serves the body that readBody already read.
type bodyContext struct {
	humaContext
	body io.Reader
}

func (c *bodyContext) BodyReader() io.Reader { return c.body }

// Unwrap lets humago.Unwrap reach the request beneath.
func (c *bodyContext) Unwrap() huma.Context { return c.humaContext }

// humaContext lets wrappers embed huma.Context, whose Context method would
// clash with a field of that name.
type humaContext = huma.Context
