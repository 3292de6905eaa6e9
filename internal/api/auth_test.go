package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
)

func TestAuthentication(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		revokedID, revoked := e.newKeyID("old")
		if err := e.app.RevokeAPIKey(context.Background(), ally.System("test"), revokedID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			hdr  []string
		}{
			{"missing", nil},
			{"wrong", []string{"x-api-key", "ally_notakey"}},
			{"garbage", []string{"x-api-key", "hello"}},
			{"revoked", []string{"x-api-key", revoked}},
			{"revoked bearer", []string{"Authorization", "Bearer " + revoked}},
			{"basic auth", []string{"Authorization", "Basic " + e.key}},
		} {
			r := e.doKey("", "GET", "/api/v1/partners", nil, c.hdr...)
			if r.status != http.StatusUnauthorized {
				t.Errorf("%s key: status %d, want 401: %s", c.name, r.status, r.body)
				continue
			}
			if er := r.err(t); er.Code != "unauthorized" {
				t.Errorf("%s key: code %q", c.name, er.Code)
			}
		}
		must(t, e.doKey("", "GET", "/api/v1/partners", nil, "Authorization", "Bearer "+e.key), http.StatusOK)
		must(t, e.doKey("", "GET", "/api/v1/partners", nil, "x-api-key", e.key), http.StatusOK)

		// The document and the reference page are public.
		must(t, e.doKey("", "GET", "/api/v1/openapi.json", nil), http.StatusOK)
		must(t, e.doKey("", "GET", "/api/v1/docs", nil), http.StatusOK)
	})
}

func TestScopes(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		p := e.createPartner(map[string]any{"name": "Acme"})
		id := p["id"].(string)
		reader := e.newKey("reader", ally.ScopePartnersRead)
		writer := e.newKey("writer", ally.ScopePartnersWrite)
		before := e.snapshot(id)

		for _, c := range []struct {
			key, method, path, body string
			status                  int
		}{
			{reader, "GET", "/api/v1/partners/" + id, "", 200},
			{reader, "PATCH", "/api/v1/partners/" + id, `{"name":"Taken"}`, 403},
			{reader, "POST", "/api/v1/partners", `{"name":"New"}`, 403},
			{reader, "POST", "/api/v1/partners/" + id + "/archive", "", 403},
			{reader, "GET", "/api/v1/tiers", "", 403},
			{reader, "GET", "/api/v1/audit-events", "", 403},
			{reader, "GET", "/api/v1/users", "", 403},
			{writer, "GET", "/api/v1/partners/" + id, "", 403},
			{writer, "GET", "/api/v1/partners", "", 403},
		} {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.doKey(c.key, c.method, c.path, body)
			if r.status != c.status {
				t.Errorf("%s %s: status %d, want %d: %s", c.method, c.path, r.status, c.status, r.body)
				continue
			}
			if c.status == 403 {
				if er := r.err(t); er.Code != "forbidden" {
					t.Errorf("%s %s: code %q", c.method, c.path, er.Code)
				}
			}
		}
		if after := e.snapshot(id); after != before {
			t.Errorf("forbidden requests changed the store")
		}
	})
}

func TestNotFound(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/partners/ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", ""},
			{"GET", "/api/v1/partners/no-such-external-id", ""},
			{"PATCH", "/api/v1/partners/ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", `{"name":"X"}`},
			{"POST", "/api/v1/partners/nope/archive", ""},
			{"POST", "/api/v1/partners/nope/restore", ""},
			{"GET", "/api/v1/tiers/tier_nope", ""},
			{"PATCH", "/api/v1/phases/phase_nope", `{"name":"X"}`},
			{"GET", "/api/v1/experience-templates/exp_nope", ""},
			{"GET", "/api/v1/users/user_nope", ""},
			{"GET", "/api/v1/no-such-thing", ""},
			{"DELETE", "/api/v1/partners/x", ""},
		} {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.do(c.method, c.path, body)
			if r.status != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404: %s", c.method, c.path, r.status, r.body)
				continue
			}
			if er := r.err(t); er.Code != "not_found" {
				t.Errorf("%s %s: code %q", c.method, c.path, er.Code)
			}
		}
	})
}

