package web

import (
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// Property definitions: the CRM and custom properties an experience
// template can show in the Partner Profile.

// propertyTypeLabels names each property type in words.
var propertyTypeLabels = map[ally.PropertyType]string{
	ally.TypeText: "Text", ally.TypeLongText: "Long text", ally.TypeURL: "URL", ally.TypeEmail: "E-mail",
	ally.TypePhone: "Phone", ally.TypeNumber: "Number", ally.TypeSelect: "Select (one option)",
	ally.TypeMultiSelect: "Multi-select (several options)", ally.TypeDate: "Date", ally.TypeBoolean: "Yes or no",
	ally.TypeImage: "Image",
}

// propertyTypeOptions is the type select, in the domain's order.
func propertyTypeOptions() []option {
	opts := make([]option, 0, len(ally.PropertyTypes))
	for _, t := range ally.PropertyTypes {
		label := propertyTypeLabels[t]
		if label == "" {
			label = string(t)
		}
		opts = append(opts, option{Value: string(t), Label: label})
	}
	return opts
}

var propertySourceOptions = []option{
	{Value: string(ally.SourceCRM), Label: "CRM (synced with your CRM)"},
	{Value: string(ally.SourceCustom), Label: "Custom (kept in Ally only)"},
}

// propertyForm is a property form as typed; Options is one option per line.
type propertyForm struct {
	Key, Label, Type, Options, Source, CRMField, Position string
	Version                                               int64
}

type propertiesData struct {
	Core       []ally.PropertyDefinition
	Properties []*ally.PropertyDefinition
	Form       propertyForm
	Types      []option
	Sources    []option
	Errs       formErrs
}

type propertyData struct {
	Property *ally.PropertyDefinition
	Form     propertyForm
	Types    []option
	Sources  []option
	Errs     formErrs
}

func (s *server) propertyList(w http.ResponseWriter, r *http.Request) {
	s.renderProperties(w, r, http.StatusOK, propertyForm{Type: string(ally.TypeText), Source: string(ally.SourceCRM)}, formErrs{})
}

func (s *server) renderProperties(w http.ResponseWriter, r *http.Request, status int, form propertyForm, e formErrs) {
	ps, err := s.app.PropertyDefinitions(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	if form.Position == "" {
		next := 0
		for _, p := range ps {
			next = max(next, p.Position+1)
		}
		form.Position = itoa(next)
	}
	s.render(w, r, status, "admin/settings_properties", view{Title: "Properties", Data: propertiesData{
		Core: ally.CoreProperties, Properties: ps, Form: form,
		Types: propertyTypeOptions(), Sources: propertySourceOptions, Errs: e,
	}})
}

// propertyFields reads a property form. Options apply to the select types
// only; for the others they are cleared, so changing a select to text
// leaves no stale choices behind.
func propertyFields(f *formInput) (ally.PropertyFields, propertyForm) {
	form := propertyForm{Key: f.text("key"), Label: f.text("label"), Type: f.text("type"),
		Options: f.r.PostFormValue("options"), Source: f.text("source"), CRMField: f.text("crmField"),
		Position: f.text("position")}
	typ, source := ally.PropertyType(form.Type), ally.PropertySource(form.Source)
	opts := []string{}
	if typ == ally.TypeSelect || typ == ally.TypeMultiSelect {
		for _, line := range strings.Split(form.Options, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				opts = append(opts, line)
			}
		}
	}
	return ally.PropertyFields{Key: f.ptr("key"), Label: f.ptr("label"), Type: &typ, Options: &opts,
		Source: &source, CRMField: f.ptr("crmField"), Position: f.number("position", "position")}, form
}

func (s *server) propertyCreate(w http.ResponseWriter, r *http.Request) {
	submitForm(s, w, r, true, propertyFields,
		func(fields ally.PropertyFields, _ *int64) error {
			_, err := s.app.CreatePropertyDefinition(r.Context(), actor(r), fields)
			return err
		},
		func(status int, form propertyForm, _ *int64, e formErrs) { s.renderProperties(w, r, status, form, e) },
		"/admin/settings/properties", "created")
}

func (s *server) propertyEdit(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.PropertyDefinition(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := propertyForm{Key: p.Key, Label: p.Label, Type: string(p.Type), Options: strings.Join(p.Options, "\n"),
		Source: string(p.Source), CRMField: p.CRMField, Position: itoa(p.Position), Version: p.Version}
	s.renderProperty(w, r, http.StatusOK, p, form, formErrs{})
}

func (s *server) renderProperty(w http.ResponseWriter, r *http.Request, status int, p *ally.PropertyDefinition, form propertyForm, e formErrs) {
	s.render(w, r, status, "admin/settings_property", view{Title: "Property " + p.Label, Data: propertyData{
		Property: p, Form: form, Types: propertyTypeOptions(), Sources: propertySourceOptions, Errs: e,
	}})
}

func (s *server) propertyUpdate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	submitForm(s, w, r, false, propertyFields,
		func(fields ally.PropertyFields, version *int64) error {
			_, err := s.app.UpdatePropertyDefinition(r.Context(), actor(r), id, fields, version)
			return err
		},
		func(status int, form propertyForm, version *int64, e formErrs) {
			p, err := s.app.PropertyDefinition(r.Context(), actor(r), id)
			if err != nil {
				s.errorPage(w, r, "admin", err)
				return
			}
			if version != nil {
				form.Version = *version
			}
			s.renderProperty(w, r, status, p, form, e)
		},
		"/admin/settings/properties", "saved")
}

// propertyDeleteConfirm asks before deleting: a link alone must never
// delete anything, and the admin should know what the deletion does.
func (s *server) propertyDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.PropertyDefinition(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/settings_property_delete", view{Title: "Delete " + p.Label, Data: p})
}

func (s *server) propertyDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DeletePropertyDefinition(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/settings/properties", "deleted")
}
