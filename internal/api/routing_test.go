package api_test

import (
	"net/http"
	"testing"

	"github.com/allyprm/ally/internal/api"
)

func TestRoutingRulesAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		acme := e.createPartner(map[string]any{"name": "Acme", "status": "active", "categories": []string{"Reseller"}})["id"].(string)
		globex := e.createPartner(map[string]any{"name": "Globex", "status": "active", "categories": []string{"Reseller"}})["id"].(string)

		r := must(t, e.do("POST", "/api/v1/routing-rules", map[string]any{
			"name": "Benelux to Acme", "priority": 10, "mode": "partner", "partnerId": acme,
			"conditions": map[string]any{"countries": []string{"be", "NL"}}, "dailyCap": 5,
		}), http.StatusCreated)
		benelux := r.data(t)
		if benelux["enabled"] != true || benelux["partnerId"] != acme || r.header.Get("ETag") != `"1"` {
			t.Errorf("created %s", r.body)
		}
		if c := benelux["conditions"].(map[string]any); len(c["countries"].([]any)) != 2 || c["countries"].([]any)[0] != "BE" ||
			len(c["sources"].([]any)) != 0 {
			t.Errorf("conditions %v", c)
		}
		rest := must(t, e.do("POST", "/api/v1/routing-rules", map[string]any{
			"name": "Resellers in turn", "priority": 20, "mode": "round_robin",
			"conditions": map[string]any{"categories": []string{"Reseller"}},
		}), http.StatusCreated).data(t)

		items, _ := must(t, e.do("GET", "/api/v1/routing-rules", nil), http.StatusOK).list(t)
		if len(items) != 2 || items[0]["id"] != benelux["id"] || items[1]["id"] != rest["id"] {
			t.Errorf("rules in priority order: %v", items)
		}
		path := "/api/v1/routing-rules/" + benelux["id"].(string)
		got := must(t, e.do("GET", path, nil), http.StatusOK)
		if got.data(t)["name"] != "Benelux to Acme" || got.header.Get("ETag") != `"1"` {
			t.Errorf("GET %s", got.body)
		}

		// The dry run says where a lead would go and why, and takes nothing in.
		d := must(t, e.do("POST", "/api/v1/routing-rules/dry-run", map[string]any{"email": "ana@example.com", "country": "BE"}), http.StatusOK).data(t)
		if d["outcome"] != "assigned" || d["ruleId"] != benelux["id"] || d["partnerId"] != acme || d["mode"] != "partner" ||
			d["reason"] == "" || len(d["rules"].([]any)) == 0 {
			t.Errorf("dry run BE: %v", d)
		}
		d = must(t, e.do("POST", "/api/v1/routing-rules/dry-run", map[string]any{"email": "ana@example.com", "country": "FR"}), http.StatusOK).data(t)
		if d["outcome"] != "assigned" || d["ruleId"] != rest["id"] {
			t.Errorf("dry run FR: %v", d)
		}
		cands, _ := d["candidates"].([]any)
		if len(cands) == 0 || (d["partnerId"] != acme && d["partnerId"] != globex) {
			t.Errorf("dry run FR: partner %v, candidates %v", d["partnerId"], d["candidates"])
		}
		for _, c := range cands {
			if p := c.(map[string]any)["partnerId"]; p != acme && p != globex {
				t.Errorf("candidate %v is not a Reseller", c)
			}
		}
		must(t, e.do("POST", "/api/v1/routing-rules/dry-run", map[string]any{"country": "FR"}), http.StatusUnprocessableEntity).err(t)
		if ids := e.leadIDs("", 200); len(ids) != 0 {
			t.Errorf("dry runs created leads %v", ids)
		}

		// Update with If-Match; null clears the partner when the mode moves on.
		p := must(t, e.do("PATCH", path, map[string]any{"mode": "weighted", "partnerId": nil,
			"weights": []map[string]any{{"partnerId": acme, "weight": 3}, {"partnerId": globex, "weight": 1}}}, "If-Match", `"1"`), http.StatusOK)
		pd := p.data(t)
		if pd["mode"] != "weighted" || pd["partnerId"] != nil || len(pd["weights"].([]any)) != 2 || p.header.Get("ETag") != `"2"` {
			t.Errorf("patched %s", p.body)
		}
		must(t, e.do("PATCH", path, map[string]any{"enabled": false}, "If-Match", `"1"`), http.StatusPreconditionFailed).err(t)

		snap := func() string {
			return string(must(t, e.do("GET", "/api/v1/routing-rules", nil), http.StatusOK).body) +
				string(must(t, e.do("GET", "/api/v1/audit-events?limit=200", nil), http.StatusOK).body)
		}
		checkRefused(t, e, "POST", "/api/v1/routing-rules", []badRequest{
			{"no name", `{"mode":"round_robin"}`, 422, "name"},
			{"no mode", `{"name":"R"}`, 422, "mode"},
			{"unknown mode", `{"name":"R","mode":"random"}`, 422, "mode"},
			{"partner rule without partner", `{"name":"R","mode":"partner"}`, 422, "partnerId"},
			{"unknown partner", `{"name":"R","mode":"partner","partnerId":"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"}`, 422, "partnerId"},
			{"weight zero", `{"name":"R","mode":"weighted","weights":[{"partnerId":"` + acme + `","weight":0}]}`, 422, "weights"},
			{"country name", `{"name":"R","mode":"round_robin","conditions":{"countries":["Belgium"]}}`, 422, "conditions.countries"},
			{"unknown tier", `{"name":"R","mode":"round_robin","conditions":{"tierIds":["tier_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"]}}`, 422, "conditions.tierIds"},
			{"negative cap", `{"name":"R","mode":"round_robin","dailyCap":-1}`, 422, "dailyCap"},
			{"unknown condition", `{"name":"R","mode":"round_robin","conditions":{"colours":["red"]}}`, 400, "conditions.colours"},
			{"read-only version", `{"name":"R","mode":"round_robin","version":3}`, 400, "version"},
		}, snap)
		checkRefused(t, e, "PATCH", path, []badRequest{
			{"name null", `{"name":null}`, 422, "name"},
			{"priority text", `{"priority":"first"}`, 422, "priority"},
		}, snap)

		must(t, e.do("DELETE", path, nil), http.StatusNoContent)
		must(t, e.do("GET", path, nil), http.StatusNotFound).err(t)
		must(t, e.do("DELETE", path, nil), http.StatusNotFound).err(t)
		if items, _ := must(t, e.do("GET", "/api/v1/routing-rules", nil), http.StatusOK).list(t); len(items) != 1 {
			t.Errorf("%d rules after a delete, want 1", len(items))
		}
	})
}