func TestRateLimit(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{RateLimit: 0.01, RateBurst: 3})
		other := e.newKey("other")
		for range 3 {
			must(t, e.do("GET", "/api/v1/partners", nil), http.StatusOK)
		}
		r := must(t, e.do("GET", "/api/v1/partners", nil), http.StatusTooManyRequests)
		if er := r.err(t); er.Code != "rate_limited" {
			t.Errorf("code %q", er.Code)
		}
		secs, err := strconv.Atoi(r.header.Get("Retry-After"))
		if err != nil || secs < 1 || secs > 100 {
			t.Errorf("Retry-After %q, want whole seconds until a token (about 100)", r.header.Get("Retry-After"))
		}
		// The bucket is the key's: another key is not held back.
		must(t, e.doKey(other, "GET", "/api/v1/partners", nil), http.StatusOK)
	})
}

func TestBodyTooLarge(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		p := e.createPartner(map[string]any{"name": "Acme"})
		id := p["id"].(string)
		before := e.snapshot(id)
		big := `{"name":"A","description":"` + strings.Repeat("x", 1<<20) + `"}`
		for _, c := range []struct {
			method, path string
			hdr          []string
		}{
			{"POST", "/api/v1/partners", nil},
			{"POST", "/api/v1/partners", []string{"Idempotency-Key", "big-1"}},
			{"PATCH", "/api/v1/partners/" + id, nil},
		} {
			r := e.do(c.method, c.path, big, c.hdr...)
			if r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s %s %v: status %d, want 413: %.200s", c.method, c.path, c.hdr, r.status, r.body)
				continue
			}
			if er := r.err(t); er.Code != "request_too_large" {
				t.Errorf("code %q", er.Code)
			}
		}
		if after := e.snapshot(id); after != before {
			t.Errorf("a 413 changed the store")
		}
	})
}

func TestPreconditionFailed(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		p := e.createPartner(map[string]any{"name": "Acme"})
		id := p["id"].(string)
		r := must(t, e.do("PATCH", "/api/v1/partners/"+id, `{"name":"Acme 2"}`, "If-Match", `"1"`), http.StatusOK)
		if r.header.Get("ETag") != `"2"` {
			t.Errorf("ETag %q after one change, want \"2\"", r.header.Get("ETag"))
		}
		before := e.snapshot(id)
		for _, path := range []string{"/api/v1/partners/" + id, "/api/v1/partners/" + id + "/archive"} {
			method := "PATCH"
			var body any = `{"name":"Stale"}`
			if strings.HasSuffix(path, "/archive") {
				method, body = "POST", nil
			}
			r := e.do(method, path, body, "If-Match", `"1"`)
			if r.status != http.StatusPreconditionFailed {
				t.Fatalf("%s %s with stale If-Match: %d %s", method, path, r.status, r.body)
			}
			if er := r.err(t); er.Code != "precondition_failed" {
				t.Errorf("code %q", er.Code)
			}
		}
		for _, bad := range []string{`1`, `"one"`, `"1", "2"`, `W/1`} {
			r := e.do("PATCH", "/api/v1/partners/"+id, `{"name":"Bad"}`, "If-Match", bad)
			if r.status != http.StatusBadRequest {
				t.Errorf("If-Match %s: status %d, want 400", bad, r.status)
			}
		}
		if after := e.snapshot(id); after != before {
			t.Errorf("refused conditional writes changed the store")
		}
		must(t, e.do("PATCH", "/api/v1/partners/"+id, `{"name":"Weak"}`, "If-Match", `W/"2"`), http.StatusOK)
		must(t, e.do("PATCH", "/api/v1/partners/"+id, `{"name":"Any"}`, "If-Match", `*`), http.StatusOK)

		tier := must(t, e.do("POST", "/api/v1/tiers", `{"name":"Gold"}`), http.StatusCreated)
		tid := tier.data(t)["id"].(string)
		must(t, e.do("PATCH", "/api/v1/tiers/"+tid, `{"rank":2}`, "If-Match", tier.header.Get("ETag")), http.StatusOK)
		must(t, e.do("PATCH", "/api/v1/tiers/"+tid, `{"rank":3}`, "If-Match", tier.header.Get("ETag")), http.StatusPreconditionFailed)
	})
}
