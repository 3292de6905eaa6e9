package web

import (
	"net/http"
	"strings"
)

// adminTOTPData is what the two-step sign-in page shows.
type adminTOTPData struct {
	Next  string
	Error string
}

// adminTOTPPage asks for the authenticator code after a right password. The
// pending session's token is already in the admin cookie; without one there
// is nothing to finish, so the browser goes back to the sign-in form.
func (s *server) adminTOTPPage(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(adminCookie); err != nil || c.Value == "" {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "admin/totp", view{Title: "Two-step sign-in", Data: adminTOTPData{Next: adminNext(r)}})
}

// adminTOTP checks the code. VerifyTOTP swaps the pending session for a new,
// full one, whose token replaces the cookie.
func (s *server) adminTOTP(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	next := adminNext(r)
	token := ""
	if c, err := r.Cookie(adminCookie); err == nil {
		token = c.Value
	}
	// Authenticator apps show the code as "123 456"; people type it so.
	code := strings.Join(strings.Fields(r.PostFormValue("code")), "")
	in, err := s.app.VerifyTOTP(r.Context(), token, code, meta(r))
	if err != nil {
		if !adminAuthAnswer(err) {
			s.errorPage(w, r, "admin", err)
			return
		}
		_, msg := fieldErrors(err)
		s.render(w, r, statusOf(err), "admin/totp", view{Title: "Two-step sign-in", Data: adminTOTPData{Next: next, Error: admSentence(msg)}})
		return
	}
	s.setSession(w, adminCookie, adminSessionPath, in)
	http.Redirect(w, r, adminAfterLogin(next), http.StatusSeeOther)
}
