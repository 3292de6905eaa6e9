package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/allyprm/ally/internal/ally"
)

// request is what the API keeps about the request in flight.
type request struct {
	id  string
	log *slog.Logger
}

type requestKey struct{}

// requestFrom returns the request info, or a stand-in outside a request.
func requestFrom(ctx context.Context) request {
	if rq, ok := ctx.Value(requestKey{}).(request); ok {
		return rq
	}
	return request{id: "-", log: slog.Default()}
}

// withRequest tags the request with an id (the one set upstream in the
// X-Request-Id response header, else a new one) so logged errors can be
// found from what the client saw.
func (s *server) withRequest(ctx huma.Context, next func(huma.Context)) {
	_, w := humago.Unwrap(ctx)
	id := w.Header().Get("X-Request-Id")
	if id == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
	}
	next(huma.WithValue(ctx, requestKey{}, request{id: id, log: s.log}))
}

// authenticate resolves the API key from x-api-key or Authorization: Bearer
// and puts the actor into the request context; without a valid key it
// answers 401.
func (s *server) authenticate(ctx huma.Context, next func(huma.Context)) {
	key := strings.TrimSpace(ctx.Header("X-Api-Key"))
	if key == "" {
		if scheme, token, ok := strings.Cut(ctx.Header("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			key = strings.TrimSpace(token)
		}
	}
	if key == "" {
		s.unauthorized(ctx, &apiError{status: http.StatusUnauthorized, Err: errorBody{
			Code: ally.ECodeUnauthorized, Message: "an API key is required: send it in the x-api-key header"}})
		return
	}
	actor, err := s.app.AuthenticateAPIKey(ctx.Context(), key)
	if err != nil {
		s.unauthorized(ctx, fail(ctx.Context(), err))
		return
	}
	actor.IP = remoteIP(ctx.RemoteAddr())
	actor.UserAgent = truncate(ctx.Header("User-Agent"), 500)
	next(huma.WithContext(ctx, ally.WithActor(ctx.Context(), actor)))
}

func (s *server) unauthorized(ctx huma.Context, e *apiError) {
	if e.status == http.StatusUnauthorized {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="ally"`)
	}
	writeError(ctx, e)
}

// actorFrom returns the authenticated actor; the middleware guarantees one.
func actorFrom(ctx context.Context) ally.Actor {
	a, _ := ally.ActorFrom(ctx)
	return a
}

// remoteIP is the peer's address. X-Forwarded-For is not trusted: anyone
// can send it, and the audit log must not record what the client claims.
func remoteIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// truncate cuts s to at most n bytes of valid UTF-8.
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
