package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// maxSettingsForm bounds a settings form's body. The largest, a template's
// property table, is a few kilobytes; a megabyte is generous and still
// keeps a hostile post from filling memory.
const maxSettingsForm = 1 << 20

// formErrs is what a rejected form shows: a message for each bad field,
// beside the field, and one line above the form.
type formErrs struct {
	Field   map[string]string
	Message string
}

// option is one choice of a select or a set of checkboxes.
type option struct {
	Value   string
	Label   string
	Checked bool
}

// formInput reads a posted settings form and collects the errors of values
// that cannot even be parsed (a rank that is not a number), which the
// application never sees.
type formInput struct {
	r    *http.Request
	errs map[string]string
}

// readForm parses the posted form, answering 400 itself when the body is
// too large or malformed (then it returns nil).
func (s *server) readForm(w http.ResponseWriter, r *http.Request) *formInput {
	r.Body = http.MaxBytesReader(w, r.Body, maxSettingsForm)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, "admin", ally.Errorf(ally.ECodeBadRequest, "the form could not be read; please try again"))
		return nil
	}
	return &formInput{r: r, errs: map[string]string{}}
}

// text returns a field's value, trimmed.
func (f *formInput) text(name string) string { return strings.TrimSpace(f.r.PostFormValue(name)) }

// ptr returns a field's trimmed value as a pointer, for the "given" fields of an update.
func (f *formInput) ptr(name string) *string {
	v := f.text(name)
	return &v
}

// has reports whether a checkbox (or any field) with that name and value was sent.
func (f *formInput) has(name, value string) bool {
	for _, v := range f.r.PostForm[name] {
		if v == value {
			return true
		}
	}
	return false
}

// number parses a whole number; empty is 0, since the forms always show the field.
func (f *formInput) number(name, field string) *int {
	v := f.text(name)
	if v == "" {
		v = "0"
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.errs[field] = "must be a whole number"
		return nil
	}
	return &n
}

// money parses an amount such as 12.50 or 12 into cents. A comma is taken
// as the decimal mark too, as many of the vendor's staff will type it.
func (f *formInput) money(name, field string) *int64 {
	v := strings.ReplaceAll(f.text(name), ",", ".")
	if v == "" {
		v = "0"
	}
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" {
		whole = "0"
	}
	bad := len(frac) > 2 || len(whole) > 12 || !digits(whole) || !digits(frac)
	if bad {
		f.errs[field] = "must be an amount like 12.50"
		return nil
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	return &n
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// version returns the hidden "version" field: the version the form was
// loaded at, so a save over someone else's change is refused (412).
func (f *formInput) version() *int64 {
	n, err := strconv.ParseInt(f.text("version"), 10, 64)
	if err != nil {
		return nil
	}
	return &n
}

// check returns nil when every value parsed, so the application does the
// validating. Otherwise it returns the parse errors together with what
// validate (the domain's own check of the other fields) found, so the
// form reports every problem at once.
func (f *formInput) check(validate error) error {
	if len(f.errs) == 0 {
		return nil
	}
	e := &ally.Error{Code: ally.ECodeInvalid, Message: "some fields are not valid"}
	for field, msg := range f.errs {
		e.Fields = append(e.Fields, ally.FieldError{Field: field, Message: msg})
	}
	var v *ally.Error
	if errors.As(validate, &v) {
		for _, fe := range v.Fields {
			if _, dup := f.errs[fe.Field]; !dup {
				e.Fields = append(e.Fields, fe)
			}
		}
	}
	return e
}

// formFailed answers a form the application refused. Errors about the
// input (422 invalid, 409 conflict, 412 changed meanwhile) show the form
// again through again, with the messages and what was typed; anything else
// (403, 404, 500) is the error page.
func (s *server) formFailed(w http.ResponseWriter, r *http.Request, err error, again func(status int, e formErrs)) {
	code := ally.ErrorCode(err)
	if code != ally.ECodeInvalid && code != ally.ECodeConflict && code != ally.ECodePrecondition {
		s.errorPage(w, r, "admin", err)
		return
	}
	fields, msg := fieldErrors(err)
	switch code {
	case ally.ECodeInvalid:
		msg = "Please correct the fields marked below."
		if len(fields) == 0 {
			msg = "Please correct the form."
		}
	case ally.ECodePrecondition:
		msg = "Someone else changed this meanwhile. Reload the page to see their change, then make yours again."
	}
	again(statusOf(err), formErrs{Field: fields, Message: msg})
}

// submitForm handles the post of a create or update form of the settings:
// it reads the domain's fields and the form as typed with read, checks
// them (every required field when creating), saves them with save, which
// gets the version the form was posted with, and sends the browser to to
// with flash. When the input or the application refuses, again shows the
// form anew (see formFailed), given the same version.
func submitForm[T any, PT interface {
	*T
	Validate(creating bool) error
}, V any](s *server, w http.ResponseWriter, r *http.Request, creating bool,
	read func(*formInput) (T, V), save func(fields T, version *int64) error,
	again func(status int, form V, version *int64, e formErrs), to, flash string) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	fields, form := read(f)
	version := f.version()
	err := f.check(PT(&fields).Validate(creating))
	if err == nil {
		err = save(fields, version)
	}
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { again(status, form, version, e) })
		return
	}
	redirect(w, r, to, flash)
}

// settings wraps a settings handler: a signed-in staff user whom the
// application lets use the settings (owners and admins); others see its 403.
func (s *server) settings(h http.HandlerFunc) http.HandlerFunc {
	return s.staff(func(w http.ResponseWriter, r *http.Request) {
		if err := s.app.RequireSettingsAccess(actor(r)); err != nil {
			s.errorPage(w, r, "admin", err)
			return
		}
		h(w, r)
	})
}
