package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// adminForgotData is what the forgotten-password page shows.
type adminForgotData struct {
	Email string
	Error string
}

// adminForgotPage asks for the e-mail address to send a reset link to.
func (s *server) adminForgotPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin/forgot", view{Title: "Forgot your password", Data: adminForgotData{}})
}

// adminForgot asks the application to mail a reset link. The answer is the
// same whether or not the address has an account; only too many requests
// from one address are told so.
func (s *server) adminForgot(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	email := r.PostFormValue("email")
	err := s.app.RequestPasswordReset(r.Context(), ally.ActorStaff, email, meta(r))
	if ally.ErrorCode(err) == ally.ECodeRateLimited {
		_, msg := fieldErrors(err)
		s.render(w, r, statusOf(err), "admin/forgot", view{Title: "Forgot your password", Data: adminForgotData{Email: email, Error: admSentence(msg)}})
		return
	}
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/login", "reset")
}

// adminResetData is what the page behind a reset link shows.
type adminResetData struct {
	Action string // the page's own path, token included
	Errors map[string]string
	Error  string
	Dead   bool // the link is unknown, used or expired: no form, a way to ask again
}

// adminResetPage shows the new-password form. The token is checked when the
// form is sent (the application has no way to peek at a reset token without
// using it, and a form costs nothing).
func (s *server) adminResetPage(w http.ResponseWriter, r *http.Request) {
	if err := s.app.CheckLink(r.Context(), ally.TokenReset, ally.ActorStaff, r.PathValue("token")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/reset", view{Title: "Choose a new password", Data: adminResetData{Action: r.URL.EscapedPath()}})
}

// adminReset sets the new password through the link. The two fields must
// agree (a typo here locks the user out); the password rule and the link's
// validity are the application's.
func (s *server) adminReset(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	d := adminResetData{Action: r.URL.EscapedPath()}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password2") {
		d.Errors = map[string]string{"password2": "does not match the new password"}
		d.Error = "The two passwords differ."
		s.render(w, r, http.StatusUnprocessableEntity, "admin/reset", view{Title: "Choose a new password", Data: d})
		return
	}
	err := s.app.ResetPassword(r.Context(), ally.ActorStaff, r.PathValue("token"), password, meta(r))
	switch {
	case err == nil:
	case ally.ErrorCode(err) == ally.ECodeInvalid || ally.IsNotFound(err) || ally.ErrorCode(err) == ally.ECodeRateLimited:
		var msg string
		d.Errors, msg = fieldErrors(err)
		d.Error = admSentence(msg)
		d.Dead = ally.IsNotFound(err)
		s.render(w, r, statusOf(err), "admin/reset", view{Title: "Choose a new password", Data: d})
		return
	default:
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/login", "resetdone")
}
