package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/httperr"
	"github.com/allyprm/ally/internal/server/reqid"
)

//go:embed templates
var templateFS embed.FS

// pages holds every page template, parsed at start-up so a template mistake
// stops the server at boot rather than on a user's click.
type pages struct {
	byName map[string]*template.Template
}

// view is what every page template receives.
type view struct {
	Title    string
	Actor    ally.Actor
	Branding ally.Branding
	Flash    string // a one-line confirmation from the previous action
	Path     string // the current path, for the navigation
	Data     any    // the page's own data
}

// mustParsePages parses each page (templates/admin/*.html except layout,
// templates/portal/*.html except layout) together with its surface's
// layout and the shared partials.
func mustParsePages(static *staticFiles) *pages {
	funcs := template.FuncMap{
		"static":    static.url,
		"date":      func(t time.Time) string { return formatTime(t, "2 Jan 2006") },
		"when":      func(t time.Time) string { return formatTime(t, "2 Jan 2006 15:04 UTC") },
		"join":      strings.Join,
		"has":       func(list []string, s string) bool { return contains(list, s) },
		"add":       func(a, b int) int { return a + b },
		"dict":      dict,
		"hasPrefix": strings.HasPrefix,
	}
	shared, err := fs.Glob(templateFS, "templates/shared/*.html")
	if err != nil {
		panic(err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, surface := range []string{"admin", "portal"} {
		files, err := fs.Glob(templateFS, "templates/"+surface+"/*.html")
		if err != nil {
			panic(err)
		}
		for _, f := range files {
			if path.Base(f) == "layout.html" {
				continue
			}
			name := surface + "/" + strings.TrimSuffix(path.Base(f), ".html")
			set := append([]string{"templates/" + surface + "/layout.html", f}, shared...)
			t, err := template.New(path.Base(f)).Funcs(funcs).ParseFS(templateFS, set...)
			if err != nil {
				panic(fmt.Sprintf("web: template %s: %v", name, err))
			}
			p.byName[name] = t
		}
	}
	return p
}

func formatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(layout)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// dict builds a map in a template, for passing several values to a partial.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

// render writes page name with status. It renders into a buffer first, so a
// template error becomes a clean 500 instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.Error("no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if v.Branding.VendorName == "" {
		v.Branding, _ = s.app.Branding(r.Context())
	}
	if v.Actor.Kind == "" {
		v.Actor, _ = ally.ActorFrom(r.Context())
	}
	if v.Flash == "" {
		v.Flash = flashText[r.URL.Query().Get("ok")]
	}
	v.Path = r.URL.Path
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("rendering page", "page", name, "err", err, "request_id", reqid.From(r.Context()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// flashText maps the ?ok= key a redirect after a successful form carries to
// the sentence shown. Keys, not text, travel in the URL, so nobody can make
// Ally display words of their choosing.
var flashText = map[string]string{
	"saved":      "Saved.",
	"created":    "Created.",
	"archived":   "Archived.",
	"restored":   "Restored.",
	"deleted":    "Deleted.",
	"invited":    "Invitation sent.",
	"revoked":    "Revoked.",
	"password":   "Password changed.",
	"signedout":  "You are signed out.",
	"reset":      "If that address has an account, a reset link is on its way.",
	"resetdone":  "Your password is set. Sign in with it.",
	"signup":     "If that address can join, a link to finish signing up is on its way.",
	"email":      "Check the new address for a confirmation link.",
	"emailset":   "Your e-mail address is changed.",
	"testmail":   "Test e-mail queued.",
	"key":        "API key created. Copy it now: it is not shown again.",
	"totp":       "Two-step sign-in is on.",
	"totpoff":    "Two-step sign-in is off.",
	"tempset":    "Temporary password set; it must be changed at first sign-in.",
	"disabled":   "Portal access disabled.",
	"granted":    "Access granted.",
	"ungranted":  "Access removed.",
	"bulk":       "Selected partners archived.",
	"logo":       "Logo uploaded.",
	"comment":    "Added to the timeline.",
	"notify":     "Notifications marked read.",
	"resent":     "Invitation sent again.",
	"nothing":    "Nothing to change.",
	"mustchange": "Choose a new password to continue.",
	"assigned":   "Lead assigned.",
	"unassigned": "Lead sent back to the unassigned queue.",
	"redeliver":  "Another attempt is queued.",
	"rotated":    "New signing secret made: give it to the receiver.",
}

// statusOf maps an application error to its HTTP status (see httperr).
func statusOf(err error) int { return httperr.Status(err) }

// errorPage renders an error as a page of the surface ("admin" or
// "portal"). Internal errors are logged with the request id and shown only
// as that id.
func (s *server) errorPage(w http.ResponseWriter, r *http.Request, surface string, err error) {
	status := statusOf(err)
	msg := "Something went wrong on our side."
	var e *ally.Error
	if status == http.StatusInternalServerError || !errors.As(err, &e) {
		status = http.StatusInternalServerError
		s.log.Error("request failed", "err", err, "path", r.URL.Path, "request_id", reqid.From(r.Context()))
		msg += " Reference: " + reqid.From(r.Context())
	} else {
		msg = e.Message
	}
	s.render(w, r, status, surface+"/error", view{Title: http.StatusText(status), Data: map[string]any{"Status": status, "Message": msg}})
}

// fieldErrors returns the per-field messages of a validation error, for
// showing beside the form fields, and the error's message.
func fieldErrors(err error) (map[string]string, string) {
	var e *ally.Error
	if !errors.As(err, &e) {
		return nil, ""
	}
	m := map[string]string{}
	for _, f := range e.Fields {
		if _, seen := m[f.Field]; !seen {
			m[f.Field] = f.Message
		}
	}
	return m, e.Message
}

// redirect sends the browser on after a successful form (303, so a reload
// does not post again), with a flash key.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "ok=" + flash
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
