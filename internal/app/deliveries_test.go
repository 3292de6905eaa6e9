package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

// TestDeliverySettingsInThePortal: a partner user reads and edits its own
// settings when its template shows the section (the first save makes a
// signing secret, audited masked, on the timeline); a partner whose
// template hides the section cannot reach them at all.
func TestDeliverySettingsInThePortal(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		tmpl, err := e.app.CreateExperienceTemplate(e.ctx, sys, ally.ExperienceTemplateFields{Name: ptr("Resellers"),
			Sections: &ally.Sections{Dashboard: true, DeliverySettings: true}})
		if err != nil {
			t.Fatal(err)
		}
		a := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), ExperienceTemplateID: &tmpl.ID})
		b := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Globex")})
		ua := ally.Actor{Kind: ally.ActorPartner, ID: "ctc_a", PartnerID: a.ID, Label: "ana@acme.example"}
		ub := ally.Actor{Kind: ally.ActorPartner, ID: "ctc_b", PartnerID: b.ID, Label: "bo@globex.example"}

		set, err := e.app.MyDeliverySettings(e.ctx, ua)
		if err != nil || set.PartnerID != a.ID || set.Version != 0 || set.WebhookSecret != "" {
			t.Fatalf("unsaved settings: %+v %v", set, err)
		}
		_, err = e.app.MyDeliverySettings(e.ctx, ub)
		wantCode(t, err, ally.ECodeNotFound)
		_, err = e.app.UpdateMyDeliverySettings(e.ctx, ub, ally.DeliverySettingsFields{EmailOn: ptr(false)}, nil)
		wantCode(t, err, ally.ECodeNotFound)
		_, err = e.app.DeliverySettings(e.ctx, ua, b.ID)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.UpdateDeliverySettings(e.ctx, ua, a.ID, ally.DeliverySettingsFields{WebhookOn: ptr(false)}, nil)
		wantCode(t, err, ally.ECodeForbidden)

		for _, bad := range []ally.DeliverySettingsFields{
			{WebhookOn: ptr(true)},
			{WebhookURL: ptr("ftp://acme.example/hook")},
			{EmailTo: &[]string{"not an address"}},
			{EmailOn: ptr(true)},
		} {
			_, err := e.app.UpdateMyDeliverySettings(e.ctx, ua, bad, nil)
			wantCode(t, err, ally.ECodeInvalid)
		}

		url := "https://hooks.acme.example/leads"
		set, err = e.app.UpdateMyDeliverySettings(e.ctx, ua, ally.DeliverySettingsFields{WebhookURL: &url, WebhookOn: ptr(true)}, ptr(int64(0)))
		if err != nil || set.WebhookURL != url || !set.WebhookOn || !strings.HasPrefix(set.WebhookSecret, "whsec_") || set.Version != 1 {
			t.Fatalf("first save: %+v %v", set, err)
		}
		_, err = e.app.UpdateMyDeliverySettings(e.ctx, ua, ally.DeliverySettingsFields{WebhookOn: ptr(false)}, ptr(int64(0)))
		wantCode(t, err, ally.ECodePrecondition)
		rotated, err := e.app.UpdateMyDeliverySettings(e.ctx, ua, ally.DeliverySettingsFields{RotateSecret: true}, &set.Version)
		if err != nil || rotated.WebhookSecret == set.WebhookSecret || !strings.HasPrefix(rotated.WebhookSecret, "whsec_") {
			t.Fatalf("rotate: %+v %v", rotated, err)
		}

		audit, _ := e.app.AuditEvents(e.ctx, sys, ally.AuditFilter{PartnerID: a.ID, Action: "delivery_settings.updated"})
		if len(audit.Items) != 2 || audit.Items[1].ActorKind != ally.ActorPartner || audit.Items[1].Changes["webhookUrl"].After != url {
			t.Fatalf("audit %+v", audit.Items)
		}
		logged, _ := json.Marshal(audit.Items)
		for _, secret := range []string{set.WebhookSecret, rotated.WebhookSecret} {
			if strings.Contains(string(logged), secret[len("whsec_"):len("whsec_")+12]) {
				t.Fatalf("the audit log shows a secret: %s", logged)
			}
		}
		if audit.Items[0].Changes["webhookSecret"].After == nil {
			t.Fatalf("the rotation is not audited: %+v", audit.Items[0].Changes)
		}
		timeline, _ := e.app.Timeline(e.ctx, sys, a.ID, "", 10)
		if len(timeline.Items) == 0 || !strings.Contains(timeline.Items[0].Text, "delivery settings") {
			t.Fatalf("timeline %+v", timeline.Items)
		}
	})
}

