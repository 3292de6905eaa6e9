package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/allyprm/ally/internal/ally"
)

// Text that reaches the application must be something both engines can
// store: PostgreSQL refuses invalid UTF-8 and NUL characters in text, which
// would otherwise surface as 500s. URLs are checked here for every request;
// body fields by the domain's validation (ally.PlainText).

// maxBodyBytes is the largest request body the API reads (huma's default).
const maxBodyBytes = 1 << 20

// checkURL refuses paths and query strings that are not valid UTF-8 or hold NUL.
func (s *server) checkURL(ctx huma.Context, next func(huma.Context)) {
	r, _ := humago.Unwrap(ctx)
	ok := ally.PlainText(r.URL.Path)
	for k, vs := range r.URL.Query() {
		ok = ok && ally.PlainText(k)
		for _, v := range vs {
			ok = ok && ally.PlainText(v)
		}
	}
	if !ok {
		writeError(ctx, &apiError{status: http.StatusBadRequest, Err: errorBody{Code: ally.ECodeBadRequest,
			Message: "the URL must be valid UTF-8 without NUL characters"}})
		return
	}
	next(ctx)
}

type bodyKey struct{}

// readBody reads the request body once, refusing one over 1 MiB (413), and
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
	next(&bodyContext{humaContext: huma.WithValue(ctx, bodyKey{}, body), body: bytes.NewReader(body)})
}

// bodyFrom returns the body read by readBody.
func bodyFrom(ctx context.Context) []byte {
	b, _ := ctx.Value(bodyKey{}).([]byte)
	return b
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
