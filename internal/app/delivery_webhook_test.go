package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/outbound"
)

// TestWebhookRetriedUntilDelivered: a receiver that answers 500 and then
// 200 gets the same signed message twice (same webhook-id, the delivery's
// id); both attempts are recorded and the delivery ends delivered.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, answering(500, 200))
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")

		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: l.ID})
		wait := d.NextAttemptAt.Sub(e.clock.Now())
		if d.Status != ally.DeliveryPending || d.Attempts != 1 || d.LastStatusCode != 500 || wait < 8*time.Second || wait > 12*time.Second {
			t.Fatalf("after a 500: %+v (next attempt in %s)", d, wait)
		}
		if n := e.run(); n != 0 {
			t.Fatalf("the retry ran early (%d jobs)", n)
		}
		e.clock.Add(13 * time.Second)
		e.run()

		v := e.view(d.ID)
		if v.Delivery.Status != ally.DeliveryDelivered || v.Delivery.Attempts != 2 || v.Delivery.DeliveredAt.IsZero() || v.Delivery.LastError != "" {
			t.Fatalf("after a 200: %+v", v.Delivery)
		}
		wantAttempts(t, v, 200, 500)
		if !v.Attempts[0].OK || v.Attempts[1].OK || v.Attempts[1].Error == "" || v.Attempts[1].Response != "Internal Server Error" ||
			v.Attempts[0].Target != rc.URL {
			t.Fatalf("attempts: %+v %+v", v.Attempts[0], v.Attempts[1])
		}
		reqs := rc.Requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests", len(reqs))
		}
		for _, r := range reqs {
			if r.Verified != nil || r.WebhookID != d.ID || r.Header.Get("User-Agent") != "Ally-Webhooks/1" ||
				r.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("request %+v", r)
			}
			body := bodyOf(t, r)
			data, _ := body["data"].(map[string]any)
			if body["type"] != ally.EventLeadAssigned || body["timestamp"] == nil || data["id"] != l.ID ||
				data["company"] != "Analytical Engines" || data["routing"] != nil {
				t.Fatalf("body %+v", body)
			}
		}
	})
}

// TestWebhookRetryAfter: the receiver's Retry-After sets the next attempt.
func TestWebhookRetryAfter(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 0 {
				w.Header().Set("Retry-After", "120")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")

		start := e.clock.Now()
		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: l.ID})
		if !d.NextAttemptAt.Equal(start.Add(120*time.Second)) || d.LastStatusCode != 503 {
			t.Fatalf("next attempt %s after the 503, want %s", d.NextAttemptAt, start.Add(120*time.Second))
		}
		e.clock.Add(100 * time.Second)
		if n := e.run(); n != 0 {
			t.Fatal("retried before Retry-After")
		}
		e.clock.Add(21 * time.Second)
		e.run()
		if v := e.view(d.ID); v.Delivery.Status != ally.DeliveryDelivered {
			t.Fatalf("%+v", v.Delivery)
		}
		if reqs := rc.Requests(); len(reqs) != 2 || reqs[1].Verified != nil || reqs[1].WebhookID != reqs[0].WebhookID {
			t.Fatalf("requests %+v", reqs)
		}
	})
}

// TestWebhookTimeoutIsRetried: a receiver slower than the client's timeout
// counts as a failed attempt, retried later.
func TestWebhookTimeoutIsRetried(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 0 {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * clientTimeout):
				}
			}
			w.WriteHeader(http.StatusOK)
		})
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")

		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: l.ID})
		v := e.view(d.ID)
		if d.Status != ally.DeliveryPending || len(v.Attempts) != 1 || v.Attempts[0].StatusCode != 0 ||
			!strings.Contains(v.Attempts[0].Error, "timed out") || v.Attempts[0].DurationMS < clientTimeout.Milliseconds() {
			t.Fatalf("after a timeout: %+v %+v", d, v.Attempts)
		}
		e.clock.Add(15 * time.Second)
		e.run()
		if v := e.view(d.ID); v.Delivery.Status != ally.DeliveryDelivered || len(v.Attempts) != 2 {
			t.Fatalf("after the retry: %+v", v.Delivery)
		}
	})
}

// TestWebhookGoneTurnsTheEndpointOff: 410 turns the partner's webhook off
// (audited as Ally, the owner notified); deliveries still queued for it
// fail without a call, and new leads make no webhook delivery.
func TestWebhookGoneTurnsTheEndpointOff(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		owner := mustUser(t, e.app, "owner@vendor.example", ally.RoleManager)
		rc := newReceiver(t, answering(http.StatusGone))
		p, set := e.partnerWithWebhook("Acme", owner.ID, rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		first := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")
		second := e.lead(p.ID, "Grace", "Hopper", "Navy")

		e.run()
		if len(rc.Requests()) != 1 {
			t.Fatalf("%d requests; the second delivery should not have called", len(rc.Requests()))
		}
		d1 := e.only(ally.DeliveryFilter{LeadID: first.ID})
		d2 := e.only(ally.DeliveryFilter{LeadID: second.ID})
		if d1.Status != ally.DeliveryFailed || d1.LastStatusCode != 410 || d1.Attempts != 1 {
			t.Fatalf("first: %+v", d1)
		}
		if d2.Status != ally.DeliveryFailed || d2.Attempts != 0 || !strings.HasPrefix(d2.LastError, "endpoint turned off") {
			t.Fatalf("second: %+v", d2)
		}
		now, err := e.app.DeliverySettings(e.ctx, sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.WebhookOn || !strings.Contains(now.WebhookOffReason, "410 Gone") || now.WebhookURL != rc.URL {
			t.Fatalf("settings: %+v", now)
		}
		audit, _ := e.app.AuditEvents(e.ctx, sys, ally.AuditFilter{PartnerID: p.ID, Action: "delivery_settings.webhook_turned_off"})
		if len(audit.Items) != 1 || audit.Items[0].ActorKind != ally.ActorSystem || audit.Items[0].Changes["webhookEnabled"].After != false {
			t.Fatalf("audit %+v", audit.Items)
		}
		ns, _ := e.app.Notifications(e.ctx, owner, 10)
		if len(ns) != 1 || !strings.Contains(ns[0].Text, "Acme") || !strings.Contains(ns[0].Text, "410") {
			t.Fatalf("notifications %+v", ns)
		}
		third := e.lead(p.ID, "Alan", "Turing", "Bletchley")
		if ds := e.deliveries(ally.DeliveryFilter{LeadID: third.ID}); len(ds) != 0 {
			t.Fatalf("a lead after the 410 got deliveries: %+v", ds)
		}
	})
}

