package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestAdminDeliverySettingsLogAndRedeliver(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		rc := ldNewReceiver(t, http.StatusInternalServerError, http.StatusOK)
		acme := e.activePartner("Acme Resellers", "")
		bolt := e.activePartner("Bolt Partners", "")
		b := e.signIn("admin@vendor.example")

		// The partner page links to its delivery settings.
		wantText(t, b.get("/admin/partners/"+acme.ID), http.StatusOK, `href="/admin/partners/`+acme.ID+`/delivery"`, "Lead delivery")
		set := b.get("/admin/partners/" + acme.ID + "/delivery")
		wantText(t, set, http.StatusOK, "Lead delivery of Acme Resellers", "None yet: the first save makes one.", "Nothing delivered to Acme Resellers yet.")

		// Turning a channel on without its address is refused beside the field.
		pg := b.post("/admin/partners/"+acme.ID+"/delivery", url.Values{"webhookUrl": {""}, "webhookOn": {"1"}, "emailTo": {"not an address"},
			"version": {uiVersion(t, set)}})
		wantText(t, pg, http.StatusUnprocessableEntity, "needs a webhook URL", "is not a valid e-mail address", "not an address")
		pg = b.postOnly("/admin/partners/"+acme.ID+"/delivery", url.Values{"webhookUrl": {rc.srv.URL + "/leads"}, "webhookOn": {"1"},
			"emailTo": {"Sales@Acme.example\nops@acme.example"}, "version": {uiVersion(t, set)}})
		wantRedirect(t, pg, "/admin/partners/"+acme.ID+"/delivery?ok=saved")
		set = b.follow(pg)
		wantText(t, set, http.StatusOK, "Saved.", rc.srv.URL+"/leads", "sales@acme.example\nops@acme.example", "whsec_", "Rotate the secret")
		st, err := e.app.DeliverySettings(e.ctx, e.admin, acme.ID)
		if err != nil || !st.WebhookOn || st.EmailOn || len(st.EmailTo) != 2 {
			t.Fatalf("settings: %+v %v", st, err)
		}
		// Rotating makes a new secret.
		pg = b.post("/admin/partners/"+acme.ID+"/delivery/rotate", url.Values{"version": {uiVersion(t, set)}})
		wantText(t, pg, http.StatusOK, "New signing secret made")
		st2, err := e.app.DeliverySettings(e.ctx, e.admin, acme.ID)
		if err != nil || st2.WebhookSecret == st.WebhookSecret {
			t.Fatalf("secret not rotated: %v", err)
		}
		wantText(t, pg, http.StatusOK, st2.WebhookSecret)

		// A lead for Acme: the first attempt gets a 500, shown on the lead's
		// page, the delivery's page and the log.
		l := e.lead(ally.LeadInput{FirstName: "Ada", LastName: "Lovelace", Company: "Engines Ltd", PartnerID: acme.ID})
		e.lead(ally.LeadInput{FirstName: "Bob", Company: "Elsewhere", PartnerID: bolt.ID})
		// Until its dispatch job runs, the new lead's page says its
		// deliveries are on their way, not that the partner takes none.
		wantText(t, b.get("/admin/leads/"+l.ID), http.StatusOK, "No deliveries yet: a new lead")
		e.runJobs()
		if rc.count() != 1 {
			t.Fatalf("receiver called %d times", rc.count())
		}
		page, err := e.app.Deliveries(e.ctx, e.admin, ally.DeliveryFilter{LeadID: l.ID})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("deliveries: %+v %v", page.Items, err)
		}
		dl := page.Items[0]
		lp := b.get("/admin/leads/" + l.ID)
		wantText(t, lp, http.StatusOK, "lead.assigned", "pending", "500", "receiver says Internal Server Error", `action="/admin/deliveries/`+dl.ID+`/redeliver"`)
		dp := b.get("/admin/deliveries/" + dl.ID)
		wantText(t, dp, http.StatusOK, dl.ID, rc.srv.URL+"/leads", "Acme Resellers", "receiver says Internal Server Error", "HTTP 500", `"firstName": "Ada"`)
		log := b.get("/admin/deliveries")
		wantText(t, log, http.StatusOK, "lead.assigned", rc.srv.URL+"/leads")
		wantText(t, b.get("/admin/deliveries?status=delivered"), http.StatusOK, "No deliveries match.")
		wantText(t, b.get("/admin/deliveries?partner="+bolt.ID), http.StatusOK, "No deliveries match.")
		wantText(t, b.get("/admin/deliveries?status=pending&partner="+acme.ID), http.StatusOK, `href="/admin/deliveries/`+dl.ID+`"`)
		wantText(t, b.get("/admin/deliveries?status=lost"), http.StatusUnprocessableEntity, "must be pending, delivered or failed")
		wantText(t, b.get("/admin/partners/"+acme.ID+"/delivery"), http.StatusOK, `href="/admin/deliveries/`+dl.ID+`"`)

		// Redeliver now: queued, back on the page it came from; the next run delivers.
		pg = b.postOnly("/admin/deliveries/"+dl.ID+"/redeliver", url.Values{"next": {"/admin/leads/" + l.ID}})
		wantRedirect(t, pg, "/admin/leads/"+l.ID+"?ok=redeliver")
		wantText(t, b.follow(pg), http.StatusOK, "Another attempt is queued.")
		e.runJobs()
		if rc.count() != 2 {
			t.Fatalf("receiver called %d times after redeliver", rc.count())
		}
		dp = b.get("/admin/deliveries/" + dl.ID)
		wantText(t, dp, http.StatusOK, `badge dlv-delivered`, "receiver says OK", "receiver says Internal Server Error")
		if ev := e.audits("delivery.redeliver"); len(ev) != 1 {
			t.Fatalf("audit: %+v", ev)
		}

		// A viewer sees the log and the settings, changes nothing.
		vera := e.user("vera@vendor.example", ally.RoleViewer)
		if err := e.app.Grant(e.ctx, e.admin, vera.ID, acme.ID); err != nil {
			t.Fatal(err)
		}
		v := e.signIn("vera@vendor.example")
		wantText(t, v.get("/admin/deliveries/"+dl.ID), http.StatusOK, "receiver says OK")
		wantNoText(t, v.get("/admin/deliveries/"+dl.ID), "Redeliver")
		wantNoText(t, v.get("/admin/partners/"+acme.ID+"/delivery"), "Save delivery settings", "Rotate the secret")
		wantUI(t, v.post("/admin/deliveries/"+dl.ID+"/redeliver", url.Values{}), http.StatusForbidden)
		wantUI(t, v.post("/admin/partners/"+acme.ID+"/delivery", url.Values{"webhookUrl": {""}}), http.StatusForbidden)
		wantUI(t, v.get("/admin/partners/"+bolt.ID+"/delivery"), http.StatusNotFound)
	})
}
