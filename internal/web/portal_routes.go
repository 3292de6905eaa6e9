package web

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// portalRoutes is the partner portal's route table. Each route names who
// may call it: public (sign-in, reset, invite, sign-up and e-mail
// confirmation pages) or s.portalMember (a signed-in partner user; the partner
// always comes from the session, never from the URL or a form).
func (s *server) portalRoutes(mux router) {
	// Public: signing in and out, and the pages e-mailed links open.
	mux.HandleFunc("GET /partner/login", s.portalLoginPage)
	mux.HandleFunc("POST /partner/login", s.portalLogin)
	mux.HandleFunc("POST /partner/logout", s.portalLogout)
	mux.HandleFunc("GET /partner/forgot", s.portalForgotPage)
	mux.HandleFunc("POST /partner/forgot", s.portalForgot)
	mux.HandleFunc("GET /partner/reset/{token}", s.portalResetPage)
	mux.HandleFunc("POST /partner/reset/{token}", s.portalReset)
	mux.HandleFunc("GET /partner/invite/{token}", s.portalInvitePage)
	mux.HandleFunc("POST /partner/invite/{token}", s.portalInvite)
	mux.HandleFunc("GET /partner/signup", s.portalSignupPage)
	mux.HandleFunc("POST /partner/signup", s.portalSignup)
	mux.HandleFunc("GET /partner/signup/{token}", s.portalSignupCompletePage)
	mux.HandleFunc("POST /partner/signup/{token}", s.portalSignupComplete)
	mux.HandleFunc("GET /partner/email/{token}", s.portalEmailConfirmPage)
	mux.HandleFunc("POST /partner/email/{token}", s.portalEmailConfirm)

	// Signed-in partner users.
	mux.HandleFunc("GET /partner/{$}", s.portalMember(s.portalHome))
	mux.HandleFunc("GET /partner/profile", s.portalMember(s.portalProfilePage))
	mux.HandleFunc("POST /partner/profile", s.portalMember(s.portalProfileSave))
	mux.HandleFunc("POST /partner/profile/logo", s.portalMember(s.portalLogo))
	mux.HandleFunc("GET /partner/account", s.portalMember(s.portalAccountPage))
	mux.HandleFunc("POST /partner/account", s.portalMember(s.portalAccountSave))
	mux.HandleFunc("GET /partner/account/password", s.portalMember(s.portalPasswordPage))
	mux.HandleFunc("POST /partner/account/password", s.portalMember(s.portalPassword))
	mux.HandleFunc("POST /partner/account/email", s.portalMember(s.portalEmailChange))
	mux.HandleFunc("GET /partner/leads", s.portalMember(s.portalLeads))
	mux.HandleFunc("GET /partner/leads/export.csv", s.portalMember(s.portalLeadsCSV))
	mux.HandleFunc("GET /partner/leads/{id}", s.portalMember(s.portalLeadPage))
	mux.HandleFunc("POST /partner/leads/{id}/status", s.portalMember(s.portalLeadStatus))
	mux.HandleFunc("GET /partner/delivery", s.portalMember(s.portalDeliveryPage))
	mux.HandleFunc("POST /partner/delivery", s.portalMember(s.portalDeliverySave))
	mux.HandleFunc("POST /partner/delivery/rotate", s.portalMember(s.portalDeliveryRotate))

	// Anything else under /partner/ is a branded "no such page", whoever asks.
	mux.HandleFunc("/partner/", s.portalNotFound)
}

func (s *server) portalNotFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, "portal", ally.Errorf(ally.ECodeNotFound, "There is no such page in the partner portal."))
}

// portalPasswordPath is where a partner user with a temporary password is
// held until they choose their own.
const portalPasswordPath = "/partner/account/password"

type portalAccountKey struct{}

// portalMember wraps a portal page for signed-in partner users (s.partner) and
// holds anyone still on a temporary password at the password page: the
// vendor's staff know that password, so nothing else opens until it is
// replaced. The check reads the contact on every request, so it holds on
// every node and cannot be skipped by dropping a cookie.
func (s *server) portalMember(h http.HandlerFunc) http.HandlerFunc {
	return s.partner(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.app.MyAccount(r.Context(), actor(r))
		if err != nil {
			s.errorPage(w, r, "portal", err)
			return
		}
		if c.MustChangePassword && r.URL.Path != portalPasswordPath {
			redirect(w, r, portalPasswordPath, "mustchange")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), portalAccountKey{}, c)))
	})
}

// portalAccount returns the signed-in partner user's contact, read by portalMember.
func portalAccount(r *http.Request) *ally.Contact {
	c, _ := r.Context().Value(portalAccountKey{}).(*ally.Contact)
	return c
}

// portalNav is embedded in the data of every signed-in portal page: the
// layout shows a section's navigation link only when the partner's
// experience template turns the section on.
type portalNav struct {
	Nav *ally.Sections
}

// portalNavOf returns the navigation for the signed-in partner user. A
// failure only costs the optional links, so it is logged rather than shown.
func (s *server) portalNavOf(r *http.Request) portalNav {
	t, err := s.app.PortalTemplate(r.Context(), actor(r))
	if err != nil {
		s.log.Warn("portal template", "err", err)
		return portalNav{}
	}
	return portalNav{Nav: &t.Sections}
}
