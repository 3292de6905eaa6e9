package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestAdminRulesEditorAndDryRun(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		acme := e.activePartner("Acme Resellers", "", "Reseller")
		bolt := e.activePartner("Bolt Partners", "", "Reseller")
		b := e.signIn("admin@vendor.example")
		wantText(t, b.get("/admin/rules"), http.StatusOK, "No routing rules yet", `href="/admin/rules/new"`)
		wantText(t, b.get("/admin/rules/new"), http.StatusOK, "New routing rule", "Acme Resellers", "Round robin", "Weighted")

		// Every problem at once, the form as typed.
		pg := b.post("/admin/rules/new", url.Values{"name": {""}, "priority": {"ten"}, "mode": {"partner"}, "partner": {""},
			"countries": {"Germany"}, "dailyCap": {"0"}, "monthlyCap": {"0"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "Please correct the fields marked below.", "must be 1 to 200 characters of text",
			"must be a whole number", "is required: the partner that gets the leads", `"GERMANY" is not a two-letter country code`, `value="Germany"`, `value="ten"`)
		pg = b.post("/admin/rules/new", url.Values{"name": {"Weights"}, "priority": {"1"}, "mode": {"weighted"},
			"weight.partner": {acme.ID, ""}, "weight.value": {"0", ""}})
		wantText(t, pg, http.StatusUnprocessableEntity, "each weight must be a whole number from 1 to 1000")

		// A rule for German web leads to Acme.
		pg = b.postOnly("/admin/rules/new", url.Values{"name": {"Germany web"}, "priority": {"10"}, "enabled": {"1"}, "mode": {"partner"},
			"partner": {acme.ID}, "countries": {"de, at"}, "sources": {"Web"}, "dailyCap": {"5"}, "monthlyCap": {"0"}})
		wantRedirect(t, pg, "/admin/rules?ok=created")
		list := b.follow(pg)
		wantText(t, list, http.StatusOK, "Created.", "Germany web", "country DE, AT · source web", "Acme Resellers", "5 a day")
		rules, err := e.app.RoutingRules(e.ctx, e.admin)
		if err != nil || len(rules) != 1 {
			t.Fatalf("rules: %+v %v", rules, err)
		}
		rule := rules[0]
		if ev := e.audits("routing_rule.create"); len(ev) != 1 {
			t.Fatalf("audit: %+v", ev)
		}

		// Dry run: where a lead would go and why, nothing saved.
		wantText(t, b.get("/admin/rules/dry-run"), http.StatusOK, "Routing dry run", "Show where it would go")
		pg = b.post("/admin/rules/dry-run", url.Values{"country": {"DE"}, "source": {"web"}, "email": {"ada@engines.example"}})
		wantText(t, pg, http.StatusOK, "It would go to Acme Resellers", "Placed by a routing rule", "Germany web", "took it")
		pg = b.post("/admin/rules/dry-run", url.Values{"country": {"FR"}, "source": {"web"}, "email": {"ada@engines.example"}})
		wantText(t, pg, http.StatusOK, "No rule would place it", "country FR is not DE, AT", `value="FR"`)
		wantText(t, b.post("/admin/rules/dry-run", url.Values{"country": {"DE"}}), http.StatusUnprocessableEntity, "is required (or a name and a company)")
		if page, err := e.app.Leads(e.ctx, e.admin, ally.LeadFilter{}); err != nil || len(page.Items) != 0 {
			t.Fatalf("the dry run made leads: %+v %v", page.Items, err)
		}

		// A real lead follows the rule, and its page says why.
		l := e.lead(ally.LeadInput{Email: "max@firma.example", Country: "DE", Source: "web"})
		wantText(t, b.get("/admin/leads/"+l.ID), http.StatusOK, "Acme Resellers", "Placed by a routing rule", "Germany web", "Rules tried", "Partners considered")

		// Edit: weighted between both partners; the edit form shows what is stored.
		edit := b.get("/admin/rules/" + rule.ID)
		wantText(t, edit, http.StatusOK, `value="Germany web"`, `value="DE, AT"`, `value="5"`)
		pg = b.postOnly("/admin/rules/"+rule.ID, url.Values{"name": {"Germany shared"}, "priority": {"10"}, "enabled": {"1"}, "mode": {"weighted"},
			"weight.partner": {acme.ID, bolt.ID, ""}, "weight.value": {"3", "1", ""}, "countries": {"DE"}, "dailyCap": {"0"}, "monthlyCap": {"100"},
			"version": {uiVersion(t, edit)}})
		wantRedirect(t, pg, "/admin/rules?ok=saved")
		wantText(t, b.follow(pg), http.StatusOK, "Saved.", "Germany shared", "Weighted", "Acme Resellers (3), Bolt Partners (1)", "100 a month")
		// The stale form is refused.
		wantText(t, b.post("/admin/rules/"+rule.ID, url.Values{"name": {"Late"}, "priority": {"1"}, "mode": {"round_robin"}, "dailyCap": {"0"},
			"monthlyCap": {"0"}, "version": {uiVersion(t, edit)}}), http.StatusPreconditionFailed, "Someone else changed this meanwhile", `value="Late"`)

		// Delete.
		pg = b.postOnly("/admin/rules/"+rule.ID+"/delete", url.Values{})
		wantRedirect(t, pg, "/admin/rules?ok=deleted")
		wantText(t, b.follow(pg), http.StatusOK, "Deleted.", "No routing rules yet")
		wantUI(t, b.get("/admin/rules/"+rule.ID), http.StatusNotFound)

		// The rules are the vendor's: a viewer (like a manager, who sees only
		// some partners) neither reads, dry-runs nor changes them.
		e.user("vera@vendor.example", ally.RoleViewer)
		v := e.signIn("vera@vendor.example")
		wantUI(t, v.get("/admin/rules"), http.StatusForbidden)
		wantUI(t, v.post("/admin/rules/dry-run", url.Values{"email": {"a@b.example"}}), http.StatusForbidden)
		wantUI(t, v.post("/admin/rules/new", url.Values{"name": {"Viewer's"}, "priority": {"1"}, "mode": {"round_robin"}, "dailyCap": {"0"}, "monthlyCap": {"0"}}),
			http.StatusForbidden)
	})
}
