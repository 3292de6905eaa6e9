package web

import (
	"net/http"
	"net/url"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// adminSessionPath scopes the admin cookie: the portal and the API never
// receive it.
const adminSessionPath = "/admin"

// adminLoginData is what the sign-in page shows.
type adminLoginData struct {
	Email string
	Next  string // already checked by SafeNext; "" when there was none or it was unsafe
	Error string // the application's answer, the same for an unknown e-mail and a wrong password
}

// adminNext returns the request's next parameter if it is a safe place in
// the admin UI, else "". It is checked again where it is applied.
func adminNext(r *http.Request) string {
	return SafeNext(r.FormValue("next"), "/admin/", "")
}

// adminAfterLogin is where a completed sign-in goes.
func adminAfterLogin(next string) string { return SafeNext(next, "/admin/", "/admin/") }

// adminSignedIn reports whether the request already carries a full staff session.
func (s *server) adminSignedIn(r *http.Request) bool {
	c, err := r.Cookie(adminCookie)
	if err != nil || c.Value == "" {
		return false
	}
	a, _, err := s.app.Authenticate(r.Context(), c.Value, meta(r))
	return err == nil && a.Kind == ally.ActorStaff
}

// adminLoginPage shows the sign-in form, or sends a signed-in user on.
func (s *server) adminLoginPage(w http.ResponseWriter, r *http.Request) {
	if s.adminSignedIn(r) {
		http.Redirect(w, r, adminAfterLogin(adminNext(r)), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "admin/login", view{Title: "Sign in", Data: adminLoginData{Next: adminNext(r)}})
}

// adminLogin checks e-mail and password. A right password starts a new
// session (a new cookie value, so a cookie planted earlier is worthless),
// or a pending one when the user has two-step sign-in.
func (s *server) adminLogin(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	email, next := r.PostFormValue("email"), adminNext(r)
	in, err := s.app.SignInStaff(r.Context(), email, r.PostFormValue("password"), meta(r))
	if err != nil {
		if !adminAuthAnswer(err) {
			s.errorPage(w, r, "admin", err)
			return
		}
		_, msg := fieldErrors(err)
		s.render(w, r, statusOf(err), "admin/login", view{Title: "Sign in",
			Data: adminLoginData{Email: email, Next: next, Error: admSentence(msg)}})
		return
	}
	s.adminStartSession(w, r, in)
	if in.NeedTOTP {
		to := "/admin/login/totp"
		if next != "" {
			to += "?next=" + url.QueryEscape(next)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, adminAfterLogin(next), http.StatusSeeOther)
}

// adminAuthAnswer reports whether err is an answer the sign-in pages show
// in place (wrong credentials or code, lock-out, a rejected field) rather
// than an error page.
func adminAuthAnswer(err error) bool {
	switch ally.ErrorCode(err) {
	case ally.ECodeUnauthorized, ally.ECodeRateLimited, ally.ECodeInvalid:
		return true
	}
	return false
}

// adminStartSession ends the session the browser held before, if any, and
// sets the new cookie. Ending the old one keeps a stale or pending session
// from outliving the sign-in that replaced it.
func (s *server) adminStartSession(w http.ResponseWriter, r *http.Request, in app.SignIn) {
	if c, err := r.Cookie(adminCookie); err == nil && c.Value != "" && c.Value != in.Token {
		if err := s.app.SignOut(r.Context(), c.Value, ally.ActorStaff); err != nil {
			s.log.Warn("ending the previous admin session", "err", err)
		}
	}
	s.setSession(w, adminCookie, adminSessionPath, in)
}

// adminLogout ends the session and clears the cookie. It needs no valid
// session: signing out is always allowed, and the cross-origin check stops
// other sites from doing it for the user.
func (s *server) adminLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(adminCookie); err == nil && c.Value != "" {
		if err := s.app.SignOut(r.Context(), c.Value, ally.ActorStaff); err != nil {
			s.errorPage(w, r, "admin", err)
			return
		}
	}
	s.clearSession(w, adminCookie, adminSessionPath)
	redirect(w, r, "/admin/login", "signedout")
}

// adminMaxForm caps a form body: the largest admin form (a partner with its
// property maps) is well under it.
const adminMaxForm = 1 << 20

// adminForm parses a POSTed form, answering 400 itself when it cannot.
func (s *server) adminForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, adminMaxForm)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, "admin", ally.Errorf(ally.ECodeBadRequest, "the form could not be read"))
		return false
	}
	return true
}
