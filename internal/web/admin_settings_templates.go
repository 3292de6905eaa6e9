package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// Experience templates: the portal sections a partner sees and, for the
// Partner Profile, which properties show, in what order, and which the
// partner may edit.

// templateSections names each portal section with its switch in ally.Sections.
var templateSections = []struct {
	Value, Label string
	on           func(*ally.Sections) *bool
}{
	{"dashboard", "Dashboard", func(s *ally.Sections) *bool { return &s.Dashboard }},
	{"profile", "Partner profile", func(s *ally.Sections) *bool { return &s.Profile }},
	{"leads", "Leads", func(s *ally.Sections) *bool { return &s.Leads }},
	{"lead_export", "Lead export", func(s *ally.Sections) *bool { return &s.LeadExport }},
	{"deals", "Deals", func(s *ally.Sections) *bool { return &s.Deals }},
	{"invoices", "Invoices", func(s *ally.Sections) *bool { return &s.Invoices }},
	{"delivery_settings", "Delivery settings", func(s *ally.Sections) *bool { return &s.DeliverySettings }},
}

// profileRow is one property in the template's profile table.
type profileRow struct {
	Key, Label string
	Source     ally.PropertySource
	Show, Edit bool
	CanEdit    bool // false for the core properties partners may never edit
	Order      string
}

// templateForm is a template form as typed (or as stored).
type templateForm struct {
	Name     string
	Sections []option
	Rows     []profileRow
	Version  int64
}

type templateData struct {
	Template *ally.ExperienceTemplate // nil for a new one
	Form     templateForm
	Errs     formErrs
}

// templateRow is a template in the list.
type templateRow struct {
	*ally.ExperienceTemplate
	Sections string
}

