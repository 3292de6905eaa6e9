package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// My account: the signed-in staff user's own name, notification
// preferences, password, e-mail address and two-step sign-in
// (admin_account_totp.go). Every staff role has one.

// notifyLabels says what each notification preference is about.
var notifyLabels = map[string]string{
	ally.NotifyPartnerUpdated: "A partner I own edits its profile",
	ally.NotifyActivity:       "New activity on partners I own",
	ally.NotifyLeadAssigned:   "A lead is assigned",
}

// accountData is the account page. Which names the form that was refused,
// so its messages show beside it; the page has several forms, and two of
// them ask for the current password.
type accountData struct {
	User        *ally.User
	Name        string
	Notify      []option
	NewEmail    string
	TOTPPending bool // set-up begun, not yet confirmed with a code
	Which       string
	Errs        formErrs
}

func (s *server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, nil, "", formErrs{})
}

// renderAccount shows the account page; typed, when not nil, keeps what
// was typed into the refused form.
func (s *server) renderAccount(w http.ResponseWriter, r *http.Request, status int, typed *accountData, which string, e formErrs) {
	u, err := s.app.User(r.Context(), actor(r), actor(r).ID)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := accountData{User: u, Name: u.Name, Notify: notifyOptions(u.Notifications),
		TOTPPending: !u.TOTPEnabled && u.TOTPSecret != "", Which: which, Errs: e}
	if typed != nil {
		if typed.Notify != nil {
			d.Name, d.Notify = typed.Name, typed.Notify
		}
		d.NewEmail = typed.NewEmail
	}
	s.render(w, r, status, "admin/account", view{Title: "My account", Data: d})
}

func notifyOptions(on map[string]bool) []option {
	opts := make([]option, len(app.StaffNotifications))
	for i, k := range app.StaffNotifications {
		label := notifyLabels[k]
		if label == "" {
			label = k
		}
		opts[i] = option{Value: k, Label: label, Checked: on[k]}
	}
	return opts
}

// accountUpdate saves the name and the notification preferences.
func (s *server) accountUpdate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	prefs := map[string]bool{}
	for _, k := range app.StaffNotifications {
		prefs[k] = f.has("notify", k)
	}
	typed := &accountData{Name: f.text("name"), Notify: notifyOptions(prefs)}
	if _, err := s.app.UpdateStaffAccount(r.Context(), actor(r), typed.Name, prefs); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderAccount(w, r, status, typed, "profile", e) })
		return
	}
	redirect(w, r, "/admin/account", "saved")
}

// accountPassword changes the password: the current one again, the new
// one twice. Every other session of the user ends; this one stays.
func (s *server) accountPassword(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	current, next := f.r.PostFormValue("currentPassword"), f.r.PostFormValue("newPassword")
	var err error
	if next != f.r.PostFormValue("confirmPassword") {
		err = &ally.Error{Code: ally.ECodeInvalid, Message: "the new passwords differ",
			Fields: []ally.FieldError{{Field: "confirmPassword", Message: "does not match the new password"}}}
	} else {
		sessionID := ""
		if ses := session(r); ses != nil {
			sessionID = ses.ID
		}
		err = s.app.ChangeOwnPassword(r.Context(), actor(r), sessionID, current, next)
	}
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderAccount(w, r, status, nil, "password", e) })
		return
	}
	redirect(w, r, "/admin/account", "password")
}

// accountEmail starts an e-mail change: the password again, then a link
// to the new address, which changes nothing until it is opened.
func (s *server) accountEmail(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	typed := &accountData{NewEmail: f.text("email")}
	if err := s.app.RequestEmailChange(r.Context(), actor(r), f.r.PostFormValue("currentPassword"), typed.NewEmail); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderAccount(w, r, status, typed, "email", e) })
		return
	}
	redirect(w, r, "/admin/account", "email")
}

// emailConfirmPage is where the e-mailed link lands. It asks for a click
// rather than changing the address on a GET: mail scanners open links.
func (s *server) emailConfirmPage(w http.ResponseWriter, r *http.Request) {
	if err := s.app.CheckLink(r.Context(), ally.TokenEmailChange, ally.ActorStaff, r.PathValue("token")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/account_email", view{Title: "Confirm your new e-mail address", Data: r.PathValue("token")})
}

// emailConfirm applies the change; the link works once.
func (s *server) emailConfirm(w http.ResponseWriter, r *http.Request) {
	if err := s.app.ConfirmEmailChange(r.Context(), r.PathValue("token")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/account", "emailset")
}
