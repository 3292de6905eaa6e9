package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/api"
)

// deliveryIDs pages through the delivery list at query, one at a time.
func (e *env) deliveryIDs(query string) []string {
	e.tb.Helper()
	var ids []string
	cursor := ""
	for range 100 {
		path := "/api/v1/deliveries?limit=1&" + query
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		items, next := must(e.tb, e.do("GET", path, nil), http.StatusOK).list(e.tb)
		for _, it := range items {
			ids = append(ids, it["id"].(string))
		}
		if next == "" {
			return ids
		}
		cursor = next
	}
	e.tb.Fatalf("?%s: paging does not end", query)
	return nil
}

func TestDeliveriesAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		acme := e.createPartner(map[string]any{"name": "Acme", "status": "active"})["id"].(string)
		// Loopback receivers: the guarded client refuses them, so every
		// attempt fails at once, for good, and is recorded.
		must(t, e.do("PATCH", "/api/v1/partners/"+acme+"/delivery-settings",
			map[string]any{"webhookUrl": "http://127.0.0.1:9/hook", "webhookEnabled": true}), http.StatusOK)
		sub := must(t, e.do("POST", "/api/v1/webhook-subscriptions",
			map[string]any{"url": "http://127.0.0.1:9/vendor", "events": []string{"lead.created"}}), http.StatusCreated).data(t)["id"].(string)
		lead := e.newLead(map[string]any{"email": "ana@example.com", "partnerId": acme})["id"].(string)
		e.newLead(map[string]any{"email": "bob@example.com"}) // unassigned: only the vendor's event
		e.dispatch()

		all := e.deliveryIDs("")
		if len(all) != 3 {
			t.Fatalf("%d deliveries, want 3 (Acme's webhook, two lead.created)", len(all))
		}
		toAcme := e.deliveryIDs("partnerId=" + acme)
		var hook string
		for _, id := range toAcme {
			d := must(t, e.do("GET", "/api/v1/deliveries/"+id, nil), http.StatusOK).data(t)
			if d["event"] == "lead.assigned" {
				hook = id
			}
		}
		if hook == "" {
			t.Fatalf("no lead.assigned delivery among Acme's %v", toAcme)
		}
		for _, c := range []struct {
			query string
			want  int
		}{
			{"leadId=" + lead, 2},
			{"subscriptionId=" + sub, 2},
			{"status=pending", 3},
			{"status=failed", 0},
		} {
			if got := e.deliveryIDs(c.query); len(got) != c.want {
				t.Errorf("?%s: %d deliveries, want %d", c.query, len(got), c.want)
			}
		}

		d := must(t, e.do("GET", "/api/v1/deliveries/"+hook, nil), http.StatusOK).data(t)
		payload, _ := d["payload"].(map[string]any)
		if d["status"] != "pending" || d["channel"] != "webhook" || d["target"] != "http://127.0.0.1:9/hook" ||
			d["leadId"] != lead || d["partnerId"] != acme || payload == nil || !strings.Contains(fmt.Sprint(payload), lead) {
			t.Errorf("delivery before its attempt: %v", d)
		}
		if attempts, ok := d["attempts"].([]any); !ok || len(attempts) != 0 {
			t.Errorf("attempts before the first: %v", d["attempts"])
		}

		e.runJobs()
		d = must(t, e.do("GET", "/api/v1/deliveries/"+hook, nil), http.StatusOK).data(t)
		attempts, _ := d["attempts"].([]any)
		if d["status"] != "failed" || d["attemptCount"] != 1.0 || d["lastError"] == nil || len(attempts) != 1 {
			t.Fatalf("after a refused attempt: %v", d)
		}
		if a := attempts[0].(map[string]any); a["ok"] != false || a["statusCode"] != nil || a["error"] == nil || a["target"] != "http://127.0.0.1:9/hook" {
			t.Errorf("attempt %v", a)
		}

		r := must(t, e.do("POST", "/api/v1/deliveries/"+hook+"/redeliver", nil), http.StatusAccepted)
		if r.data(t)["status"] != "pending" || r.data(t)["id"] != hook {
			t.Errorf("redeliver answered %s", r.body)
		}
		e.runJobs()
		d = must(t, e.do("GET", "/api/v1/deliveries/"+hook, nil), http.StatusOK).data(t)
		if attempts, _ := d["attempts"].([]any); len(attempts) != 2 {
			t.Errorf("%d attempts after a redelivery, want 2", len(attempts))
		}
		if got := e.deliveryIDs("status=failed"); !slices.Contains(got, hook) {
			t.Errorf("failed deliveries %v lack %s", got, hook)
		}

		unknown := "/api/v1/deliveries/dlv_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"
		must(t, e.do("GET", unknown, nil), http.StatusNotFound).err(t)
		must(t, e.do("POST", unknown+"/redeliver", nil), http.StatusNotFound).err(t)
		must(t, e.do("GET", "/api/v1/deliveries?cursor=bm90LWFuLWlk", nil), http.StatusBadRequest).err(t)
		must(t, e.do("GET", "/api/v1/deliveries?status=lost", nil), http.StatusUnprocessableEntity).err(t)
	})
}

func TestDeliverySettingsAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, api.Config{})
		acme := e.createPartner(map[string]any{"name": "Acme", "externalId": "crm-7"})["id"].(string)
		path := "/api/v1/partners/" + acme + "/delivery-settings"

		r := must(t, e.do("GET", "/api/v1/partners/crm-7/delivery-settings", nil), http.StatusOK)
		s := r.data(t)
		if s["partnerId"] != acme || s["version"] != 0.0 || r.header.Get("ETag") != `"0"` || s["webhookSecret"] != nil ||
			s["webhookEnabled"] != false || len(s["emailRecipients"].([]any)) != 0 || s["updatedAt"] != nil {
			t.Errorf("settings never saved: %s", r.body)
		}

		r = must(t, e.do("PATCH", path, map[string]any{"webhookUrl": "https://hooks.acme.example/leads", "webhookEnabled": true,
			"emailRecipients": []string{"Sales@Acme.example", "sales@acme.example"}, "emailEnabled": true}, "If-Match", `"0"`), http.StatusOK)
		s = r.data(t)
		secret, _ := s["webhookSecret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || s["webhookEnabled"] != true || r.header.Get("ETag") != `"1"` ||
			fmt.Sprint(s["emailRecipients"]) != "[sales@acme.example]" || s["emailEnabled"] != true {
			t.Errorf("first save: %s", r.body)
		}
		must(t, e.do("PATCH", path, map[string]any{"emailEnabled": false}, "If-Match", `"0"`), http.StatusPreconditionFailed).err(t)

		rotated := must(t, e.do("PATCH", path, map[string]any{"rotateSecret": true}), http.StatusOK).data(t)
		if rotated["webhookSecret"] == secret || !strings.HasPrefix(rotated["webhookSecret"].(string), "whsec_") {
			t.Errorf("rotated secret %v (was %s)", rotated["webhookSecret"], secret)
		}
		if got := must(t, e.do("GET", path, nil), http.StatusOK).data(t); got["webhookSecret"] != rotated["webhookSecret"] {
			t.Errorf("GET shows secret %v, want the rotated one", got["webhookSecret"])
		}

		snap := func() string { return e.snapshot(acme) + string(must(t, e.do("GET", path, nil), http.StatusOK).body) }
		many := make([]string, 21)
		for i := range many {
			many[i] = fmt.Sprintf("r%d@acme.example", i)
		}
		checkRefused(t, e, "PATCH", path, []badRequest{
			{"read-only secret", `{"webhookSecret":"whsec_mine"}`, 400, "webhookSecret"},
			{"read-only reason", `{"webhookOffReason":""}`, 400, "webhookOffReason"},
			{"ftp URL", `{"webhookUrl":"ftp://acme.example/leads"}`, 422, "webhookUrl"},
			{"URL with password", `{"webhookUrl":"https://u:p@acme.example/leads"}`, 422, "webhookUrl"},
			{"bad recipient", `{"emailRecipients":["sales at acme"]}`, 422, "emailRecipients"},
			{"too many recipients", `{"emailRecipients":["` + strings.Join(many, `","`) + `"]}`, 422, "emailRecipients"},
			{"e-mail on without recipients", `{"emailRecipients":[],"emailEnabled":true}`, 422, "emailEnabled"},
			{"webhook on without URL", `{"webhookUrl":null,"webhookEnabled":true}`, 422, "webhookEnabled"},
			{"enabled null", `{"webhookEnabled":null}`, 422, "webhookEnabled"},
		}, snap)

		// Clearing the URL turns the webhook off.
		s = must(t, e.do("PATCH", path, `{"webhookUrl":null}`), http.StatusOK).data(t)
		if s["webhookUrl"] != nil || s["webhookEnabled"] != false {
			t.Errorf("after clearing the URL: %v", s)
		}
		must(t, e.do("GET", "/api/v1/partners/ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8/delivery-settings", nil), http.StatusNotFound).err(t)
	})
}
