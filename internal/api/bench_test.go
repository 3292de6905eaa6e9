package api_test

import (
	"net/http"
	"testing"

	"github.com/allyprm/ally/internal/api"
)

// BenchmarkGetPartner is one GET /api/v1/partners/{id} round trip over a
// loopback HTTP server on SQLite: auth (cached key), rate limit, read, render.
func BenchmarkGetPartner(b *testing.B) {
	e := newEnv(b, "sqlite", api.Config{})
	id := e.createPartner(map[string]any{"name": "Acme", "domain": "acme.example", "categories": []string{"Reseller"},
		"companyCrmProperties": map[string]any{"size": 12}})["id"].(string)
	path := "/api/v1/partners/" + id
	b.ReportAllocs()
	for b.Loop() {
		if r := e.do("GET", path, nil); r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
	}
}
