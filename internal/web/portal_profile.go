package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// portalLogoLimit caps a logo upload's whole request: the largest logo the
// application takes plus room for the multipart framing. Anything bigger is
// cut off while it streams in, before it is held in memory.
const portalLogoLimit = app.MaxLogoBytes + 100<<10

// portalProfileData fills the Partner Profile page.
type portalProfileData struct {
	portalNav
	portalForm
	Version int64
	Fields  []portalProfileField
	// Editable says whether the page needs the save button.
	Editable bool
	// Other lists refusals of keys that are not on the form (a crafted
	// request naming a read-only property), which no field can show.
	Other []string
}

// portalProfileField is one property with the form control its type calls for.
type portalProfileField struct {
	app.ProfileFieldView
	Control string // text, url, email, tel, number, date, textarea, select, checkboxes, checkbox, image
	Error   string
}

// portalControls maps a property type to its form control.
var portalControls = map[ally.PropertyType]string{
	ally.TypeText: "text", ally.TypeURL: "url", ally.TypeEmail: "email", ally.TypePhone: "tel",
	ally.TypeNumber: "number", ally.TypeDate: "date", ally.TypeLongText: "textarea", ally.TypeSelect: "select",
	ally.TypeMultiSelect: "checkboxes", ally.TypeBoolean: "checkbox", ally.TypeImage: "image",
}

func (s *server) portalProfilePage(w http.ResponseWriter, r *http.Request) {
	pv, err := s.app.MyProfile(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "portal", err)
		return
	}
	s.renderPortalProfile(w, r, http.StatusOK, pv, nil, portalForm{})
}

// portalProfileSave passes every posted key but the version to the
// application, which refuses the whole edit if any key is not an editable
// property: the form holds only editable fields, so only a crafted request
// gets that answer.
func (s *server) portalProfileSave(w http.ResponseWriter, r *http.Request) {
	if !s.parsePortalForm(w, r) {
		return
	}
	values := map[string][]string{}
	for k, v := range r.PostForm {
		if k != "version" {
			values[k] = v
		}
	}
	var ifVersion *int64
	if v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64); err == nil {
		ifVersion = &v
	}
	saved, err := s.app.UpdateMyProfile(r.Context(), actor(r), values, ifVersion)
	if err == nil {
		flash := "saved"
		if ifVersion != nil && saved.Partner.Version == *ifVersion {
			flash = "nothing"
		}
		redirect(w, r, "/partner/profile", flash)
		return
	}
	code := ally.ErrorCode(err)
	if code != ally.ECodeInvalid && code != ally.ECodePrecondition {
		s.errorPage(w, r, "portal", err)
		return
	}
	pv, ferr := s.app.MyProfile(r.Context(), actor(r))
	if ferr != nil {
		s.errorPage(w, r, "portal", ferr)
		return
	}
	f, _ := portalRefusal(err, nil)
	if code == ally.ECodePrecondition {
		// The fresh values are shown; what was typed is dropped on purpose,
		// so nobody overwrites a change they have not seen.
		f.Error = "Someone else changed this profile while you were editing. The current values are shown below; please make your change again."
		s.renderPortalProfile(w, r, http.StatusPreconditionFailed, pv, nil, f)
		return
	}
	s.renderPortalProfile(w, r, http.StatusUnprocessableEntity, pv, r.PostForm, f)
}

// portalLogo takes a multipart logo upload. The body is capped while it
// streams; the application sniffs the type and refuses what is not a PNG,
// JPEG or WebP image (SVG can carry script).
func (s *server) portalLogo(w http.ResponseWriter, r *http.Request) {
	data, status, err := readPortalLogo(w, r)
	if err == nil {
		_, err = s.app.SetMyLogo(r.Context(), actor(r), data)
		status = statusOf(err)
	}
	if err == nil {
		redirect(w, r, "/partner/profile", "logo")
		return
	}
	if ally.ErrorCode(err) != ally.ECodeInvalid {
		s.errorPage(w, r, "portal", err)
		return
	}
	pv, ferr := s.app.MyProfile(r.Context(), actor(r))
	if ferr != nil {
		s.errorPage(w, r, "portal", ferr)
		return
	}
	f, _ := portalRefusal(err, nil)
	s.renderPortalProfile(w, r, status, pv, nil, f)
}

// readPortalLogo returns the uploaded file's bytes, or a refusal to show with its
// status: 413 for a request over the cap, 422 for a missing file.
func readPortalLogo(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	r.Body = http.MaxBytesReader(w, r.Body, portalLogoLimit)
	if err := r.ParseMultipartForm(portalLogoLimit); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, portalLogoRefusal("must be an image of at most 1 MB")
		}
		return nil, http.StatusUnprocessableEntity, portalLogoRefusal("choose an image file to upload")
	}
	file, _, err := r.FormFile("logo")
	if err != nil {
		return nil, http.StatusUnprocessableEntity, portalLogoRefusal("choose an image file to upload")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, app.MaxLogoBytes+1))
	if err != nil {
		return nil, http.StatusUnprocessableEntity, portalLogoRefusal("the upload did not arrive whole; try again")
	}
	return data, 0, nil
}

func portalLogoRefusal(msg string) error {
	var v ally.Validator
	v.Add(ally.CoreLogo, "%s", msg)
	return v.Err()
}

// renderPortalProfile shows the profile in the template's order. After a refused
// edit, posted holds what was typed, shown again in the editable fields.
func (s *server) renderPortalProfile(w http.ResponseWriter, r *http.Request, status int, pv *app.ProfileView, posted url.Values, f portalForm) {
	d := portalProfileData{portalNav: portalNav{Nav: &pv.Template.Sections}, portalForm: f, Version: pv.Partner.Version}
	onForm := map[string]bool{}
	for _, fv := range pv.Fields {
		pf := portalProfileField{ProfileFieldView: fv, Control: portalControls[fv.Type], Error: f.Errors[fv.Key]}
		if pf.Control == "" {
			pf.Control = "text"
		}
		if fv.Editable && fv.Type != ally.TypeImage {
			d.Editable = true
			onForm[fv.Key] = true
			if vs, ok := posted[fv.Key]; ok {
				pf.Value, pf.Values = portalFirst(vs), portalNonEmpty(vs)
			}
		}
		if fv.Type == ally.TypeImage {
			onForm[fv.Key] = fv.Editable
		}
		d.Fields = append(d.Fields, pf)
	}
	for key, msg := range f.Errors {
		if !onForm[key] {
			d.Other = append(d.Other, portalLabelOf(pv, key)+": "+msg)
		}
	}
	s.render(w, r, status, "portal/profile", view{Title: "Profile", Data: d})
}

// portalLabelOf names a property for a message: its label when the profile shows
// it, else the key as sent.
func portalLabelOf(pv *app.ProfileView, key string) string {
	for _, f := range pv.Fields {
		if f.Key == key {
			return f.Label
		}
	}
	for _, c := range ally.CoreProperties {
		if c.Key == key {
			return c.Label
		}
	}
	return key
}

func portalFirst(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func portalNonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