func (s *server) templateList(w http.ResponseWriter, r *http.Request) {
	ts, err := s.app.ExperienceTemplates(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	rows := make([]templateRow, len(ts))
	for i, t := range ts {
		var on []string
		for _, sec := range sectionOptions(t.Sections) {
			if sec.Checked {
				on = append(on, sec.Label)
			}
		}
		rows[i] = templateRow{ExperienceTemplate: t, Sections: strings.Join(on, ", ")}
	}
	s.render(w, r, http.StatusOK, "admin/settings_templates", view{Title: "Experience templates", Data: rows})
}

func sectionOptions(sec ally.Sections) []option {
	opts := make([]option, len(templateSections))
	for i, ts := range templateSections {
		opts[i] = option{Value: ts.Value, Label: ts.Label, Checked: *ts.on(&sec)}
	}
	return opts
}

// allProperties returns the core properties and the defined ones, in the
// order a new template's table lists them.
func (s *server) allProperties(r *http.Request) ([]ally.PropertyDefinition, error) {
	defs, err := s.app.PropertyDefinitions(r.Context(), actor(r))
	if err != nil {
		return nil, err
	}
	all := slices.Clone(ally.CoreProperties)
	for _, d := range defs {
		all = append(all, *d)
	}
	return all, nil
}

// storedRows lays out the table for a stored profile: the properties it
// shows first, in its order, then every other property, unticked.
func storedRows(all []ally.PropertyDefinition, profile []ally.ProfileField) []profileRow {
	var rows []profileRow
	seen := map[string]bool{}
	for _, pf := range profile {
		if i := slices.IndexFunc(all, func(p ally.PropertyDefinition) bool { return p.Key == pf.Key }); i >= 0 && !seen[pf.Key] {
			rows = append(rows, newProfileRow(all[i], true, pf.Editable))
			seen[pf.Key] = true
		}
	}
	for _, p := range all {
		if !seen[p.Key] {
			rows = append(rows, newProfileRow(p, false, false))
		}
	}
	for i := range rows {
		rows[i].Order = strconv.Itoa(i + 1)
	}
	return rows
}

func newProfileRow(p ally.PropertyDefinition, show, edit bool) profileRow {
	can := p.Source != ally.SourceCore || ally.PartnerEditableCore(p.Key)
	return profileRow{Key: p.Key, Label: p.Label, Source: p.Source, Show: show, Edit: edit && can, CanEdit: can}
}

// readTemplate reads a template form. The table posts one "row" per
// property, in table order, with "show" and "edit" ticks and an "order-KEY"
// number. Shown rows become the profile, sorted by their number (ties keep
// table order). Editable is dropped for tier, manager and champion here
// too, whatever the browser sent: the checkbox is disabled, not trusted.
func readTemplate(f *formInput, all []ally.PropertyDefinition) (ally.ExperienceTemplateFields, templateForm) {
	form := templateForm{Name: f.text("name")}
	var sec ally.Sections
	for _, ts := range templateSections {
		*ts.on(&sec) = f.has("section", ts.Value)
	}
	form.Sections = sectionOptions(sec)
	type shown struct {
		field ally.ProfileField
		order int
	}
	var picked []shown
	seen := map[string]bool{}
	for _, key := range f.r.PostForm["row"] {
		i := slices.IndexFunc(all, func(p ally.PropertyDefinition) bool { return p.Key == key })
		if i < 0 || seen[key] {
			continue // a property deleted meanwhile, or a forged row
		}
		seen[key] = true
		row := newProfileRow(all[i], f.has("show", key), f.has("edit", key))
		row.Order = f.text("order-" + key)
		form.Rows = append(form.Rows, row)
		if !row.Show {
			continue
		}
		n, err := strconv.Atoi(row.Order)
		if err != nil {
			f.errs["profile"] = "Every shown property needs an order number (a whole number)."
		}
		picked = append(picked, shown{ally.ProfileField{Key: key, Editable: row.Edit}, n})
	}
	slices.SortStableFunc(picked, func(a, b shown) int { return cmp.Compare(a.order, b.order) })
	profile := make([]ally.ProfileField, len(picked))
	for i, p := range picked {
		profile[i] = p.field
	}
	return ally.ExperienceTemplateFields{Name: f.ptr("name"), Sections: &sec, Profile: &profile}, form
}

// newTemplateProfile is what a new template's profile starts with: the
// core properties partners without a template see, all read-only.
var newTemplateProfile = []ally.ProfileField{
	{Key: ally.CoreName}, {Key: ally.CoreWebsite}, {Key: ally.CoreLogo},
	{Key: ally.CoreTier}, {Key: ally.CoreManager}, {Key: ally.CoreChampion},
}

func (s *server) templateNew(w http.ResponseWriter, r *http.Request) {
	all, err := s.allProperties(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := templateForm{Sections: sectionOptions(ally.Sections{Dashboard: true, Profile: true}), Rows: storedRows(all, newTemplateProfile)}
	s.render(w, r, http.StatusOK, "admin/settings_template", view{Title: "New experience template", Data: templateData{Form: form}})
}

func (s *server) templateCreate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	all, err := s.allProperties(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	fields, form := readTemplate(f, all)
	err = f.check(fields.Validate(true))
	if err == nil {
		_, err = s.app.CreateExperienceTemplate(r.Context(), actor(r), fields)
	}
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) {
			s.render(w, r, status, "admin/settings_template", view{Title: "New experience template", Data: templateData{Form: form, Errs: e}})
		})
		return
	}
	redirect(w, r, "/admin/settings/templates", "created")
}

func (s *server) templateEdit(w http.ResponseWriter, r *http.Request) {
	t, err := s.app.ExperienceTemplate(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	all, err := s.allProperties(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := templateForm{Name: t.Name, Sections: sectionOptions(t.Sections), Rows: storedRows(all, t.Profile), Version: t.Version}
	s.render(w, r, http.StatusOK, "admin/settings_template", view{Title: "Template " + t.Name, Data: templateData{Template: t, Form: form}})
}

func (s *server) templateUpdate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	all, err := s.allProperties(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	fields, form := readTemplate(f, all)
	version := f.version()
	err = f.check(fields.Validate(false))
	if err == nil {
		_, err = s.app.UpdateExperienceTemplate(r.Context(), actor(r), id, fields, version)
	}
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) {
			t, err := s.app.ExperienceTemplate(r.Context(), actor(r), id)
			if err != nil {
				s.errorPage(w, r, "admin", err)
				return
			}
			if version != nil {
				form.Version = *version
			}
			s.render(w, r, status, "admin/settings_template", view{Title: "Template " + t.Name, Data: templateData{Template: t, Form: form, Errs: e}})
		})
		return
	}
	redirect(w, r, "/admin/settings/templates", "saved")
}
