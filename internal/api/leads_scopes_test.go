package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
)

// TestLeadRouteScopes: every route of the lead half refuses a key that
// holds every scope but its own (403, nothing changed), and serves a key
// that holds only its own.
func TestLeadRouteScopes(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		partner := e.createPartner(map[string]any{"name": "Acme", "status": "active"})["id"].(string)
		must(t, e.do("PATCH", "/api/v1/partners/"+partner+"/delivery-settings", map[string]any{"webhookUrl": "http://127.0.0.1:9/hook"}), http.StatusOK)
		must(t, e.do("PATCH", "/api/v1/partners/"+partner+"/delivery-settings", map[string]any{"webhookEnabled": true}), http.StatusOK)
		lead := e.newLead(map[string]any{"email": "ana@example.com", "partnerId": partner})["id"].(string)
		rule := must(t, e.do("POST", "/api/v1/routing-rules", map[string]any{"name": "All", "mode": "round_robin"}), http.StatusCreated).data(t)["id"].(string)
		sub := must(t, e.do("POST", "/api/v1/webhook-subscriptions", map[string]any{"url": "https://x.example/h", "events": []string{"lead.created"}}), http.StatusCreated).data(t)["id"].(string)
		imp := must(t, e.upload("text/csv", "email\nbob@example.com\n"), http.StatusAccepted).data(t)["id"].(string)
		e.dispatch()
		dlvs, _ := must(t, e.do("GET", "/api/v1/deliveries?leadId="+lead, nil), http.StatusOK).list(t)
		if len(dlvs) == 0 {
			t.Fatal("no delivery for a lead assigned to a partner with a webhook")
		}
		dlv := dlvs[0]["id"].(string)

		for _, c := range []struct {
			scope              ally.Scope
			method, path, body string
			ok                 int
		}{
			{ally.ScopeLeadsRead, "GET", "/api/v1/leads", "", 200},
			{ally.ScopeLeadsRead, "GET", "/api/v1/leads/" + lead, "", 200},
			{ally.ScopeLeadsWrite, "POST", "/api/v1/leads", `{"email":"cy@example.com"}`, 201},
			{ally.ScopeLeadsWrite, "POST", "/api/v1/leads/" + lead + "/assign", `{"partnerId":"` + partner + `"}`, 200},
			{ally.ScopeLeadsWrite, "POST", "/api/v1/leads/" + lead + "/status", `{"status":"accepted"}`, 200},
			{ally.ScopeLeadsWrite, "POST", "/api/v1/leads/import", "csv", 202},
			{ally.ScopeLeadsRead, "GET", "/api/v1/imports", "", 200},
			{ally.ScopeLeadsRead, "GET", "/api/v1/imports/" + imp, "", 200},
			{ally.ScopeLeadsRead, "GET", "/api/v1/imports/" + imp + "/errors", "", 200},
			{ally.ScopeRoutingRead, "GET", "/api/v1/routing-rules", "", 200},
			{ally.ScopeRoutingRead, "GET", "/api/v1/routing-rules/" + rule, "", 200},
			{ally.ScopeRoutingRead, "POST", "/api/v1/routing-rules/dry-run", `{"email":"dee@example.com"}`, 200},
			{ally.ScopeRoutingWrite, "POST", "/api/v1/routing-rules", `{"name":"Other","mode":"round_robin"}`, 201},
			{ally.ScopeRoutingWrite, "PATCH", "/api/v1/routing-rules/" + rule, `{"priority":7}`, 200},
			{ally.ScopeRoutingWrite, "DELETE", "/api/v1/routing-rules/" + rule, "", 204},
			{ally.ScopeDeliveriesRead, "GET", "/api/v1/deliveries", "", 200},
			{ally.ScopeDeliveriesRead, "GET", "/api/v1/deliveries/" + dlv, "", 200},
			{ally.ScopeDeliveriesWrite, "POST", "/api/v1/deliveries/" + dlv + "/redeliver", "", 202},
			{ally.ScopeDeliveriesRead, "GET", "/api/v1/partners/" + partner + "/delivery-settings", "", 200},
			{ally.ScopeDeliveriesWrite, "PATCH", "/api/v1/partners/" + partner + "/delivery-settings", `{"rotateSecret":true}`, 200},
			{ally.ScopeWebhooksRead, "GET", "/api/v1/webhook-subscriptions", "", 200},
			{ally.ScopeWebhooksRead, "GET", "/api/v1/webhook-subscriptions/" + sub, "", 200},
			{ally.ScopeWebhooksWrite, "POST", "/api/v1/webhook-subscriptions", `{"url":"https://y.example/h","events":["lead.assigned"]}`, 201},
			{ally.ScopeWebhooksWrite, "PATCH", "/api/v1/webhook-subscriptions/" + sub, `{"description":"x"}`, 200},
			{ally.ScopeWebhooksWrite, "DELETE", "/api/v1/webhook-subscriptions/" + sub, "", 204},
		} {
			others := slices.DeleteFunc(slices.Clone(ally.AllScopes), func(s ally.Scope) bool { return s == c.scope })
			without := e.newKey("without "+string(c.scope), others...)
			only := e.newKey("only "+string(c.scope), c.scope)
			send := func(key string) resp {
				if c.body == "csv" {
					return e.doKey(key, c.method, c.path, "email\neve@example.com\n", "Content-Type", "text/csv")
				}
				var body any
				if c.body != "" {
					body = c.body
				}
				return e.doKey(key, c.method, c.path, body)
			}
			before := e.snapshot(partner)
			if r := send(without); r.status != http.StatusForbidden || r.err(t).Code != "forbidden" {
				t.Errorf("%s %s without %s: %d %s", c.method, c.path, c.scope, r.status, r.body)
			}
			if after := e.snapshot(partner); after != before {
				t.Errorf("%s %s without %s changed the store", c.method, c.path, c.scope)
			}
			if r := send(only); r.status != c.ok {
				t.Errorf("%s %s with only %s: %d %s", c.method, c.path, c.scope, r.status, r.body)
			}
		}
	})
}
