// Package web serves Ally's two browser surfaces: the staff admin UI at
// /admin and the partner portal at /partner. Pages are rendered on the
// server from embedded templates and work without JavaScript. Handlers only
// parse, call the application layer with the signed-in actor, and render.
package web

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/allyprm/ally/internal/app"
)

// Config is what Register needs.
type Config struct {
	// BaseURL is the absolute URL users reach Ally at; it decides whether
	// cookies are Secure and which origin cross-site checks trust.
	BaseURL string
	Logger  *slog.Logger
	Version string
}

// server holds what handlers share.
type server struct {
	app    *app.App
	cfg    Config
	log    *slog.Logger
	pages  *pages
	static *staticFiles
	secure bool // cookies are Secure (the base URL is https)
}

// Register adds the admin UI, the portal, static files and uploaded files
// to mux. Every unsafe request through them must come from this site
// (cross-origin form posts are refused).
func Register(mux *http.ServeMux, a *app.App, cfg Config) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	u, _ := url.Parse(cfg.BaseURL)
	s := &server{app: a, cfg: cfg, log: cfg.Logger, secure: u != nil && u.Scheme == "https"}
	s.static = newStaticFiles()
	s.pages = mustParsePages(s.static)

	csrf := http.NewCrossOriginProtection()
	if u != nil && u.Host != "" {
		_ = csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	ui := http.NewServeMux()
	s.adminRoutes(ui)
	s.portalRoutes(ui)
	s.mount(mux, securityHeaders(csrf.Handler(ui)))
}

// mount adds to mux the two surfaces' route tables (ui, behind the
// cross-origin and header guards), the redirects to them, and the files
// served beside them.
func (s *server) mount(mux router, ui http.Handler) {
	mux.Handle("/admin/", ui)
	mux.Handle("/admin", http.RedirectHandler("/admin/", http.StatusFound))
	mux.Handle("/partner/", ui)
	mux.Handle("/partner", http.RedirectHandler("/partner/", http.StatusFound))
	mux.HandleFunc("GET /static/", s.static.serve)
	mux.HandleFunc("GET /theme.css", s.themeCSS)
	mux.HandleFunc("GET /files/{id}", s.file)
	mux.Handle("GET /{$}", http.RedirectHandler("/admin/", http.StatusFound))
}

// router is what the route tables register on: the *http.ServeMux that
// serves them, or the recorder Routes lists them with.
type router interface {
	Handle(pattern string, h http.Handler)
	HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request))
}

// Routes returns the pattern of every route Register adds, in the order it
// adds them, those of the admin UI and the portal included (a pattern
// registered twice, like "/partner/" as mount point and as the portal's
// "no such page", is listed twice). The access matrix test checks that it
// covers each one, so a new route cannot be added without saying who may
// call it.
func Routes() []string {
	var rec routeRecorder
	s := &server{}
	s.adminRoutes(&rec)
	s.portalRoutes(&rec)
	s.mount(&rec, nil)
	return rec
}

// routeRecorder is a router that only notes the patterns.
type routeRecorder []string

func (r *routeRecorder) Handle(pattern string, _ http.Handler) { *r = append(*r, pattern) }

func (r *routeRecorder) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	*r = append(*r, pattern)
}
