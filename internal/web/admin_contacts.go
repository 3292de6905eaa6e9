package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// adminContactForm holds a contact form's values as typed.
type adminContactForm struct {
	Name, Email, Phone, Title string
	Roles                     []string
	Primary                   bool
	Version                   int64
}

func adminContactFormFrom(c *ally.Contact) adminContactForm {
	f := adminContactForm{Name: c.Name, Email: c.Email, Phone: c.Phone, Title: c.Title, Primary: c.Primary, Version: c.Version}
	for _, role := range c.Roles {
		f.Roles = append(f.Roles, string(role))
	}
	return f
}

func adminContactFormParse(r *http.Request) adminContactForm {
	v := r.PostFormValue
	return adminContactForm{Name: v("name"), Email: v("email"), Phone: v("phone"), Title: v("title"),
		Roles: r.PostForm["roles"], Primary: v("primary") == "on"}
}

// fields gives every field: the application notes which ones changed.
func (f adminContactForm) fields() ally.ContactFields {
	roles := make([]ally.ContactRole, 0, len(f.Roles))
	for _, role := range f.Roles {
		roles = append(roles, ally.ContactRole(role))
	}
	return ally.ContactFields{Name: &f.Name, Email: &f.Email, Phone: &f.Phone, Title: &f.Title, Roles: &roles, Primary: &f.Primary}
}

// adminContactNewPage shows an empty contact form for the partner.
func (s *server) adminContactNewPage(w http.ResponseWriter, r *http.Request) {
	s.adminContactPage(w, r, http.StatusOK, &adminContactData{})
}

// adminContactCreate adds a contact to the partner.
func (s *server) adminContactCreate(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	form := adminContactFormParse(r)
	pid := r.PathValue("id")
	c, err := s.app.CreateContact(r.Context(), actor(r), pid, form.fields())
	if err != nil {
		s.adminContactFailed(w, r, &adminContactData{Form: form}, err)
		return
	}
	redirect(w, r, "/admin/partners/"+c.PartnerID, "created")
}

// adminContactEditPage shows a contact's form and portal access.
func (s *server) adminContactEditPage(w http.ResponseWriter, r *http.Request) {
	s.adminContactPage(w, r, http.StatusOK, &adminContactData{})
}

// adminContactUpdate saves a contact if nobody changed it since the form was loaded.
func (s *server) adminContactUpdate(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	version, err := admVersion(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := adminContactFormParse(r)
	form.Version = version
	pid, cid := r.PathValue("id"), r.PathValue("cid")
	c, err := s.app.UpdateContact(r.Context(), actor(r), pid, cid, form.fields(), &version)
	if err != nil {
		s.adminContactFailed(w, r, &adminContactData{Form: form}, err)
		return
	}
	flash := "saved"
	if c.Version == version {
		flash = "nothing"
	}
	redirect(w, r, "/admin/partners/"+c.PartnerID, flash)
}

// adminContactDelete removes a contact, with their portal access.
func (s *server) adminContactDelete(w http.ResponseWriter, r *http.Request) {
	pid := r.PathValue("id")
	if err := s.app.DeleteContact(r.Context(), actor(r), pid, r.PathValue("cid")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/partners/"+pid, "deleted")
}

// adminContactFailed answers a rejected contact form: field errors and
// conflicts come back on the form with the input kept; a stale version
// comes back with the stored values.
func (s *server) adminContactFailed(w http.ResponseWriter, r *http.Request, d *adminContactData, err error) {
	switch ally.ErrorCode(err) {
	case ally.ECodeInvalid, ally.ECodeConflict:
		var msg string
		d.Errors, msg = fieldErrors(err)
		d.Alert = admSentence(msg)
		s.adminContactPage(w, r, statusOf(err), d)
	case ally.ECodePrecondition:
		_, msg := fieldErrors(err)
		d.Alert = admSentence(msg) + " The form now shows the current values: make your changes again."
		d.Form = adminContactForm{} // read afresh by adminContactPage
		s.adminContactPage(w, r, statusOf(err), d)
	default:
		s.errorPage(w, r, "admin", err)
	}
}
