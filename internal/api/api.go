// Package api serves Ally's JSON API at /api/v1: the Introw-compatible
// partner endpoints, the catalog (tiers, phases, experience templates),
// staff users and the audit log, with its OpenAPI 3.1 document and a
// readable reference page.
//
// Handlers only parse, call the application layer with the API key's actor
// and render; the application checks scopes, visibility and validity.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/allyprm/ally/internal/app"
)

// Config tunes the API.
type Config struct {
	Logger *slog.Logger
	// Version is shown in the OpenAPI document's info.version.
	Version string
	// RateLimit is requests per second per API key; 0 means 50.
	RateLimit float64
	// RateBurst is how many requests a key may make at once; 0 means 100.
	RateBurst int
}

// server holds what the handlers need.
type server struct {
	app     *app.App
	log     *slog.Logger
	limiter *limiter
}

// Mux is what Register adds the API's routes to: an *http.ServeMux, or a
// wrapper around one that also notes each pattern (the access matrix test
// checks that it covers every route).
type Mux interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
	ServeHTTP(http.ResponseWriter, *http.Request)
}

// Register adds every /api/v1 route to mux, plus GET /api/v1/openapi.json
// (the OpenAPI 3.1 document) and GET /api/v1/docs (the reference page),
// which need no key. Unknown paths under /api/v1/ get a 404 error envelope.
func Register(mux Mux, a *app.App, cfg Config) {
	installErrorModel()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &server{app: a, log: cfg.Logger, limiter: newLimiter(cfg.RateLimit, cfg.RateBurst)}

	api := humago.New(mux, humaConfig(cfg.Version))
	api.UseMiddleware(s.withRequest, s.checkURL, s.authenticate, s.rateLimit)
	s.routes(api)

	// The document is complete once the routes are in: render both once.
	spec, err := json.Marshal(api.OpenAPI())
	if err != nil {
		panic("api: marshal OpenAPI document: " + err.Error())
	}
	docs := renderDocs(api.OpenAPI())
	mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/openapi+json")
		_, _ = w.Write(spec)
	})
	mux.HandleFunc("GET /api/v1/docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(docs)
	})
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(&apiError{Err: errorBody{Code: "not_found",
			Message: "no such endpoint: " + r.Method + " " + r.URL.Path + "; see /api/v1/docs"}})
	})
}

// humaConfig is huma's default configuration without the parts we replace:
// its docs page (scripts from a CDN), the $schema link transformer, and the
// spec routes, which Register serves itself from one rendering (huma's own
// handler renders lazily without a lock).
func humaConfig(version string) huma.Config {
	c := huma.DefaultConfig("Ally API", version)
	c.OpenAPIPath = ""
	c.DocsPath = ""
	c.SchemasPath = ""
	c.CreateHooks = nil
	c.Info.Description = "Ally's partner API, compatible with Introw's partner endpoints. " +
		"Send the API key in the x-api-key header (or Authorization: Bearer). " +
		"Errors are {\"error\":{\"code\",\"message\",\"fields\"}}. The reference page is at /api/v1/docs."
	c.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"apiKey": {Type: "apiKey", In: "header", Name: "x-api-key",
			Description: "An Ally API key, shown once when created. Authorization: Bearer <key> works too."},
	}
	return c
}

// schemaName names component schemas after the API's vocabulary:
// partnerJSON is "Partner", single[partnerJSON] "PartnerResponse",
// list[partnerJSON] "PartnerList", apiError "Error".
func schemaName(t reflect.Type, hint string) string {
	n := strings.ReplaceAll(huma.DefaultSchemaNamer(t, hint), "JSON", "")
	switch {
	case n == "ApiError":
		return "Error"
	case n == "ErrorBody":
		return "ErrorDetail"
	case strings.HasPrefix(n, "Single"):
		return strings.TrimPrefix(n, "Single") + "Response"
	case strings.HasPrefix(n, "List") && len(n) > 4:
		return strings.TrimPrefix(n, "List") + "List"
	}
	return n
}
