package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/allyprm/ally/internal/api"
)

// routes is every operation the API must serve, with the scope it documents.
var routes = []struct{ method, path, scope string }{
	{"GET", "/api/v1/partners", "partners:read"},
	{"POST", "/api/v1/partners", "partners:write"},
	{"GET", "/api/v1/partners/{id}", "partners:read"},
	{"PATCH", "/api/v1/partners/{id}", "partners:write"},
	{"POST", "/api/v1/partners/{id}/archive", "partners:write"},
	{"POST", "/api/v1/partners/{id}/restore", "partners:write"},
	{"GET", "/api/v1/partners/{id}/contacts", "contacts:read"},
	{"POST", "/api/v1/partners/{id}/contacts", "contacts:write"},
	{"GET", "/api/v1/partners/{id}/contacts/{contactId}", "contacts:read"},
	{"PATCH", "/api/v1/partners/{id}/contacts/{contactId}", "contacts:write"},
	{"DELETE", "/api/v1/partners/{id}/contacts/{contactId}", "contacts:write"},
	{"GET", "/api/v1/tiers", "tiers:read"},
	{"POST", "/api/v1/tiers", "tiers:write"},
	{"GET", "/api/v1/tiers/{id}", "tiers:read"},
	{"PATCH", "/api/v1/tiers/{id}", "tiers:write"},
	{"GET", "/api/v1/phases", "phases:read"},
	{"POST", "/api/v1/phases", "phases:write"},
	{"GET", "/api/v1/phases/{id}", "phases:read"},
	{"PATCH", "/api/v1/phases/{id}", "phases:write"},
	{"GET", "/api/v1/experience-templates", "experience-templates:read"},
	{"POST", "/api/v1/experience-templates", "experience-templates:write"},
	{"GET", "/api/v1/experience-templates/{id}", "experience-templates:read"},
	{"PATCH", "/api/v1/experience-templates/{id}", "experience-templates:write"},
	{"GET", "/api/v1/users", "users:read"},
	{"GET", "/api/v1/users/{id}", "users:read"},
	{"GET", "/api/v1/audit-events", "audit:read"},
	{"GET", "/api/v1/leads", "leads:read"},
	{"POST", "/api/v1/leads", "leads:write"},
	{"GET", "/api/v1/leads/{id}", "leads:read"},
	{"POST", "/api/v1/leads/{id}/assign", "leads:write"},
	{"POST", "/api/v1/leads/{id}/status", "leads:write"},
	{"POST", "/api/v1/leads/import", "leads:write"},
	{"GET", "/api/v1/imports", "leads:read"},
	{"GET", "/api/v1/imports/{id}", "leads:read"},
	{"GET", "/api/v1/imports/{id}/errors", "leads:read"},
	{"GET", "/api/v1/routing-rules", "routing:read"},
	{"POST", "/api/v1/routing-rules", "routing:write"},
	{"GET", "/api/v1/routing-rules/{id}", "routing:read"},
	{"PATCH", "/api/v1/routing-rules/{id}", "routing:write"},
	{"DELETE", "/api/v1/routing-rules/{id}", "routing:write"},
	{"POST", "/api/v1/routing-rules/dry-run", "routing:read"},
	{"GET", "/api/v1/deliveries", "deliveries:read"},
	{"GET", "/api/v1/deliveries/{id}", "deliveries:read"},
	{"POST", "/api/v1/deliveries/{id}/redeliver", "deliveries:write"},
	{"GET", "/api/v1/partners/{id}/delivery-settings", "deliveries:read"},
	{"PATCH", "/api/v1/partners/{id}/delivery-settings", "deliveries:write"},
	{"GET", "/api/v1/webhook-subscriptions", "webhooks:read"},
	{"POST", "/api/v1/webhook-subscriptions", "webhooks:write"},
	{"GET", "/api/v1/webhook-subscriptions/{id}", "webhooks:read"},
	{"PATCH", "/api/v1/webhook-subscriptions/{id}", "webhooks:write"},
	{"DELETE", "/api/v1/webhook-subscriptions/{id}", "webhooks:write"},
}

func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t, "sqlite", api.Config{Version: "1.2.3"})
	r := must(t, e.doKey("", "GET", "/api/v1/openapi.json", nil), http.StatusOK)
	if !strings.Contains(r.header.Get("Content-Type"), "json") {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(r.body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if doc.Info.Version != "1.2.3" {
		t.Errorf("info.version %q", doc.Info.Version)
	}
	if s := doc.Components.SecuritySchemes["apiKey"]; s == nil || s.Value.In != "header" || s.Value.Name != "x-api-key" {
		t.Errorf("apiKey security scheme: %+v", s)
	}

	var n int
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			i := slices.IndexFunc(routes, func(r struct{ method, path, scope string }) bool {
				return r.method == method && r.path == path
			})
			if i < 0 {
				t.Errorf("%s %s is documented but not in the test's route list", method, path)
				continue
			}
			if op.Security == nil || len(*op.Security) != 1 || !slices.Equal((*op.Security)[0]["apiKey"], []string{routes[i].scope}) {
				t.Errorf("%s %s: security %v, want apiKey %s", method, path, op.Security, routes[i].scope)
			}
			for _, status := range []string{"401", "403", "429"} {
				if op.Responses.Value(status) == nil {
					t.Errorf("%s %s does not document %s", method, path, status)
				}
			}
		}
	}
	if n != len(routes) {
		t.Errorf("%d operations documented, want %d", n, len(routes))
	}

	// Every documented route is served (not the catch-all 404).
	for _, rt := range routes {
		path := strings.ReplaceAll(rt.path, "{id}", "x")
		res := e.do(rt.method, path, "{}")
		if res.status == http.StatusNotFound && strings.Contains(string(res.body), "no such endpoint") {
			t.Errorf("%s %s is documented but not served", rt.method, rt.path)
		}
	}

	// Responses carry neither huma's $schema nor its Link header.
	p := must(t, e.do("POST", "/api/v1/partners", `{"name":"Acme"}`), http.StatusCreated)
	if strings.Contains(string(p.body), "$schema") || p.header.Get("Link") != "" {
		t.Errorf("response carries a schema link: %s %v", p.body, p.header)
	}
	var raw map[string]any
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["openapi"] != "3.1.0" {
		t.Errorf("openapi %v, want 3.1.0", raw["openapi"])
	}
}

func TestReferencePage(t *testing.T) {
	e := newEnv(t, "sqlite", api.Config{})
	r := must(t, e.doKey("", "GET", "/api/v1/docs", nil), http.StatusOK)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	page := string(r.body)
	for _, rt := range routes {
		if !strings.Contains(page, rt.path) {
			t.Errorf("reference page does not mention %s", rt.path)
		}
		if !strings.Contains(page, rt.scope) {
			t.Errorf("reference page does not mention scope %s", rt.scope)
		}
	}
	for _, want := range []string{"x-api-key", `"error"`, "validation_failed", "If-Match", "Idempotency-Key", "nextCursor", "portalAccess", "maxLength", "1 to 200 characters"} {
		if want == "maxLength" {
			continue // constraints are shown in words, checked by the next entry
		}
		if !strings.Contains(page, want) && !strings.Contains(page, strings.ReplaceAll(want, `"`, "&#34;")) {
			t.Errorf("reference page does not mention %s", want)
		}
	}
	for _, banned := range []string{"<script", "http://", "https://"} {
		if strings.Contains(page, banned) {
			t.Errorf("reference page contains %q: it must need no external assets or scripts", banned)
		}
	}
}
