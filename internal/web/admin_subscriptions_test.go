package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestAdminWebhookSubscriptions(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		b := e.signIn("admin@vendor.example")
		wantText(t, b.get("/admin/settings"), http.StatusOK, `href="/admin/settings/webhooks"`)
		pg := b.get("/admin/settings/webhooks")
		wantText(t, pg, http.StatusOK, "No webhooks yet", "partner.created", "lead.status_changed")

		// Every problem at once, the form as typed.
		pg = b.post("/admin/settings/webhooks", url.Values{"url": {"ftp://crm.example/hook"}, "description": {"CRM sync"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "must be an https:// (or http://) URL", "must name at least one event", `value="ftp://crm.example/hook"`, `value="CRM sync"`)

		pg = b.postOnly("/admin/settings/webhooks", url.Values{"url": {"https://crm.example/hook"}, "event": {"lead.created", "partner.updated"},
			"description": {"CRM sync"}, "enabled": {"1"}})
		if pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/admin/settings/webhooks/sub_") {
			t.Fatalf("create: %d %q %s", pg.status, pg.location(), pg.body)
		}
		edit := b.follow(pg)
		subs, err := e.app.Subscriptions(e.ctx, e.admin)
		if err != nil || len(subs) != 1 {
			t.Fatalf("subscriptions: %+v %v", subs, err)
		}
		sub := subs[0]
		wantText(t, edit, http.StatusOK, "Created.", `value="https://crm.example/hook"`, sub.Secret, `value="lead.created" checked`, `value="partner.updated" checked`)
		wantNoText(t, edit, `value="lead.assigned" checked`)
		wantText(t, b.get("/admin/settings/webhooks"), http.StatusOK, "https://crm.example/hook", "CRM sync", "lead.created")

		// Edit: other events, turned off.
		pg = b.postOnly("/admin/settings/webhooks/"+sub.ID, url.Values{"url": {"https://crm.example/hook2"}, "event": {"lead.assigned"},
			"description": {"CRM"}, "version": {uiVersion(t, edit)}})
		wantRedirect(t, pg, "/admin/settings/webhooks/"+sub.ID+"?ok=saved")
		got, err := e.app.Subscription(e.ctx, e.admin, sub.ID)
		if err != nil || got.URL != "https://crm.example/hook2" || got.Enabled || len(got.Events) != 1 || got.Events[0] != ally.EventLeadAssigned {
			t.Fatalf("updated: %+v %v", got, err)
		}
		wantText(t, b.post("/admin/settings/webhooks/"+sub.ID, url.Values{"url": {"https://crm.example/hook2"}, "version": {uiVersion(t, edit)}}),
			http.StatusUnprocessableEntity, "must name at least one event")
		wantText(t, b.post("/admin/settings/webhooks/"+sub.ID, url.Values{"url": {"https://x.example"}, "event": {"lead.created"}, "version": {uiVersion(t, edit)}}),
			http.StatusPreconditionFailed, "Someone else changed this meanwhile")

		// Rotating the secret.
		edit = b.get("/admin/settings/webhooks/" + sub.ID)
		pg = b.post("/admin/settings/webhooks/"+sub.ID+"/rotate", url.Values{"version": {uiVersion(t, edit)}})
		rotated, err := e.app.Subscription(e.ctx, e.admin, sub.ID)
		if err != nil || rotated.Secret == sub.Secret {
			t.Fatalf("rotated: %+v %v", rotated, err)
		}
		wantText(t, pg, http.StatusOK, "New signing secret made", rotated.Secret)
		if ev := e.audits("subscription.updated"); len(ev) != 2 {
			t.Fatalf("audit: %+v", ev)
		}

		// Delete.
		pg = b.postOnly("/admin/settings/webhooks/"+sub.ID+"/delete", url.Values{})
		wantRedirect(t, pg, "/admin/settings/webhooks?ok=deleted")
		wantText(t, b.follow(pg), http.StatusOK, "Deleted.", "No webhooks yet")
		wantUI(t, b.get("/admin/settings/webhooks/"+sub.ID), http.StatusNotFound)

		// Webhooks are settings: a manager may not see them.
		e.user("ana@vendor.example", ally.RoleManager)
		m := e.signIn("ana@vendor.example")
		wantUI(t, m.get("/admin/settings/webhooks"), http.StatusForbidden)
		wantUI(t, m.post("/admin/settings/webhooks", url.Values{"url": {"https://x.example"}, "event": {"lead.created"}}), http.StatusForbidden)
	})
}
