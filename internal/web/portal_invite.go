package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// portalJoinData fills the pages where someone chooses their first
// password: accepting an invite, or finishing a self sign-up.
type portalJoinData struct {
	portalForm
	PartnerName string
	Email       string
}

func (s *server) portalInvitePage(w http.ResponseWriter, r *http.Request) {
	name, email, err := s.app.InviteInfo(r.Context(), r.PathValue("token"))
	if err != nil {
		s.portalDeadLink(w, r, "invite", err)
		return
	}
	s.render(w, r, http.StatusOK, "portal/invite", view{Title: "Accept your invitation",
		Data: portalJoinData{PartnerName: name, Email: email}})
}

// portalInvite accepts the invite: the password is set, portal access turns
// active and the browser is signed in.
func (s *server) portalInvite(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	token, password := r.PathValue("token"), r.PostFormValue("password")
	name, email, err := s.app.InviteInfo(r.Context(), token)
	if err != nil {
		s.portalDeadLink(w, r, "invite", err)
		return
	}
	if password != r.PostFormValue("confirm") {
		err = portalMismatch("confirm")
	} else {
		in, aerr := s.app.AcceptInvite(r.Context(), token, password, meta(r))
		if aerr == nil {
			s.startPortalSession(w, r, in)
			return
		}
		err = aerr
	}
	if ally.IsNotFound(err) {
		s.portalDeadLink(w, r, "invite", err)
		return
	}
	s.renderPortalRefusal(w, r, "portal/invite", "Accept your invitation", err, nil, func(f portalForm) any {
		return portalJoinData{portalForm: f, PartnerName: name, Email: email}
	})
}

func (s *server) portalSignupPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "portal/signup", view{Title: "Get portal access", Data: portalForm{}})
}

// portalSignup answers alike whether or not the address may join, and
// sends nothing when it may not; only a malformed address or a lock-out of
// the client's address differ, and neither reveals a partner.
func (s *server) portalSignup(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	email := r.PostFormValue("email")
	if err := s.app.RequestSignup(r.Context(), email, meta(r)); err != nil {
		s.renderPortalRefusal(w, r, "portal/signup", "Get portal access", err, map[string]string{"email": email},
			func(f portalForm) any { return f })
		return
	}
	redirect(w, r, "/partner/signup", "signup")
}

func (s *server) portalSignupCompletePage(w http.ResponseWriter, r *http.Request) {
	name, email, err := s.app.SignupInfo(r.Context(), r.PathValue("token"))
	if err != nil {
		s.portalDeadLink(w, r, "signup", err)
		return
	}
	s.render(w, r, http.StatusOK, "portal/signup_complete", view{Title: "Finish signing up",
		Data: portalJoinData{PartnerName: name, Email: email}})
}

// portalSignupComplete makes the person a partner user with the name and
// password given, and signs them in.
func (s *server) portalSignupComplete(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	token, password, name := r.PathValue("token"), r.PostFormValue("password"), r.PostFormValue("name")
	partner, email, err := s.app.SignupInfo(r.Context(), token)
	if err != nil {
		s.portalDeadLink(w, r, "signup", err)
		return
	}
	if password != r.PostFormValue("confirm") {
		err = portalMismatch("confirm")
	} else {
		in, cerr := s.app.CompleteSignup(r.Context(), token, name, password, meta(r))
		if cerr == nil {
			s.startPortalSession(w, r, in)
			return
		}
		err = cerr
	}
	if ally.IsNotFound(err) {
		s.portalDeadLink(w, r, "signup", err)
		return
	}
	s.renderPortalRefusal(w, r, "portal/signup_complete", "Finish signing up", err, map[string]string{"name": name},
		func(f portalForm) any { return portalJoinData{portalForm: f, PartnerName: partner, Email: email} })
}
