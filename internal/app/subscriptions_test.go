package app_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestSubscriptionValidation(t *testing.T) {
	long := strings.Repeat("x", 501)
	tests := []struct {
		name  string
		f     ally.SubscriptionFields
		field string
	}{
		{"no url", ally.SubscriptionFields{Events: &[]string{ally.EventLeadCreated}}, "url"},
		{"not http", ally.SubscriptionFields{URL: ptr("ftp://crm.vendor.example"), Events: &[]string{ally.EventLeadCreated}}, "url"},
		{"credentials in the url", ally.SubscriptionFields{URL: ptr("https://me:pw@crm.vendor.example"), Events: &[]string{ally.EventLeadCreated}}, "url"},
		{"no events", ally.SubscriptionFields{URL: ptr("https://crm.vendor.example")}, "events"},
		{"empty events", ally.SubscriptionFields{URL: ptr("https://crm.vendor.example"), Events: &[]string{}}, "events"},
		{"unknown event", ally.SubscriptionFields{URL: ptr("https://crm.vendor.example"), Events: &[]string{"lead.deleted"}}, "events"},
		{"long description", ally.SubscriptionFields{URL: ptr("https://crm.vendor.example"), Events: &[]string{ally.EventLeadCreated}, Description: &long}, "description"},
	}
	each(t, func(t *testing.T, a *app.App) {
		for _, tt := range tests {
			_, err := a.CreateSubscription(t.Context(), sys, tt.f)
			var e *ally.Error
			if !errors.As(err, &e) || e.Code != ally.ECodeInvalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field {
				t.Errorf("%s: want a %s error, got %v", tt.name, tt.field, err)
			}
		}
		if subs, _ := a.Subscriptions(t.Context(), sys); len(subs) != 0 {
			t.Fatalf("refused creates left %d subscriptions", len(subs))
		}
	})
}

// TestSubscriptionLifecycle: create (enabled, with a secret shown to the
// vendor and masked in the audit log), update with If-Match, rotate,
// delete; only webhooks:read/write may.
func TestSubscriptionLifecycle(t *testing.T) {
	each(t, func(t *testing.T, a *app.App) {
		ctx := t.Context()
		viewer := mustUser(t, a, "vic@vendor.example", ally.RoleViewer)
		s, err := a.CreateSubscription(ctx, sys, ally.SubscriptionFields{URL: ptr(" https://crm.vendor.example/hook "),
			Events: &[]string{ally.EventLeadCreated, ally.EventPartnerCreated, ally.EventLeadCreated}, Description: ptr("CRM")})
		if err != nil {
			t.Fatal(err)
		}
		if !s.Enabled || s.URL != "https://crm.vendor.example/hook" || !strings.HasPrefix(s.Secret, "whsec_") ||
			strings.Join(s.Events, ",") != "lead.created,partner.created" {
			t.Fatalf("created %+v", s)
		}
		_, err = a.Subscriptions(ctx, viewer)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = a.CreateSubscription(ctx, viewer, ally.SubscriptionFields{URL: ptr("https://x.example"), Events: &[]string{ally.EventLeadCreated}})
		wantCode(t, err, ally.ECodeForbidden)

		got, err := a.Subscription(ctx, sys, s.ID)
		if err != nil || got.Secret != s.Secret {
			t.Fatalf("read back %+v %v", got, err)
		}
		stale := s.Version
		off, err := a.UpdateSubscription(ctx, sys, s.ID, ally.SubscriptionFields{Enabled: ptr(false), RotateSecret: true}, &s.Version)
		if err != nil || off.Enabled || off.Secret == s.Secret || off.Version != s.Version+1 {
			t.Fatalf("update %+v %v", off, err)
		}
		_, err = a.UpdateSubscription(ctx, sys, s.ID, ally.SubscriptionFields{Enabled: ptr(true)}, &stale)
		wantCode(t, err, ally.ECodePrecondition)
		_, err = a.UpdateSubscription(ctx, sys, s.ID, ally.SubscriptionFields{Events: &[]string{"nope"}}, nil)
		wantCode(t, err, ally.ECodeInvalid)

		if err := a.DeleteSubscription(ctx, sys, s.ID); err != nil {
			t.Fatal(err)
		}
		_, err = a.Subscription(ctx, sys, s.ID)
		wantCode(t, err, ally.ECodeNotFound)
		wantCode(t, a.DeleteSubscription(ctx, sys, s.ID), ally.ECodeNotFound)

		page, _ := a.AuditEvents(ctx, sys, ally.AuditFilter{Limit: 50})
		var actions []string
		for _, ev := range page.Items {
			if strings.HasPrefix(ev.Action, "subscription.") {
				actions = append(actions, ev.Action)
			}
		}
		if strings.Join(actions, ",") != "subscription.deleted,subscription.updated,subscription.created" {
			t.Fatalf("audit %v", actions)
		}
		logged, _ := json.Marshal(page.Items)
		for _, secret := range []string{s.Secret, off.Secret} {
			if strings.Contains(string(logged), secret[len("whsec_"):len("whsec_")+12]) {
				t.Fatalf("the audit log shows a secret: %s", logged)
			}
		}
	})
}

// TestPartnerEventsReachSubscriptions: creating and updating a partner
// sends partner.created and partner.updated, signed with the
// subscription's secret; a deleted subscription's queued deliveries fail.
func TestPartnerEventsReachSubscriptions(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, answering(200))
		s, err := e.app.CreateSubscription(e.ctx, sys, ally.SubscriptionFields{URL: &rc.URL,
			Events: &[]string{ally.EventPartnerCreated, ally.EventPartnerUpdated}})
		if err != nil {
			t.Fatal(err)
		}
		rc.SetSecret(t, s.Secret)
		p := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), Domain: ptr("acme.example")})
		if _, err := e.app.UpdatePartner(e.ctx, sys, p.ID, ally.PartnerFields{Name: ptr("Acme Partners")}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		e.run()

		reqs := rc.Requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests", len(reqs))
		}
		for i, want := range []struct{ event, name string }{{ally.EventPartnerCreated, "Acme"}, {ally.EventPartnerUpdated, "Acme Partners"}} {
			body := bodyOf(t, reqs[i])
			data, _ := body["data"].(map[string]any)
			if reqs[i].Verified != nil || body["type"] != want.event || data["id"] != p.ID || data["name"] != want.name ||
				data["domain"] != "acme.example" || data["version"] != float64(i+1) {
				t.Fatalf("request %d: %+v", i, reqs[i])
			}
		}
		ds := e.deliveries(ally.DeliveryFilter{SubscriptionID: s.ID})
		if len(ds) != 2 || ds[0].Status != ally.DeliveryDelivered || ds[0].PartnerID != "" || ds[0].ID != reqs[1].WebhookID {
			t.Fatalf("deliveries %+v", ds)
		}

		if _, err := e.app.UpdatePartner(e.ctx, sys, p.ID, ally.PartnerFields{Name: ptr("Acme Inc")}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := e.app.DeleteSubscription(e.ctx, sys, s.ID); err != nil {
			t.Fatal(err)
		}
		e.run()
		ds = e.deliveries(ally.DeliveryFilter{SubscriptionID: s.ID})
		if len(rc.Requests()) != 2 || len(ds) != 3 || ds[0].Status != ally.DeliveryFailed || !strings.HasPrefix(ds[0].LastError, "endpoint turned off") {
			t.Fatalf("after delete: %d requests, %+v", len(rc.Requests()), ds[0])
		}
	})
}
