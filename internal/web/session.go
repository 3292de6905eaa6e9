package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// Each surface has its own cookie, scoped to its path, so a staff session
// never authenticates a portal request or the other way round.
const (
	adminCookie  = "ally_admin"
	portalCookie = "ally_portal"
)

type sessionKey struct{}

// meta is what the application records about the browser: its address
// (the connection's, not a header a client can set) and user agent.
func meta(r *http.Request) app.ClientMeta {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return app.ClientMeta{IP: host, UserAgent: r.UserAgent()}
}

// setSession writes the session cookie after a sign-in: HttpOnly, SameSite
// Lax, Secure when Ally is served over https, scoped to the surface's path.
func (s *server) setSession(w http.ResponseWriter, cookie, path string, in app.SignIn) {
	c := &http.Cookie{Name: cookie, Value: in.Token, Path: path, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
	if in.Session != nil && !in.Session.ExpiresAt.IsZero() {
		c.Expires = in.Session.ExpiresAt
	}
	http.SetCookie(w, c)
}

func (s *server) clearSession(w http.ResponseWriter, cookie, path string) {
	http.SetCookie(w, &http.Cookie{Name: cookie, Value: "", Path: path, HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1, Expires: time.Unix(0, 0)})
}

// authenticated resolves the surface's session cookie to an actor and puts
// it in the request context; without a valid session it sends the browser
// to the sign-in page with the current path as next.
func (s *server) authenticated(cookie string, kind ally.ActorKind, loginPath string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookie)
		if err == nil {
			actor, sess, err := s.app.Authenticate(r.Context(), c.Value, meta(r))
			if err == nil && actor.Kind == kind {
				actor.IP, actor.UserAgent = meta(r).IP, meta(r).UserAgent
				ctx := ally.WithActor(r.Context(), actor)
				ctx = context.WithValue(ctx, sessionKey{}, sess)
				h(w, r.WithContext(ctx))
				return
			}
			if err != nil && ally.ErrorCode(err) != ally.ECodeUnauthorized {
				s.errorPage(w, r, surfaceOf(kind), err)
				return
			}
		}
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = r.URL.Path
		}
		http.Redirect(w, r, loginPath+"?next="+url.QueryEscape(next), http.StatusSeeOther)
	}
}

// staff wraps an admin handler: staff sessions only.
func (s *server) staff(h http.HandlerFunc) http.HandlerFunc {
	return s.authenticated(adminCookie, ally.ActorStaff, "/admin/login", h)
}

// partner wraps a portal handler: partner users only.
func (s *server) partner(h http.HandlerFunc) http.HandlerFunc {
	return s.authenticated(portalCookie, ally.ActorPartner, "/partner/login", h)
}

func surfaceOf(kind ally.ActorKind) string {
	if kind == ally.ActorPartner {
		return "portal"
	}
	return "admin"
}

// actor returns the signed-in actor of a request that went through staff or partner.
func actor(r *http.Request) ally.Actor {
	a, _ := ally.ActorFrom(r.Context())
	return a
}

// session returns the signed-in session of the request.
func session(r *http.Request) *ally.Session {
	s, _ := r.Context().Value(sessionKey{}).(*ally.Session)
	return s
}
