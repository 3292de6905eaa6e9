package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// The "New lead" form: one lead typed in by staff. Without a partner the
// routing rules place it, as they would a lead from the API.

// leadNewForm is the form as typed, kept when it is shown again.
type leadNewForm struct {
	In          ally.LeadInput
	PartnerText string // the partner field as typed (an id, or a name in a search box)
	Custom      adminPropGroup
}

type leadNewData struct {
	Form     leadNewForm
	Errs     formErrs
	Partners aldPicker
}

func (s *server) adminLeadNewPage(w http.ResponseWriter, r *http.Request) {
	s.renderLeadNew(w, r, http.StatusOK, leadNewForm{Custom: adminPropGroupFrom("custom", "Custom fields", nil)}, formErrs{})
}

func (s *server) renderLeadNew(w http.ResponseWriter, r *http.Request, status int, form leadNewForm, e formErrs) {
	picker, err := s.partnerPicker(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, status, "admin/lead_new", view{Title: "New lead", Data: leadNewData{Form: form, Errs: e, Partners: picker}})
}

// adminLeadCreate takes the lead in through the application (validation,
// routing, deliveries and audit, as for any intake) and shows its page.
func (s *server) adminLeadCreate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	form := leadNewForm{PartnerText: f.text("partner"), Custom: adminPropGroupParse(r, "custom", "Custom fields")}
	for _, name := range ally.LeadColumns {
		if name != "partnerId" {
			form.In.SetColumn(name, f.r.PostFormValue(name))
		}
	}
	again := func(status int, e formErrs) { s.renderLeadNew(w, r, status, form, e) }
	in := form.In
	var v ally.Validator
	in.Custom, _ = form.Custom.value(nil, &v)
	id, msg, err := s.resolvePartner(r, form.PartnerText)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	if msg != "" {
		f.errs["partnerId"] = msg
	}
	dup, _ := fieldErrors(v.Err())
	for field, m := range dup {
		f.errs[field] = m
	}
	in.PartnerID = id
	check := in
	check.Normalize()
	if err := f.check(check.Validate()); err != nil {
		s.formFailed(w, r, err, again)
		return
	}
	l, err := s.app.CreateLead(r.Context(), actor(r), in)
	if err != nil {
		s.formFailed(w, r, err, again)
		return
	}
	redirect(w, r, "/admin/leads/"+l.ID, "created")
}
