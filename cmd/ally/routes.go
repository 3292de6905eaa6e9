package main

import (
	"net/http"

	"github.com/allyprm/ally/internal/api"
)

// routes registers the application's routes beside the server's own
// (/healthz, /readyz, /metrics): the API under /api/v1 now; the admin UI
// and the partner portal later.
func (m *Main) routes(mux *http.ServeMux) {
	api.Register(mux, m.app, api.Config{
		Logger:    m.log,
		Version:   buildVersion().Version,
		RateLimit: m.cfg.APIRate,
		RateBurst: m.cfg.APIBurst,
	})
}
