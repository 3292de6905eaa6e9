package main

import (
	"net/http"

	"github.com/allyprm/ally/internal/api"
	"github.com/allyprm/ally/internal/web"
)

// routes registers the application's routes beside the server's own
// (/healthz, /readyz, /metrics): the API under /api/v1, the admin UI under
// /admin and the partner portal under /partner.
func (m *Main) routes(mux *http.ServeMux) {
	api.Register(mux, m.app, api.Config{
		Logger:    m.log,
		Version:   buildVersion().Version,
		RateLimit: m.cfg.APIRate,
		RateBurst: m.cfg.APIBurst,
	})
	web.Register(mux, m.app, web.Config{BaseURL: m.cfg.BaseURL, Logger: m.log, Version: buildVersion().Version})
}
