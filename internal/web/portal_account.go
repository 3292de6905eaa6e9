package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// portalNotifyOptions are the e-mail notifications a partner user can turn
// on or off, in the order shown.
var portalNotifyOptions = []struct{ Key, Label string }{
	{ally.NotifyPartnerUpdated, "Our organization's profile changes"},
	{ally.NotifyLeadAssigned, "A lead is assigned to us"},
	{ally.NotifyActivity, "There is new activity on our timeline"},
}

// portalNotify is one notification checkbox.
type portalNotify struct {
	Key, Label string
	On         bool
}

// portalAccountData fills "My account": the details form, and the e-mail
// change form with its own refusal (the password form has its own page).
type portalAccountData struct {
	portalNav
	portalForm
	Contact *ally.Contact
	Notify  []portalNotify
	Email   portalForm
}

func (s *server) portalAccountPage(w http.ResponseWriter, r *http.Request) {
	s.renderPortalAccount(w, r, http.StatusOK, portalForm{}, portalForm{}, nil)
}

// renderPortalAccount shows the account page; on refused details, typed holds
// the submitted name, phone, title and notification choices.
func (s *server) renderPortalAccount(w http.ResponseWriter, r *http.Request, status int, details, email portalForm, typed map[string]bool) {
	c := portalAccount(r)
	d := portalAccountData{portalNav: s.portalNavOf(r), portalForm: details, Contact: c, Email: email}
	if d.Values == nil {
		d.Values = map[string]string{"name": c.Name, "phone": c.Phone, "title": c.Title}
	}
	on := c.Notifications
	if typed != nil {
		on = typed
	}
	for _, o := range portalNotifyOptions {
		d.Notify = append(d.Notify, portalNotify{Key: o.Key, Label: o.Label, On: on[o.Key]})
	}
	s.render(w, r, status, "portal/account", view{Title: "My account", Data: d})
}

// portalAccountSave changes the partner user's own name, phone, title and
// notification choices. Every option is sent, so an unticked box turns it off.
func (s *server) portalAccountSave(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	name, phone, title := r.PostFormValue("name"), r.PostFormValue("phone"), r.PostFormValue("title")
	notify := map[string]bool{}
	for _, o := range portalNotifyOptions {
		notify[o.Key] = false
	}
	for _, k := range r.PostForm["notify"] {
		if _, known := notify[k]; known {
			notify[k] = true
		}
	}
	f := ally.ContactFields{Name: &name, Phone: &phone, Title: &title}
	if _, err := s.app.UpdateOwnAccount(r.Context(), actor(r), f, notify); err != nil {
		form, ok := portalRefusal(err, map[string]string{"name": name, "phone": phone, "title": title})
		if !ok {
			s.errorPage(w, r, "portal", err)
			return
		}
		s.renderPortalAccount(w, r, statusOf(err), form, portalForm{}, notify)
		return
	}
	redirect(w, r, "/partner/account", "saved")
}

// portalEmailChange asks for the password again and mails a confirmation
// link to the new address; nothing changes until that link is used.
func (s *server) portalEmailChange(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	email := r.PostFormValue("email")
	if err := s.app.RequestEmailChange(r.Context(), actor(r), r.PostFormValue("currentPassword"), email); err != nil {
		form, ok := portalRefusal(err, map[string]string{"email": email})
		if !ok {
			s.errorPage(w, r, "portal", err)
			return
		}
		s.renderPortalAccount(w, r, statusOf(err), portalForm{}, form, nil)
		return
	}
	redirect(w, r, "/partner/account", "email")
}

// portalPasswordData fills the password page; Forced says a temporary
// password must be replaced before anything else opens.
type portalPasswordData struct {
	portalNav
	portalForm
	Forced bool
}

func (s *server) portalPasswordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "portal/password", view{Title: "Change your password",
		Data: portalPasswordData{portalNav: s.portalNavOf(r), Forced: portalAccount(r).MustChangePassword}})
}

// portalPassword changes the password; the application ends every other
// session of the user, and this one stays signed in.
func (s *server) portalPassword(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	forced := portalAccount(r).MustChangePassword
	current, next := r.PostFormValue("currentPassword"), r.PostFormValue("newPassword")
	err := portalMismatch("confirm")
	if next == r.PostFormValue("confirm") {
		err = s.app.ChangeOwnPassword(r.Context(), actor(r), session(r).ID, current, next)
	}
	if err == nil {
		to := "/partner/account"
		if forced {
			to = "/partner/"
		}
		redirect(w, r, to, "password")
		return
	}
	s.renderPortalRefusal(w, r, "portal/password", "Change your password", err, nil, func(f portalForm) any {
		return portalPasswordData{portalNav: s.portalNavOf(r), portalForm: f, Forced: forced}
	})
}

func (s *server) portalEmailConfirmPage(w http.ResponseWriter, r *http.Request) {
	if err := s.app.CheckLink(r.Context(), ally.TokenEmailChange, ally.ActorPartner, r.PathValue("token")); err != nil {
		s.portalDeadLink(w, r, "email", err)
		return
	}
	s.render(w, r, http.StatusOK, "portal/email", view{Title: "Confirm your new e-mail address", Data: portalForm{}})
}

// portalEmailConfirm applies the e-mail change behind the link. It is a
// POST from a button on the page the link opens, not the GET itself: mail
// scanners fetch links, and fetching must not change an account.
func (s *server) portalEmailConfirm(w http.ResponseWriter, r *http.Request) {
	err := s.app.ConfirmEmailChange(r.Context(), r.PathValue("token"))
	switch {
	case err == nil:
		redirect(w, r, "/partner/account", "emailset")
	case ally.IsNotFound(err):
		s.portalDeadLink(w, r, "email", err)
	default:
		s.renderPortalRefusal(w, r, "portal/email", "Confirm your new e-mail address", err, nil, func(f portalForm) any { return f })
	}
}
