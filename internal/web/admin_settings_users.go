package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// Staff users: the list with a form to add one, and a page per user with
// their name and role, disabling, a password an admin sets, and the
// partners granted to them (admin_settings_grants.go).

// roleLabels explains each role in a few words, for the role select.
var roleLabels = map[ally.Role]string{
	ally.RoleOwner:   "Owner: everything, including other owners",
	ally.RoleAdmin:   "Admin: every partner and the settings",
	ally.RoleManager: "Manager: edits the partners they own, manage or were granted",
	ally.RoleViewer:  "Viewer: reads the partners they were granted",
}

// roleOptions lists the roles the signed-in user may hand out: only an
// owner sees "owner" (the application refuses it to others anyway).
func roleOptions(me ally.Actor) []option {
	var opts []option
	for _, role := range ally.Roles {
		if role == ally.RoleOwner && me.Role != ally.RoleOwner {
			continue
		}
		opts = append(opts, option{Value: string(role), Label: roleLabels[role]})
	}
	return opts
}

// newUserForm is the add-a-user form as typed; the password is never sent back.
type newUserForm struct {
	Email, Name, Role string
}

type usersData struct {
	Users []*ally.User
	Form  newUserForm
	Roles []option
	Errs  formErrs
}

func (s *server) userList(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, newUserForm{Role: string(ally.RoleManager)}, formErrs{})
}

func (s *server) renderUsers(w http.ResponseWriter, r *http.Request, status int, form newUserForm, e formErrs) {
	us, err := s.app.Users(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, status, "admin/settings_users", view{Title: "Staff users", Data: usersData{
		Users: us, Form: form, Roles: roleOptions(actor(r)), Errs: e,
	}})
}

func (s *server) userCreate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	form := newUserForm{Email: f.text("email"), Name: f.text("name"), Role: f.text("role")}
	nu := ally.NewUser{Email: form.Email, Name: form.Name, Role: ally.Role(form.Role), Password: f.r.PostFormValue("password")}
	u, err := s.app.CreateUser(r.Context(), actor(r), nu)
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderUsers(w, r, status, form, e) })
		return
	}
	redirect(w, r, "/admin/settings/users/"+u.ID, "created")
}

// userEditForm is the name and role form of one user.
type userEditForm struct {
	Name, Role string
	Version    int64
}

// userData is a user's page. Which names the form that was refused, so
// its messages show beside it and not beside another form's fields.
type userData struct {
	User    *ally.User
	Self    bool // the signed-in user's own entry: no role change, no disabling
	Form    userEditForm
	Roles   []option
	Grants  []grantRow
	Query   string
	Results []*ally.Partner
	Which   string
	Errs    formErrs
}

func (s *server) userEdit(w http.ResponseWriter, r *http.Request) {
	s.renderUser(w, r, http.StatusOK, nil, "", formErrs{})
}

// renderUser shows a user's page; form, when not nil, is what was typed
// into the name and role form.
func (s *server) renderUser(w http.ResponseWriter, r *http.Request, status int, form *userEditForm, which string, e formErrs) {
	me := actor(r)
	u, err := s.app.User(r.Context(), me, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := userData{User: u, Self: u.ID == me.ID, Roles: roleOptions(me), Which: which, Errs: e,
		Form: userEditForm{Name: u.Name, Role: string(u.Role), Version: u.Version}}
	if form != nil {
		d.Form = *form
	}
	if u.Role == ally.RoleOwner && me.Role != ally.RoleOwner {
		d.Roles = append(d.Roles, option{Value: string(ally.RoleOwner), Label: roleLabels[ally.RoleOwner]})
	}
	if d.Grants, err = s.grantRows(r, u.ID); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	if d.Query, d.Results, err = s.grantSearch(r); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, status, "admin/settings_user", view{Title: u.Email, Data: d})
}

func (s *server) userUpdate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	form := userEditForm{Name: f.text("name"), Role: f.text("role")}
	version := f.version()
	if version != nil {
		form.Version = *version
	}
	role := ally.Role(form.Role)
	fields := ally.UserFields{Name: &form.Name, Role: &role}
	if _, err := s.app.UpdateUser(r.Context(), actor(r), id, fields, version); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderUser(w, r, status, &form, "edit", e) })
		return
	}
	redirect(w, r, "/admin/settings/users/"+id, "saved")
}

func (s *server) userDisable(w http.ResponseWriter, r *http.Request) { s.setUserDisabled(w, r, true) }
func (s *server) userEnable(w http.ResponseWriter, r *http.Request)  { s.setUserDisabled(w, r, false) }

// setUserDisabled disables (ending every session of the user) or enables a user.
func (s *server) setUserDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id := r.PathValue("id")
	if err := s.app.SetUserDisabled(r.Context(), actor(r), id, disabled); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderUser(w, r, status, nil, "status", e) })
		return
	}
	redirect(w, r, "/admin/settings/users/"+id, "saved")
}

// userResetTOTP turns a user's two-step sign-in off for them (a lost
// authenticator app).
func (s *server) userResetTOTP(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.app.ResetTOTP(r.Context(), actor(r), id); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderUser(w, r, status, nil, "status", e) })
		return
	}
	redirect(w, r, "/admin/settings/users/"+id, "totpoff")
}

// userPassword sets a user's password for them (one who forgot it and has
// no working e-mail); it ends their sessions.
func (s *server) userPassword(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	if err := s.app.SetUserPassword(r.Context(), actor(r), id, f.r.PostFormValue("password")); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderUser(w, r, status, nil, "password", e) })
		return
	}
	redirect(w, r, "/admin/settings/users/"+id, "password")
}
