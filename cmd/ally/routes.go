package main

import (
	"net/http"
)

// routes registers the application's routes beside the server's own
// (/healthz, /readyz, /metrics): the API now; the admin UI and portal later.
func (m *Main) routes(mux *http.ServeMux) {
	// api.Register(mux, m.app, api.Config{...}) lands with internal/api.
}
