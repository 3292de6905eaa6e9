package api_test

import (
	"fmt"
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

// BenchmarkListPartners is one GET /api/v1/partners?limit=50 page of
// partners with CRM properties: the list read and its rendering.
func BenchmarkListPartners(b *testing.B) {
	e := newEnv(b, "sqlite", api.Config{})
	for i := range 60 {
		e.createPartner(map[string]any{"name": fmt.Sprintf("Partner %d", i), "domain": fmt.Sprintf("p%d.example", i),
			"categories": []string{"Reseller"}, "status": "active",
			"partnerObjectCrmProperties": map[string]any{"industry": "Software", "country": "BE", "employeeCount": 40},
			"companyCrmProperties":       map[string]any{"domain": fmt.Sprintf("p%d.example", i)}})
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := e.do("GET", "/api/v1/partners?status=active&limit=50", nil); r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
	}
}
