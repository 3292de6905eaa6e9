package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/allyprm/ally/internal/app"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded CSS and images under content-hashed
// names (/static/app.3f2a9c1b.css), so browsers may cache them for a year
// and a new release is fetched at once.
type staticFiles struct {
	byURL  map[string]staticFile
	byName map[string]string // app.css → /static/app.3f2a9c1b.css
}

type staticFile struct {
	data  []byte
	ctype string
}

func newStaticFiles() *staticFiles {
	s := &staticFiles{byURL: map[string]staticFile{}, byName: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		s.byName[name] = url
		s.byURL[url] = staticFile{data: data, ctype: contentTypes[ext]}
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("web: embedded static files: %v", err)) // a build mistake, caught by every test
	}
	return s
}

var contentTypes = map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}

// url returns the hashed URL of an embedded file, for templates.
func (s *staticFiles) url(name string) string {
	if u, ok := s.byName[name]; ok {
		return u
	}
	panic("web: no static file " + name) // templates are parsed at start, so this fails at boot
}

func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := s.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(f.data)
}

// themeCSS serves the vendor's accent colour as a stylesheet, so pages need
// no inline style (the content security policy forbids it).
func (s *server) themeCSS(w http.ResponseWriter, r *http.Request) {
	b, err := s.app.Branding(r.Context())
	if err != nil {
		s.log.Error("theme", "err", err)
	}
	color := b.AccentColor
	if !hexColor(color) {
		color = app.DefaultAccentColor
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprintf(w, ":root{--accent:%s}\n", color)
}

// file serves an uploaded file (a logo) with the type sniffed at upload and
// headers that stop a browser from treating it as anything else.
func (s *server) file(w http.ResponseWriter, r *http.Request) {
	f, err := s.app.File(r.Context(), r.PathValue("id"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", "inline")
	h.Set("Cache-Control", "private, max-age=86400")
	_, _ = w.Write(f.Data)
}

func hexColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
