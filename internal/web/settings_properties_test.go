package web_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestSettingsProperties(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		wantText(t, b.get("/admin/settings/properties"), http.StatusOK, "No properties defined yet", "Partner tier", "Multi-select")

		pg := b.post("/admin/settings/properties", url.Values{"key": {"industry"}, "label": {"Industry"}, "type": {"select"},
			"options": {"Software\r\n\r\n  Retail \nFinance"}, "source": {"crm"}, "crmField": {"hs_industry"}, "position": {""}})
		wantRedirect(t, pg, "/admin/settings/properties?ok=created")
		wantText(t, b.follow(pg), http.StatusOK, "Industry", "Software, Retail, Finance", "hs_industry")
		ps, err := e.app.PropertyDefinitions(e.ctx, ally.System("test"))
		if err != nil || len(ps) != 1 {
			t.Fatalf("properties: %+v, %v", ps, err)
		}
		p := ps[0]
		if p.Key != "industry" || p.Source != ally.SourceCRM || p.CRMField != "hs_industry" ||
			!reflect.DeepEqual(p.Options, []string{"Software", "Retail", "Finance"}) {
			t.Fatalf("stored: %+v", p)
		}

		// A core key, an unknown type and source: every message, the input kept.
		pg = b.post("/admin/settings/properties", url.Values{"key": {"tier"}, "label": {""}, "type": {"blob"},
			"source": {"core"}, "position": {"x"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "not a core property", "must be 1 to 100 characters",
			"is not a known property type", "must be crm or custom", "must be a whole number", `value="tier"`)

		// Edit: turning it into text drops the options.
		edit := b.get("/admin/settings/properties/" + p.ID)
		wantText(t, edit, http.StatusOK, "Software\nRetail\nFinance")
		pg = b.post("/admin/settings/properties/"+p.ID, url.Values{"key": {"industry"}, "label": {"Sector"}, "type": {"text"},
			"options": {"Software"}, "source": {"custom"}, "crmField": {""}, "position": {"3"}, "version": {uiVersion(t, edit)}})
		wantRedirect(t, pg, "/admin/settings/properties?ok=saved")
		got, err := e.app.PropertyDefinition(e.ctx, ally.System("test"), p.ID)
		if err != nil || got.Label != "Sector" || got.Type != ally.TypeText || len(got.Options) != 0 || got.Source != ally.SourceCustom || got.Position != 3 {
			t.Fatalf("edited: %+v, %v", got, err)
		}

		// Delete asks first; the link alone deletes nothing.
		wantText(t, b.get("/admin/settings/properties/"+p.ID+"/delete"), http.StatusOK, "Delete the property", "Sector")
		if _, err := e.app.PropertyDefinition(e.ctx, ally.System("test"), p.ID); err != nil {
			t.Fatalf("the confirmation page deleted: %v", err)
		}
		wantRedirect(t, b.post("/admin/settings/properties/"+p.ID+"/delete", nil), "/admin/settings/properties?ok=deleted")
		_, err = e.app.PropertyDefinition(e.ctx, ally.System("test"), p.ID)
		if !ally.IsNotFound(err) {
			t.Fatalf("after delete: %v", err)
		}
		wantText(t, b.post("/admin/settings/properties/"+p.ID+"/delete", nil), http.StatusNotFound)
		if len(e.audits("property.deleted")) != 1 {
			t.Fatal("the deletion was not audited")
		}
	})
}

