package web

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// portalFormLimit caps the body of the portal's plain forms; none comes
// near it, and ParseForm would otherwise read 10 MB.
const portalFormLimit = 64 << 10

// portalForm is what the portal's small forms carry back to their page
// after a refusal: the message, the per-field messages and what was typed
// (never a password).
type portalForm struct {
	Error  string
	Errors map[string]string
	Values map[string]string
}

// parsePortalForm reads a urlencoded form of bounded size. A false return
// means the error page was written.
func (s *server) parsePortalForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, portalFormLimit)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, "portal", ally.Errorf(ally.ECodeBadRequest, "the form could not be read"))
		return false
	}
	return true
}

// portalRefusal turns an application error the person can act on (a bad field, a
// wrong password, a lock-out, a stale link) into form data; ok is false for
// internal errors, which go to the error page instead.
func portalRefusal(err error, values map[string]string) (portalForm, bool) {
	if statusOf(err) == http.StatusInternalServerError {
		return portalForm{}, false
	}
	fields, msg := fieldErrors(err)
	if msg == "" {
		return portalForm{}, false
	}
	if len(fields) > 0 {
		msg = "Please correct the marked fields."
	}
	return portalForm{Error: portalSentence(msg), Errors: fields, Values: values}, true
}

// portalSentence makes an application message ("wrong e-mail or
// password") read as a sentence on its own line of the page.
func portalSentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// renderPortalRefusal shows page again with the refusal, or the error page for an
// internal error.
func (s *server) renderPortalRefusal(w http.ResponseWriter, r *http.Request, page, title string, err error, values map[string]string, data func(portalForm) any) {
	f, ok := portalRefusal(err, values)
	if !ok {
		s.errorPage(w, r, "portal", err)
		return
	}
	s.render(w, r, statusOf(err), page, view{Title: title, Data: data(f)})
}

// portalMismatch is the refusal of a form whose two password fields differ.
func portalMismatch(field string) error {
	var v ally.Validator
	v.Add(field, "does not match the password above")
	return v.Err()
}

type portalLoginData struct {
	portalForm
	Next string
}

// portalNext is where a sign-in goes on to: a portal path from the form or
// query, or the dashboard.
func portalNext(r *http.Request) string {
	return SafeNext(r.FormValue("next"), "/partner/", "/partner/")
}

func (s *server) portalLoginPage(w http.ResponseWriter, r *http.Request) {
	next := portalNext(r)
	// Someone already signed in goes straight on instead of signing in twice.
	if c, err := r.Cookie(portalCookie); err == nil {
		if a, _, err := s.app.Authenticate(r.Context(), c.Value, meta(r)); err == nil && a.Kind == ally.ActorPartner {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	s.render(w, r, http.StatusOK, "portal/login", view{Title: "Sign in", Data: portalLoginData{Next: next}})
}

func (s *server) portalLogin(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	email, next := r.PostFormValue("email"), portalNext(r)
	in, err := s.app.SignInPartner(r.Context(), email, r.PostFormValue("password"), meta(r))
	if err != nil {
		s.renderPortalRefusal(w, r, "portal/login", "Sign in", err, map[string]string{"email": email},
			func(f portalForm) any { return portalLoginData{portalForm: f, Next: next} })
		return
	}
	s.setSession(w, portalCookie, "/partner", in)
	if in.MustChangePassword {
		redirect(w, r, portalPasswordPath, "mustchange")
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// portalLogout ends the session on the server, not just the cookie, so a
// copied cookie stops working too. It needs no valid session: an expired
// one is cleared all the same.
func (s *server) portalLogout(w http.ResponseWriter, r *http.Request) {
	// The cookie goes first, so the browser is signed out even if the
	// database cannot be reached to end the session.
	s.clearSession(w, portalCookie, "/partner")
	if c, err := r.Cookie(portalCookie); err == nil && c.Value != "" {
		if err := s.app.SignOut(r.Context(), c.Value, ally.ActorPartner); err != nil {
			s.errorPage(w, r, "portal", err)
			return
		}
	}
	redirect(w, r, "/partner/login", "signedout")
}

func (s *server) portalForgotPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "portal/forgot", view{Title: "Forgot your password", Data: portalForm{}})
}

// portalForgot answers the same whether or not the address has an account;
// only a lock-out of the client's address differs.
func (s *server) portalForgot(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	email := r.PostFormValue("email")
	if err := s.app.RequestPasswordReset(r.Context(), ally.ActorPartner, email, meta(r)); err != nil {
		s.renderPortalRefusal(w, r, "portal/forgot", "Forgot your password", err, map[string]string{"email": email},
			func(f portalForm) any { return f })
		return
	}
	redirect(w, r, "/partner/login", "reset")
}

func (s *server) portalResetPage(w http.ResponseWriter, r *http.Request) {
	if err := s.app.CheckLink(r.Context(), ally.TokenReset, ally.ActorPartner, r.PathValue("token")); err != nil {
		s.portalDeadLink(w, r, "reset", err)
		return
	}
	s.render(w, r, http.StatusOK, "portal/reset", view{Title: "Choose a new password", Data: portalForm{}})
}

func (s *server) portalReset(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	password := r.PostFormValue("password")
	err := portalMismatch("confirm")
	if password == r.PostFormValue("confirm") {
		err = s.app.ResetPassword(r.Context(), ally.ActorPartner, r.PathValue("token"), password, meta(r))
	}
	switch {
	case err == nil:
		redirect(w, r, "/partner/login", "resetdone")
	case ally.IsNotFound(err):
		s.portalDeadLink(w, r, "reset", err)
	default:
		s.renderPortalRefusal(w, r, "portal/reset", "Choose a new password", err, nil, func(f portalForm) any { return f })
	}
}

// portalDeadLinkData explains an e-mailed link that no longer works and what
// to do instead; Kind picks the advice (invite, reset, signup, email).
type portalDeadLinkData struct {
	Kind    string
	Message string
}

func (s *server) portalDeadLink(w http.ResponseWriter, r *http.Request, kind string, err error) {
	if statusOf(err) != http.StatusNotFound {
		s.errorPage(w, r, "portal", err)
		return
	}
	_, msg := fieldErrors(err)
	s.render(w, r, http.StatusNotFound, "portal/deadlink", view{Title: "This link does not work any more",
		Data: portalDeadLinkData{Kind: kind, Message: portalSentence(msg)}})
}

// startPortalSession signs the browser in after an invite or sign-up and
// opens the dashboard.
func (s *server) startPortalSession(w http.ResponseWriter, r *http.Request, in app.SignIn) {
	s.setSession(w, portalCookie, "/partner", in)
	http.Redirect(w, r, "/partner/", http.StatusSeeOther)
}
