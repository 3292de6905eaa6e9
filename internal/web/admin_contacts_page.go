package web

import (
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// adminContactData is what the contact page shows: the contact form and,
// for an existing contact, its portal access with the actions it allows.
type adminContactData struct {
	P        *ally.Partner
	C        *ally.Contact // nil for a new contact
	Form     adminContactForm
	Roles    []admOption
	Errors   map[string]string
	Alert    string
	Portal   adminPortalForm
	CanWrite bool
}

// adminPortalForm is the state of the portal access forms: the invite's
// personal message is kept when the application refuses the invite.
type adminPortalForm struct {
	Message string
	Errors  map[string]string
	Alert   string
}

// adminContactPage reads the partner (and the contact, on edit) and renders
// the page. A form left empty in d is filled from the stored contact.
func (s *server) adminContactPage(w http.ResponseWriter, r *http.Request, status int, d *adminContactData) {
	ctx, a := r.Context(), actor(r)
	p, err := s.app.Partner(ctx, a, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.P, d.CanWrite = p, admCanWrite(r)
	title := "New contact at " + p.Name
	if cid := r.PathValue("cid"); cid != "" {
		if d.C, err = s.app.Contact(ctx, a, p.ID, cid); err != nil {
			s.errorPage(w, r, "admin", err)
			return
		}
		title = d.C.Name + " at " + p.Name
		if d.Form.Version == 0 {
			d.Form = adminContactFormFrom(d.C)
		}
	}
	for _, role := range ally.ContactRoles {
		d.Roles = append(d.Roles, admOption{string(role), strings.ReplaceAll(string(role), "_", " ")})
	}
	s.render(w, r, status, "admin/contact_form", view{Title: title, Data: d})
}