// TestSettingsTemplateProfile defines a CRM property, puts it in a template
// as editable, and checks the template stores the order and editability,
// and that tier, manager and champion are never stored as editable, even
// when a forged form ticks them.
func TestSettingsTemplateProfile(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		wantRedirect(t, b.post("/admin/settings/properties", url.Values{"key": {"industry"}, "label": {"Industry"},
			"type": {"text"}, "source": {"crm"}, "crmField": {"industry"}, "position": {"0"}}), "/admin/settings/properties?ok=created")

		form := b.get("/admin/settings/templates/new")
		wantText(t, form, http.StatusOK, "Industry", `name="row" value="industry"`, `aria-label="Partner tier is never editable by partners"`)
		if strings.Contains(form.body, `name="edit" value="tier"`) {
			t.Fatal("the tier row offers an editable checkbox")
		}

		rows := []string{"name", "website", "logo", "tier", "manager", "champion", "phone", "description", "industry"}
		post := url.Values{"name": {"Resellers"}, "section": {"dashboard", "profile", "leads"}, "row": rows,
			// Shown: industry first, then name, then tier; the rest hidden.
			"show": {"industry", "name", "tier", "manager"},
			// Editable: industry and name; tier and manager forged in.
			"edit":           {"industry", "name", "tier", "manager", "website"},
			"order-industry": {"1"}, "order-name": {"2"}, "order-tier": {"3"}, "order-manager": {"3"},
			"order-website": {"9"}, "order-logo": {"x"}}
		for _, k := range []string{"logo", "champion", "phone", "description"} {
			post.Set("order-"+k, "9")
		}
		wantRedirect(t, b.post("/admin/settings/templates", post), "/admin/settings/templates?ok=created")
		ts, err := e.app.ExperienceTemplates(e.ctx, ally.System("test"))
		if err != nil || len(ts) != 1 {
			t.Fatalf("templates: %+v, %v", ts, err)
		}
		tpl := ts[0]
		want := []ally.ProfileField{{Key: "industry", Editable: true}, {Key: "name", Editable: true}, {Key: "tier"}, {Key: "manager"}}
		if !reflect.DeepEqual(tpl.Profile, want) {
			t.Fatalf("profile %+v, want %+v", tpl.Profile, want)
		}
		if s := tpl.Sections; !s.Dashboard || !s.Profile || !s.Leads || s.Deals || s.Invoices || s.LeadExport || s.DeliverySettings {
			t.Fatalf("sections: %+v", s)
		}

		// The edit page lists the shown properties first, in their order, ticked as stored.
		edit := b.get("/admin/settings/templates/" + tpl.ID)
		wantText(t, edit, http.StatusOK, `value="Resellers"`, `id="show-industry" name="show" value="industry" aria-label="Show Industry" checked`,
			`id="edit-industry" name="edit" value="industry" aria-label="Industry editable by partner" checked`)
		if i, j := strings.Index(edit.body, `name="row" value="industry"`), strings.Index(edit.body, `name="row" value="name"`); i < 0 || j < 0 || i > j {
			t.Fatal("the edit page does not list the profile in its order")
		}

		// Reorder: name before industry, industry no longer editable; a bad order number is refused.
		v := uiVersion(t, edit)
		post.Set("version", v)
		post.Set("order-name", "0")
		post["edit"] = []string{"name"}
		post.Set("order-industry", "one")
		wantText(t, b.post("/admin/settings/templates/"+tpl.ID, post), http.StatusUnprocessableEntity,
			"Every shown property needs an order number", `value="one"`)
		post.Set("order-industry", "1")
		wantRedirect(t, b.post("/admin/settings/templates/"+tpl.ID, post), "/admin/settings/templates?ok=saved")
		got, err := e.app.ExperienceTemplate(e.ctx, ally.System("test"), tpl.ID)
		want = []ally.ProfileField{{Key: "name", Editable: true}, {Key: "industry"}, {Key: "tier"}, {Key: "manager"}}
		if err != nil || !reflect.DeepEqual(got.Profile, want) {
			t.Fatalf("profile after edit %+v, want %+v (%v)", got.Profile, want, err)
		}
		wantText(t, b.post("/admin/settings/templates", url.Values{"name": {""}}), http.StatusUnprocessableEntity, "must be 1 to 100 characters")
		wantText(t, b.get("/admin/settings/templates"), http.StatusOK, "Resellers", "Dashboard, Partner profile, Leads")
	})
}
