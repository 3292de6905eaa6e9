package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// adminPartnerFormData is what the create and edit form shows.
type adminPartnerFormData struct {
	ID       string // "" on create
	Archived bool   // status changes only through restore
	Form     adminPartnerForm
	Errors   map[string]string
	Alert    string

	Statuses  []admOption
	Tiers     []admOption
	Phases    []admOption
	Users     []admOption
	Templates []admOption
	Contacts  []admOption
	Access    []admOption
}

// adminPartnerNewPage shows an empty partner form.
func (s *server) adminPartnerNewPage(w http.ResponseWriter, r *http.Request) {
	s.adminPartnerFormPage(w, r, http.StatusOK, nil, &adminPartnerFormData{Form: adminPartnerFormFrom(nil)})
}

// adminPartnerCreate adds a partner. AddPartner never updates an existing
// one: a taken domain is an error on the domain field.
func (s *server) adminPartnerCreate(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	form := adminPartnerFormParse(r)
	fields, err := form.fields(nil)
	var p *ally.Partner
	if err == nil {
		p, err = s.app.AddPartner(r.Context(), actor(r), fields)
	}
	if err != nil {
		s.adminPartnerFormFailed(w, r, nil, &adminPartnerFormData{Form: form}, err)
		return
	}
	redirect(w, r, "/admin/partners/"+p.ID, "created")
}

// adminPartnerEditPage shows the form filled from the stored partner.
func (s *server) adminPartnerEditPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.Partner(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.adminPartnerFormPage(w, r, http.StatusOK, p, &adminPartnerFormData{Form: adminPartnerFormFrom(p)})
}

// adminPartnerUpdate saves an edit if nobody changed the partner since the
// form was loaded (the hidden version). A stale form shows what changed.
func (s *server) adminPartnerUpdate(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	ctx, a := r.Context(), actor(r)
	cur, err := s.app.Partner(ctx, a, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	version, err := admVersion(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := adminPartnerFormParse(r)
	form.Version = version
	fields, err := form.fields(cur)
	var p *ally.Partner
	if err == nil {
		p, err = s.app.UpdatePartner(ctx, a, cur.ID, fields, app.UpdatePartnerOptions{IfVersion: &version})
	}
	if err != nil {
		s.adminPartnerFormFailed(w, r, cur, &adminPartnerFormData{Form: form}, err)
		return
	}
	flash := "saved"
	if p.Version == version {
		flash = "nothing"
	}
	redirect(w, r, "/admin/partners/"+p.ID, flash)
}

// adminPartnerFormFailed answers a rejected form: field errors and
// conflicts come back on the form with the input kept; a stale version
// comes back with the stored values, to compare and redo; anything else is
// an error page.
func (s *server) adminPartnerFormFailed(w http.ResponseWriter, r *http.Request, cur *ally.Partner, d *adminPartnerFormData, err error) {
	switch ally.ErrorCode(err) {
	case ally.ECodeInvalid, ally.ECodeConflict:
		var msg string
		d.Errors, msg = fieldErrors(err)
		d.Alert = admSentence(msg)
		d.Form.markKinds(cur)
		s.adminPartnerFormPage(w, r, statusOf(err), cur, d)
	case ally.ECodePrecondition:
		if cur == nil {
			s.errorPage(w, r, "admin", err)
			return
		}
		fresh, ferr := s.app.Partner(r.Context(), actor(r), cur.ID)
		if ferr != nil {
			s.errorPage(w, r, "admin", ferr)
			return
		}
		_, msg := fieldErrors(err)
		d.Alert = admSentence(msg) + " The form now shows the current values: make your changes again."
		d.Form = adminPartnerFormFrom(fresh)
		s.adminPartnerFormPage(w, r, statusOf(err), fresh, d)
	default:
		s.errorPage(w, r, "admin", err)
	}
}

// adminPartnerFormPage renders the form with its selects filled. p is the
// stored partner (nil on create): its contacts are the champion and
// primary contact choices.
func (s *server) adminPartnerFormPage(w http.ResponseWriter, r *http.Request, status int, p *ally.Partner, d *adminPartnerFormData) {
	cat, err := s.adminCatalog(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Statuses, d.Tiers, d.Phases = admStatusOptions(false), cat.tierOptions(), cat.phaseOptions()
	d.Users = admUserOptions(cat.users, d.Form.OwnerID, d.Form.ManagerID)
	d.Templates = cat.templateOptions()
	d.Access = []admOption{
		{string(ally.AccessRestrictedUsers), "Invited users only"},
		{string(ally.AccessRestrictedDomains), "Anyone with a verified e-mail at the partner's domain"},
	}
	title := "New partner"
	if p != nil {
		title = "Edit " + p.Name
		d.ID, d.Archived = p.ID, p.Status == ally.StatusArchived
		cs, err := s.app.Contacts(r.Context(), actor(r), p.ID, "", ally.MaxLimit)
		if err != nil {
			s.errorPage(w, r, "admin", err)
			return
		}
		for _, c := range cs.Items {
			d.Contacts = append(d.Contacts, admOption{c.ID, c.Name + " (" + c.Email + ")"})
		}
	}
	s.render(w, r, status, "admin/partner_form", view{Title: title, Data: d})
}