// TestWebhookRedirectIsNotFollowed: a 3xx is a failed attempt naming where
// it pointed; the new location is never called.
func TestWebhookRedirectIsNotFollowed(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/elsewhere" {
				t.Error("the redirect was followed")
			}
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		})
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")

		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: l.ID})
		if d.Status != ally.DeliveryPending || d.LastStatusCode != 302 || !strings.Contains(d.LastError, "/elsewhere") ||
			!strings.Contains(d.LastError, "not followed") {
			t.Fatalf("%+v", d)
		}
		if len(rc.Requests()) != 1 {
			t.Fatalf("%d requests", len(rc.Requests()))
		}
	})
}

// TestWebhookToLoopbackIsRefused: without an admin's allowance, a webhook
// URL on a private address fails for good, saying how to allow it.
func TestWebhookToLoopbackIsRefused(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, answering(200))
		p, _ := e.partnerWithWebhook("Acme", "", rc.URL)
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")

		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: l.ID})
		if d.Status != ally.DeliveryFailed || !strings.HasPrefix(d.LastError, "refused: 127.0.0.1 resolves to a private address") ||
			!strings.Contains(d.LastError, "ALLY_OUTBOUND_ALLOW") {
			t.Fatalf("%+v", d)
		}
		e.clock.Add(time.Hour)
		if n := e.run(); n != 0 || len(rc.Requests()) != 0 {
			t.Fatalf("retried (%d jobs) or called (%d requests)", n, len(rc.Requests()))
		}
	}, app.WithOutbound(outbound.New(outbound.Options{})))
}

// TestWebhookGivesUpAfterTheWindow: retries stop at 72 hours: a delivery
// found past its window fails, and so does one whose next attempt would fall
// past it.
func TestWebhookGivesUpAfterTheWindow(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, answering(500))
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		late := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")
		e.run()

		e.clock.Add(ally.DeliveryWindow + time.Minute)
		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: late.ID})
		if d.Status != ally.DeliveryFailed || d.Attempts != 1 || !strings.Contains(d.LastError, "72 hours") {
			t.Fatalf("past the window: %+v", d)
		}

		// Near the end of its window, a 503 asking for two hours is the end.
		rc.SetAnswer(func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "7200")
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		edge := e.lead(p.ID, "Grace", "Hopper", "Navy")
		e.clock.Add(ally.DeliveryWindow - time.Hour)
		e.run()
		d = e.only(ally.DeliveryFilter{LeadID: edge.ID})
		if d.Status != ally.DeliveryFailed || d.Attempts != 1 || d.LastStatusCode != 503 || !strings.Contains(d.LastError, "no attempt left") {
			t.Fatalf("at the edge: %+v", d)
		}
		if len(rc.Requests()) != 2 {
			t.Fatalf("%d requests", len(rc.Requests()))
		}
	})
}

// TestRedeliver: staff send a delivery again by hand: one attempt now, the
// same webhook-id and body; a failed manual attempt is not retried.
func TestRedeliver(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, answering(200, 500))
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		viewer := mustUser(t, e.app, "vic@vendor.example", ally.RoleViewer)
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")
		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: l.ID})

		_, err := e.app.Redeliver(e.ctx, viewer, d.ID)
		wantCode(t, err, ally.ECodeForbidden)
		again, err := e.app.Redeliver(e.ctx, sys, d.ID)
		if err != nil || again.Status != ally.DeliveryPending {
			t.Fatalf("redeliver: %+v %v", again, err)
		}
		e.run()
		v := e.view(d.ID)
		if v.Delivery.Status != ally.DeliveryFailed || v.Delivery.Attempts != 2 {
			t.Fatalf("after the manual attempt: %+v", v.Delivery)
		}
		wantAttempts(t, v, 500, 200)
		e.clock.Add(time.Hour)
		if n := e.run(); n != 0 {
			t.Fatal("a manual attempt was retried")
		}
		reqs := rc.Requests()
		if len(reqs) != 2 || reqs[0].WebhookID != d.ID || reqs[1].WebhookID != d.ID || reqs[1].Verified != nil ||
			bodyOf(t, reqs[0])["timestamp"] != bodyOf(t, reqs[1])["timestamp"] {
			t.Fatalf("requests %+v", reqs)
		}
		audit, _ := e.app.AuditEvents(context.Background(), sys, ally.AuditFilter{Action: "delivery.redeliver"})
		if len(audit.Items) != 1 || audit.Items[0].TargetID != d.ID || audit.Items[0].PartnerID != p.ID {
			t.Fatalf("audit %+v", audit.Items)
		}
	})
}
