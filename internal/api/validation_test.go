package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/api"
)

// badRequest is one request that must be refused: the status, and the
// field the error must name ("" when the error is about the whole body).
type badRequest struct {
	name   string
	body   string
	status int
	field  string
}

// checkRefused sends each case and checks the status, the error envelope,
// the named field, and that nothing changed (before is taken by snap).
func checkRefused(t *testing.T, e *env, method, path string, cases []badRequest, snap func() string) {
	t.Helper()
	for _, c := range cases {
		before := snap()
		r := e.do(method, path, c.body)
		if r.status != c.status {
			t.Errorf("%s: %s %s: status %d, want %d: %s", c.name, method, c.body, r.status, c.status, r.body)
			continue
		}
		er := r.err(t)
		if c.field != "" && !slices.ContainsFunc(er.fieldNames(), func(f string) bool { return f == c.field || strings.HasPrefix(f, c.field+"[") }) {
			t.Errorf("%s: error names %v, want %q: %s", c.name, er.fieldNames(), c.field, r.body)
		}
		if after := snap(); after != before {
			t.Errorf("%s: a refused request changed the store:\nbefore %s\nafter  %s", c.name, before, after)
		}
	}
}

func TestPatchPartnerValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		p := e.createPartner(map[string]any{"name": "Acme", "domain": "acme.example"})
		id := p["id"].(string)
		long := strings.Repeat("x", 201)
		cases := []badRequest{
			{"empty name", `{"name":""}`, 422, "name"},
			{"blank name", `{"name":"   "}`, 422, "name"},
			{"long name", `{"name":"` + long + `"}`, 422, "name"},
			{"name null", `{"name":null}`, 422, "name"},
			{"name number", `{"name":5}`, 422, "name"},
			{"empty domain", `{"domain":""}`, 422, "domain"},
			{"domain with scheme", `{"domain":"https://acme.example"}`, 422, "domain"},
			{"domain one label", `{"domain":"localhost"}`, 422, "domain"},
			{"long domain", `{"domain":"` + strings.Repeat("a", 250) + `.example"}`, 422, "domain"},
			{"portalAccess unknown", `{"portalAccess":"OPEN","experienceTemplateId":"exp_x"}`, 422, "portalAccess"},
			{"portalAccess alone", `{"portalAccess":"RESTRICTED_DOMAINS"}`, 422, "portalAccess"},
			{"empty tierId", `{"tierId":""}`, 422, "tierId"},
			{"unknown tierId", `{"tierId":"tier_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"}`, 422, "tierId"},
			{"unknown phaseId", `{"phaseId":"phase_nope"}`, 422, "phaseId"},
			{"unknown template", `{"experienceTemplateId":"exp_nope"}`, 422, "experienceTemplateId"},
			{"unknown owner", `{"partnerOwnerId":"user_nope"}`, 422, "partnerOwnerId"},
			{"phaseId null", `{"phaseId":null}`, 422, "phaseId"},
			{"read-only status", `{"status":"active"}`, 400, "status"},
			{"read-only categories", `{"categories":["Reseller"]}`, 400, "categories"},
			{"read-only id", `{"id":"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"}`, 400, "id"},
			{"read-only version", `{"name":"Acme 2","version":7}`, 400, "version"},
			{"unknown field", `{"nmae":"typo"}`, 400, "nmae"},
			{"malformed JSON", `{"name":`, 400, ""},
			{"not an object", `["name"]`, 400, ""},
			{"a string", `"name"`, 400, ""},
			{"empty body", ``, 400, ""},
		}
		checkRefused(t, e, "PATCH", "/api/v1/partners/"+id, cases, func() string { return e.snapshot(id) })

		// The unknown-field message says what is wrong.
		er := e.do("PATCH", "/api/v1/partners/"+id, `{"status":"active"}`).err(t)
		if er.Code != "bad_request" || !strings.Contains(er.Message, "unknown or read-only") {
			t.Errorf("status in PATCH: %+v", er)
		}
	})
}

func TestCreatePartnerValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		snap := func() string {
			return string(must(t, e.do("GET", "/api/v1/partners?limit=200", nil), 200).body) +
				string(must(t, e.do("GET", "/api/v1/audit-events?limit=200", nil), 200).body)
		}
		cats := `["` + strings.Repeat(`a","`, 50) + `b"]`
		cases := []badRequest{
			{"no name", `{"domain":"acme.example"}`, 422, "name"},
			{"name null", `{"name":null}`, 422, "name"},
			{"bad domain", `{"name":"A","domain":"acme"}`, 422, "domain"},
			{"website not http", `{"name":"A","website":"ftp://acme.example"}`, 422, "website"},
			{"logoUrl relative", `{"name":"A","logoUrl":"/logo.png"}`, 422, "logoUrl"},
			{"phone letters", `{"name":"A","phone":"call me"}`, 422, "phone"},
			{"long description", `{"name":"A","description":"` + strings.Repeat("d", 5001) + `"}`, 422, "description"},
			{"status archived", `{"name":"A","status":"archived"}`, 422, "status"},
			{"status unknown", `{"name":"A","status":"gone"}`, 422, "status"},
			{"too many categories", `{"name":"A","categories":` + cats + `}`, 422, "categories"},
			{"empty category", `{"name":"A","categories":[""]}`, 422, "categories"},
			{"categories null", `{"name":"A","categories":null}`, 422, "categories"},
			{"long externalIdType", `{"name":"A","externalIdType":"` + strings.Repeat("t", 51) + `"}`, 422, "externalIdType"},
			{"unknown manager", `{"name":"A","managerId":"user_nope"}`, 422, "managerId"},
			{"bad property key", `{"name":"A","customProperties":{"bad key!":1}}`, 422, "customProperties"},
			{"nested property", `{"name":"A","companyCrmProperties":{"a":{"b":1}}}`, 422, "companyCrmProperties"},
			{"properties not object", `{"name":"A","partnerObjectCrmProperties":[1]}`, 422, "partnerObjectCrmProperties"},
			{"portalAccess without template", `{"name":"A","portalAccess":"RESTRICTED_USERS"}`, 422, "portalAccess"},
			{"read-only id", `{"name":"A","id":"ptn_x"}`, 400, "id"},
			{"read-only createdAt", `{"name":"A","createdAt":"2026-01-01T00:00:00.000Z"}`, 400, "createdAt"},
			{"unknown field", `{"name":"A","colour":"red"}`, 400, "colour"},
			{"malformed JSON", `{"name":"A",}`, 400, ""},
			{"trailing garbage", `{"name":"A"} x`, 400, ""},
			{"null body", `null`, 400, ""},
		}
		checkRefused(t, e, "POST", "/api/v1/partners", cases, snap)
	})
}

func TestCatalogValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		snap := func() string {
			return string(must(t, e.do("GET", "/api/v1/tiers", nil), 200).body) +
				string(must(t, e.do("GET", "/api/v1/phases", nil), 200).body) +
				string(must(t, e.do("GET", "/api/v1/experience-templates", nil), 200).body) +
				string(must(t, e.do("GET", "/api/v1/audit-events?limit=200", nil), 200).body)
		}
		checkRefused(t, e, "POST", "/api/v1/tiers", []badRequest{
			{"no name", `{"rank":1}`, 422, "name"},
			{"long name", `{"name":"` + strings.Repeat("n", 101) + `"}`, 422, "name"},
			{"rank too high", `{"name":"Gold","rank":1001}`, 422, "rank"},
			{"rank fraction", `{"name":"Gold","rank":1.5}`, 422, "rank"},
			{"negative price", `{"name":"Gold","pricePerLeadCents":-1}`, 422, "pricePerLeadCents"},
			{"price as string", `{"name":"Gold","pricePerLeadCents":"100"}`, 422, "pricePerLeadCents"},
			{"unknown field", `{"name":"Gold","colour":"gold"}`, 400, "colour"},
		}, snap)
		checkRefused(t, e, "POST", "/api/v1/phases", []badRequest{
			{"empty name", `{"name":""}`, 422, "name"},
			{"negative position", `{"name":"Grow","position":-1}`, 422, "position"},
		}, snap)
		checkRefused(t, e, "POST", "/api/v1/experience-templates", []badRequest{
			{"name null", `{"name":null}`, 422, "name"},
			{"read-only version", `{"name":"Std","version":1}`, 400, "version"},
		}, snap)

		tier := must(t, e.do("POST", "/api/v1/tiers", `{"name":"Gold","rank":3,"pricePerLeadCents":2500}`), 201).data(t)
		checkRefused(t, e, "PATCH", "/api/v1/tiers/"+tier["id"].(string), []badRequest{
			{"name null", `{"name":null}`, 422, "name"},
			{"rank too high", `{"rank":5000}`, 422, "rank"},
			{"read-only id", `{"id":"tier_x"}`, 400, "id"},
		}, snap)
	})
}

func TestListParameterValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		for _, c := range []struct {
			query  string
			status int
			field  string
		}{
			{"limit=0", 422, "limit"},
			{"limit=201", 422, "limit"},
			{"limit=ten", 422, "limit"},
			{"status=gone", 422, "status"},
			{"cursor=%21%21%21", 400, "cursor"},
			{"cursor=" + "bm90LWFuLWlk", 400, "cursor"}, // base64url of "not-an-id"
		} {
			r := e.do("GET", "/api/v1/partners?"+c.query, nil)
			if r.status != c.status {
				t.Errorf("?%s: status %d, want %d: %s", c.query, r.status, c.status, r.body)
				continue
			}
			if er := r.err(t); !slices.Contains(er.fieldNames(), c.field) {
				t.Errorf("?%s: fields %v, want %q", c.query, er.fieldNames(), c.field)
			}
		}
		must(t, e.do("GET", "/api/v1/audit-events?cursor=garbage", nil), http.StatusBadRequest).err(t)
		must(t, e.do("GET", "/api/v1/partners?limit=200", nil), http.StatusOK)
	})
}

// TestTextTheDatabaseCannotStore: PostgreSQL refuses NUL and invalid UTF-8
// in text; the API turns them away before they reach it.
func TestTextTheDatabaseCannotStore(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		id := e.createPartner(map[string]any{"name": "Acme"})["id"].(string)
		checkRefused(t, e, "PATCH", "/api/v1/partners/"+id, []badRequest{
			{"NUL in name", `{"name":"a\u0000b"}`, 422, "name"},
		}, func() string { return e.snapshot(id) })
		checkRefused(t, e, "POST", "/api/v1/partners", []badRequest{
			{"NUL in category", `{"name":"A","categories":["\u0000"]}`, 422, "categories"},
			{"NUL in property", `{"name":"A","customProperties":{"x":"\u0000"}}`, 422, "customProperties"},
			{"NUL in property name", `{"name":"A","customProperties":{"\u0000":"x"}}`, 422, "customProperties"},
		}, func() string { return e.snapshot(id) })
		for _, path := range []string{
			"/api/v1/partners/%ff", "/api/v1/partners/a%00b", "/api/v1/partners?q=%ff", "/api/v1/partners?q=%00",
			"/api/v1/partners?category=%C3%28", "/api/v1/tiers/%ff", "/api/v1/audit-events?action=%ff",
		} {
			if r := e.do("GET", path, nil); r.status != http.StatusBadRequest {
				t.Errorf("GET %s: %d, want 400: %s", path, r.status, r.body)
			} else {
				r.err(t)
			}
		}
		before := e.snapshot(id)
		must(t, e.do("POST", "/api/v1/partners", `{"name":"A"}`, "Idempotency-Key", "\xff"), http.StatusBadRequest).err(t)
		must(t, e.do("POST", "/api/v1/partners", `{"name":"A"}`, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType).err(t)
		if e.snapshot(id) != before {
			t.Error("a refused request changed the store")
		}
		// A User-Agent that is not UTF-8 is cleaned for the audit log, not refused.
		must(t, e.do("POST", "/api/v1/partners", `{"name":"B"}`, "User-Agent", "agent\xff/1"), http.StatusCreated)
	})
}
