package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/api"
)

func TestWebhookSubscriptionsAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		r := must(t, e.do("POST", "/api/v1/webhook-subscriptions", map[string]any{
			"url": "https://crm.vendor.example/ally", "events": []string{"lead.created", "partner.updated", "lead.created"},
			"description": "CRM sync",
		}), http.StatusCreated)
		s := r.data(t)
		secret, _ := s["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || s["enabled"] != true || s["offReason"] != nil || r.header.Get("ETag") != `"1"` ||
			fmt.Sprint(s["events"]) != "[lead.created partner.updated]" {
			t.Errorf("created %s", r.body)
		}
		path := "/api/v1/webhook-subscriptions/" + s["id"].(string)
		if got := must(t, e.do("GET", path, nil), http.StatusOK).data(t); got["secret"] != secret {
			t.Errorf("GET shows secret %v, want %s", got["secret"], secret)
		}
		items, _ := must(t, e.do("GET", "/api/v1/webhook-subscriptions", nil), http.StatusOK).list(t)
		if len(items) != 1 || items[0]["id"] != s["id"] {
			t.Fatalf("list %v", items)
		}
		if _, ok := items[0]["secret"]; ok {
			t.Error("the list shows the secret")
		}

		p := must(t, e.do("PATCH", path, map[string]any{"enabled": false, "events": []string{"lead.assigned"}}, "If-Match", `"1"`), http.StatusOK)
		if d := p.data(t); d["enabled"] != false || fmt.Sprint(d["events"]) != "[lead.assigned]" || p.header.Get("ETag") != `"2"` || d["secret"] != secret {
			t.Errorf("patched %s", p.body)
		}
		must(t, e.do("PATCH", path, map[string]any{"enabled": true}, "If-Match", `"1"`), http.StatusPreconditionFailed).err(t)
		if d := must(t, e.do("PATCH", path, map[string]any{"rotateSecret": true}), http.StatusOK).data(t); d["secret"] == secret {
			t.Error("rotateSecret kept the secret")
		}

		snap := func() string {
			return string(must(t, e.do("GET", path, nil), http.StatusOK).body) +
				string(must(t, e.do("GET", "/api/v1/audit-events?limit=200", nil), http.StatusOK).body)
		}
		checkRefused(t, e, "POST", "/api/v1/webhook-subscriptions", []badRequest{
			{"no URL", `{"events":["lead.created"]}`, 422, "url"},
			{"no events", `{"url":"https://x.example/hook"}`, 422, "events"},
			{"empty events", `{"url":"https://x.example/hook","events":[]}`, 422, "events"},
			{"unknown event", `{"url":"https://x.example/hook","events":["deal.won"]}`, 422, "events"},
			{"not a URL", `{"url":"x.example/hook","events":["lead.created"]}`, 422, "url"},
			{"read-only secret", `{"url":"https://x.example/hook","events":["lead.created"],"secret":"whsec_x"}`, 400, "secret"},
			{"rotate on create", `{"url":"https://x.example/hook","events":["lead.created"],"rotateSecret":true}`, 400, "rotateSecret"},
		}, snap)
		checkRefused(t, e, "PATCH", path, []badRequest{
			{"events null", `{"events":null}`, 422, "events"},
			{"long description", `{"description":"` + strings.Repeat("d", 501) + `"}`, 422, "description"},
			{"read-only offReason", `{"offReason":""}`, 400, "offReason"},
		}, snap)

		must(t, e.do("DELETE", path, nil), http.StatusNoContent)
		must(t, e.do("GET", path, nil), http.StatusNotFound).err(t)
		must(t, e.do("PATCH", path, map[string]any{"enabled": true}), http.StatusNotFound).err(t)
	})
}