// TestDeliveriesAreSeenOnlyByTheirPartner: a partner user lists and opens
// only its own organization's deliveries, never another partner's nor the
// vendor's subscription deliveries; a manager only those of its partners.
func TestDeliveriesAreSeenOnlyByTheirPartner(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		ana := mustUser(t, e.app, "ana@vendor.example", ally.RoleManager)
		a, _ := e.partnerWithWebhook("Acme", ana.ID, "https://hooks.acme.example/leads")
		b, _ := e.partnerWithWebhook("Globex", "", "https://hooks.globex.example/leads")
		sub, err := e.app.CreateSubscription(e.ctx, sys, ally.SubscriptionFields{URL: ptr("https://crm.vendor.example/hook"),
			Events: &[]string{ally.EventLeadAssigned}})
		if err != nil {
			t.Fatal(err)
		}
		la := e.lead(a.ID, "Ada", "Lovelace", "Analytical Engines")
		lb := e.lead(b.ID, "Grace", "Hopper", "Navy")
		e.run() // the leads' dispatch writes their deliveries
		own := e.only(ally.DeliveryFilter{LeadID: la.ID, PartnerID: a.ID})
		other := e.only(ally.DeliveryFilter{LeadID: lb.ID, PartnerID: b.ID})
		vendor := e.only(ally.DeliveryFilter{LeadID: la.ID, SubscriptionID: sub.ID})
		if vendor.PartnerID != "" {
			t.Fatalf("a vendor delivery names a partner: %+v", vendor)
		}
		ua := ally.Actor{Kind: ally.ActorPartner, ID: "ctc_a", PartnerID: a.ID, Label: "ana@acme.example"}

		for _, f := range []ally.DeliveryFilter{{}, {PartnerID: b.ID}, {SubscriptionID: vendor.SubscriptionID}, {LeadID: lb.ID}} {
			page, err := e.app.Deliveries(e.ctx, ua, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range page.Items {
				if d.PartnerID != a.ID || d.SubscriptionID != "" {
					t.Fatalf("partner user sees %+v (filter %+v)", d, f)
				}
			}
		}
		if page, _ := e.app.Deliveries(e.ctx, ua, ally.DeliveryFilter{}); len(page.Items) != 1 || page.Items[0].ID != own.ID {
			t.Fatalf("partner user's list: %+v", page.Items)
		}
		if v, err := e.app.Delivery(e.ctx, ua, own.ID); err != nil || v.Delivery.ID != own.ID {
			t.Fatalf("own delivery: %v", err)
		}
		for _, id := range []string{other.ID, vendor.ID} {
			_, err := e.app.Delivery(e.ctx, ua, id)
			wantCode(t, err, ally.ECodeNotFound)
			_, err = e.app.Delivery(e.ctx, ana, id)
			wantCode(t, err, ally.ECodeNotFound)
		}
		_, err = e.app.Redeliver(e.ctx, ua, own.ID)
		wantCode(t, err, ally.ECodeForbidden)

		page, err := e.app.Deliveries(e.ctx, ana, ally.DeliveryFilter{})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != own.ID {
			t.Fatalf("manager's list: %+v %v", page.Items, err)
		}
		_, err = e.app.Deliveries(e.ctx, ana, ally.DeliveryFilter{PartnerID: b.ID})
		wantCode(t, err, ally.ECodeNotFound)
		_, err = e.app.DeliverySettings(e.ctx, ana, b.ID)
		wantCode(t, err, ally.ECodeNotFound)
		if page, _ := e.app.Deliveries(e.ctx, sys, ally.DeliveryFilter{}); len(page.Items) != 4 {
			t.Fatalf("an admin sees %d deliveries, want 4", len(page.Items))
		}
	})
}
