package api_test

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/allyprm/ally/internal/api"
)

// TestWritesAreAudited checks that every write through the API leaves an
// audit event naming the key as actor, with the changed fields before and after.
func TestWritesAreAudited(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		tier := must(t, e.do("POST", "/api/v1/tiers", `{"name":"Gold","rank":3}`), http.StatusCreated).data(t)["id"].(string)
		p := e.createPartner(map[string]any{"name": "Acme", "domain": "acme.example", "categories": []string{"Reseller"}})
		id := p["id"].(string)
		must(t, e.do("PATCH", "/api/v1/partners/"+id, `{"name":"Acme 2","tierId":"`+tier+`","domain":null}`), http.StatusOK)
		must(t, e.do("POST", "/api/v1/partners", `{"name":"Acme 3","domain":"acme3.example"}`), http.StatusCreated)
		must(t, e.do("POST", "/api/v1/partners/"+id+"/archive", nil), http.StatusOK)
		must(t, e.do("POST", "/api/v1/partners/"+id+"/restore", nil), http.StatusOK)
		must(t, e.do("PATCH", "/api/v1/tiers/"+tier, `{"rank":4}`), http.StatusOK)
		phase := must(t, e.do("POST", "/api/v1/phases", `{"name":"Grow"}`), http.StatusCreated).data(t)["id"].(string)
		must(t, e.do("PATCH", "/api/v1/phases/"+phase, `{"position":2}`), http.StatusOK)
		tmpl := must(t, e.do("POST", "/api/v1/experience-templates", `{"name":"Std"}`), http.StatusCreated).data(t)["id"].(string)
		must(t, e.do("PATCH", "/api/v1/experience-templates/"+tmpl, `{"name":"Standard"}`), http.StatusOK)

		type change = map[string]any
		for _, c := range []struct {
			action, target string
			changes        map[string]change
		}{
			// The catalog records a create's "before" as the zero value, partners as null.
			{"tier.created", tier, map[string]change{"name": {"before": "", "after": "Gold"}}},
			{"partner.created", id, map[string]change{"name": {"before": nil, "after": "Acme"}, "domain": {"before": nil, "after": "acme.example"}}},
			{"partner.updated", id, map[string]change{
				"name":   {"before": "Acme", "after": "Acme 2"},
				"tierId": {"before": nil, "after": tier},
				"domain": {"before": "acme.example", "after": nil},
			}},
			{"partner.archived", id, map[string]change{"status": {"before": "onboarding", "after": "archived"}}},
			{"partner.restored", id, map[string]change{"status": {"before": "archived", "after": "onboarding"}}},
			{"tier.updated", tier, map[string]change{"rank": {"before": 3.0, "after": 4.0}}},
			{"phase.updated", phase, map[string]change{"position": {"before": 0.0, "after": 2.0}}},
			{"experience_template.updated", tmpl, map[string]change{"name": {"before": "Std", "after": "Standard"}}},
		} {
			q := url.Values{"action": {c.action}, "actorId": {e.keyID}}
			items, _ := must(t, e.do("GET", "/api/v1/audit-events?"+q.Encode(), nil), http.StatusOK).list(t)
			var ev map[string]any
			for _, it := range items {
				if it["target"].(map[string]any)["id"] == c.target {
					ev = it
				}
			}
			if ev == nil {
				t.Errorf("no %s event for %s in %v", c.action, c.target, items)
				continue
			}
			actor := ev["actor"].(map[string]any)
			if actor["kind"] != "api_key" || actor["id"] != e.keyID || actor["label"] != "all" {
				t.Errorf("%s: actor %v, want the key %s", c.action, actor, e.keyID)
			}
			if ev["ip"] != "127.0.0.1" || ev["userAgent"] == nil {
				t.Errorf("%s: ip %v, userAgent %v", c.action, ev["ip"], ev["userAgent"])
			}
			changes := ev["changes"].(map[string]any)
			for field, want := range c.changes {
				if got := changes[field]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s: change of %s = %v, want %v", c.action, field, got, want)
				}
			}
		}

		// Filters and newest-first order.
		items, _ := must(t, e.do("GET", "/api/v1/audit-events?partnerId="+id, nil), http.StatusOK).list(t)
		var actions []string
		for _, it := range items {
			actions = append(actions, it["action"].(string))
		}
		want := []string{"partner.restored", "partner.archived", "partner.updated", "partner.created"}
		if !reflect.DeepEqual(actions, want) {
			t.Errorf("partner's events %v, want %v", actions, want)
		}

		// Paging through the log returns each event once.
		seen := map[string]bool{}
		for cursor := ""; ; {
			items, next := must(t, e.do("GET", "/api/v1/audit-events?limit=3&cursor="+cursor, nil), http.StatusOK).list(t)
			for _, it := range items {
				if seen[it["id"].(string)] {
					t.Fatalf("event %s twice", it["id"])
				}
				seen[it["id"].(string)] = true
			}
			if next == "" {
				break
			}
			cursor = next
		}
		all, _ := must(t, e.do("GET", "/api/v1/audit-events?limit=200", nil), http.StatusOK).list(t)
		if len(seen) != len(all) {
			t.Errorf("paged %d events, unpaged %d", len(seen), len(all))
		}
	})
}
