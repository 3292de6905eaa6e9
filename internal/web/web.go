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
	guarded := securityHeaders(csrf.Handler(ui))
	mux.Handle("/admin/", guarded)
	mux.Handle("/admin", http.RedirectHandler("/admin/", http.StatusFound))
	mux.Handle("/partner/", guarded)
	mux.Handle("/partner", http.RedirectHandler("/partner/", http.StatusFound))
	mux.HandleFunc("GET /static/", s.static.serve)
	mux.HandleFunc("GET /theme.css", s.themeCSS)
	mux.HandleFunc("GET /files/{id}", s.file)
	mux.Handle("GET /{$}", http.RedirectHandler("/admin/", http.StatusFound))
}
