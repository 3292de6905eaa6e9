package web

import (
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// API keys: the list, a form to make one, revoking. A new key's secret is
// shown once, on the response to the form itself: never in a redirect or
// a flash, which would put it in a URL or keep it around. Every admin page
// is sent with Cache-Control: no-store, so the browser keeps no copy.

// keyForm is the new-key form as typed.
type keyForm struct {
	Name   string
	Scopes []option
}

// keyRow is a key in the list.
type keyRow struct {
	*ally.APIKey
	ScopeList string
}

type keysData struct {
	Keys []keyRow
	Form keyForm
	Errs formErrs
	// New is the key just made, with Secret its only showing.
	New    *ally.APIKey
	Secret string
}

// scopeOptions is the scope checkboxes, ticked where picked.
func scopeOptions(picked []ally.Scope) []option {
	opts := make([]option, len(ally.AllScopes))
	for i, sc := range ally.AllScopes {
		opts[i] = option{Value: string(sc), Label: string(sc)}
		for _, p := range picked {
			opts[i].Checked = opts[i].Checked || p == sc
		}
	}
	return opts
}

func (s *server) keyList(w http.ResponseWriter, r *http.Request) {
	s.renderKeys(w, r, http.StatusOK, keysData{Form: keyForm{Scopes: scopeOptions(nil)}})
}

func (s *server) renderKeys(w http.ResponseWriter, r *http.Request, status int, d keysData) {
	ks, err := s.app.APIKeys(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Keys = make([]keyRow, len(ks))
	for i, k := range ks {
		names := make([]string, len(k.Scopes))
		for j, sc := range k.Scopes {
			names[j] = string(sc)
		}
		d.Keys[i] = keyRow{APIKey: k, ScopeList: strings.Join(names, ", ")}
	}
	title := "API keys"
	if d.New != nil {
		title = "API key created"
	}
	s.render(w, r, status, "admin/settings_apikeys", view{Title: title, Data: d})
}

func (s *server) keyCreate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	var scopes []ally.Scope
	for _, v := range f.r.PostForm["scope"] {
		scopes = append(scopes, ally.Scope(v))
	}
	form := keyForm{Name: f.text("name"), Scopes: scopeOptions(scopes)}
	if len(scopes) == 0 {
		// The application reads no scopes as every scope; a form left
		// unticked more likely means a slip, so ask rather than grant all.
		f.errs["scopes"] = "tick at least one permission"
		nk := ally.NewAPIKey{Name: form.Name}
		err := f.check(nk.Validate())
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderKeys(w, r, status, keysData{Form: form, Errs: e}) })
		return
	}
	k, secret, err := s.app.CreateAPIKey(r.Context(), actor(r), ally.NewAPIKey{Name: form.Name, Scopes: scopes})
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderKeys(w, r, status, keysData{Form: form, Errs: e}) })
		return
	}
	s.renderKeys(w, r, http.StatusCreated, keysData{Form: keyForm{Scopes: scopeOptions(nil)}, New: k, Secret: secret})
}

func (s *server) keyRevoke(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RevokeAPIKey(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/settings/api-keys", "revoked")
}
