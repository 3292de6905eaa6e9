package web_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

func TestAdminPartnerCreateEditArchive(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		gold, err := e.app.CreateTier(e.ctx, e.admin, ally.TierFields{Name: uiPtr("Gold")})
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := e.app.CreateExperienceTemplate(e.ctx, e.admin, ally.ExperienceTemplateFields{Name: uiPtr("Resellers")})
		if err != nil {
			t.Fatal(err)
		}
		b := e.signIn("admin@vendor.example")
		wantUI(t, b.get("/admin/partners/new"), http.StatusOK, `<label for="f-name">Name</label>`, `name="customProperties.key"`,
			`<option value="`+tpl.ID+`">Resellers</option>`)

		// Rejected: every problem on its field, the input kept.
		pg := b.post("/admin/partners/new", url.Values{"name": {""}, "domain": {"not a domain"}, "website": {"ftp://acme.example"},
			"status": {"active"}, "portalAccess": {"RESTRICTED_USERS"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "Some fields are not valid", `value="not a domain"`,
			`<span class="error" id="e-f-domain">must be a domain name`, `id="f-domain" name="domain" type="text" value="not a domain" aria-describedby="h-f-domain e-f-domain " aria-invalid="true"`,
			`id="e-f-name"`, `id="e-f-website"`, `value="ftp://acme.example"`)
		pg = b.post("/admin/partners/new", url.Values{"name": {"Solo"}, "portalAccess": {"RESTRICTED_DOMAINS"}, "experienceTemplateId": {""}})
		wantUI(t, pg, http.StatusUnprocessableEntity, "can only be set together with experienceTemplateId")
		pg = b.post("/admin/partners/new", url.Values{"name": {"Dup"}, "customProperties.key": {"a", "a"}, "customProperties.value": {"1", "2"}, "portalAccess": {"RESTRICTED_USERS"}})
		wantUI(t, pg, http.StatusUnprocessableEntity, `property &#34;a&#34; is listed twice`, `aria-describedby="e-customProperties"`)

		// Created with every kind of field.
		form := uiForm(t, b.get("/admin/partners/new"), "/admin/partners/new")
		form.Set("name", "Acme Partners")
		form.Set("domain", "ACME.example")
		form.Set("status", "active")
		form.Set("tierId", gold.ID)
		form.Set("categories", "Reseller, EMEA, ,Reseller")
		form.Set("description", "Line one\r\nLine two")
		form.Set("experienceTemplateId", tpl.ID)
		form.Set("portalAccess", "RESTRICTED_DOMAINS")
		form.Set("externalId", "crm-1")
		form["customProperties.key"][0], form["customProperties.value"][0] = "region", "EMEA"
		pg = b.post("/admin/partners/new", form)
		wantUI(t, pg, http.StatusOK, "Created.", "Acme Partners", "acme.example", "Gold", "Reseller, EMEA", "Resellers",
			"Anyone with a verified e-mail at acme.example", "<dt>region</dt><dd>EMEA</dd>")
		id := strings.TrimPrefix(pg.path(), "/admin/partners/")
		p := e.reload(id)
		if p.Status != ally.StatusActive || p.TierID != gold.ID || !reflect.DeepEqual(p.Categories, []string{"Reseller", "EMEA"}) ||
			p.Description != "Line one\nLine two" || p.ExperienceTemplateID != tpl.ID || p.PortalAccess != ally.AccessRestrictedDomains ||
			p.ExternalID != "crm-1" || !reflect.DeepEqual(p.CustomProperties, map[string]any{"region": "EMEA"}) {
			t.Fatalf("created %+v", p)
		}
		// "New partner" never updates the partner that has the domain.
		wantUI(t, b.post("/admin/partners/new", url.Values{"name": {"Acme Again"}, "domain": {"acme.example"}, "portalAccess": {"RESTRICTED_USERS"}}),
			http.StatusUnprocessableEntity, "another partner already has this domain")

		// CRM values that are not text survive an edit that does not touch them.
		crm := map[string]any{"employees": 42.0, "tags": []any{"a", "R&D"}, "active": true, "name": "Acme"}
		if _, err := e.app.UpdatePartner(e.ctx, e.admin, id, ally.PartnerFields{PartnerCRMProperties: &crm}, app.UpdatePartnerOptions{}); err != nil {
			t.Fatal(err)
		}
		edit := b.get("/admin/partners/" + id + "/edit")
		wantUI(t, edit, http.StatusOK, `value="42"`, "Stored as number", `value="[&#34;a&#34;,&#34;R&amp;D&#34;]"`, "Stored as list", `name="version" value="2"`)
		stale := uiForm(t, edit, "/admin/partners/"+id+"/edit")
		form = uiForm(t, edit, "/admin/partners/"+id+"/edit")
		form.Set("name", "Acme Global")
		uiSetRow(t, form, "partnerObjectCrmProperties", "name", "Acme Global")
		wantUI(t, b.post("/admin/partners/"+id+"/edit", form), http.StatusOK, "Saved.", "Acme Global")
		p = e.reload(id)
		want := map[string]any{"employees": 42.0, "tags": []any{"a", "R&D"}, "active": true, "name": "Acme Global"}
		if p.Name != "Acme Global" || !reflect.DeepEqual(p.PartnerCRMProperties, want) || p.Version != 3 || p.TierID != gold.ID {
			t.Fatalf("after edit: %+v", p)
		}
		// Edited, a value becomes the text typed; a cleared name removes its property.
		form = uiForm(t, b.get("/admin/partners/"+id+"/edit"), "/admin/partners/"+id+"/edit")
		uiSetRow(t, form, "partnerObjectCrmProperties", "employees", "43")
		for i, k := range form["customProperties.key"] {
			if k == "region" {
				form["customProperties.key"][i] = ""
			}
		}
		wantUI(t, b.post("/admin/partners/"+id+"/edit", form), http.StatusOK, "Saved.")
		if p = e.reload(id); p.PartnerCRMProperties["employees"] != "43" || len(p.CustomProperties) != 0 {
			t.Fatalf("after second edit: %+v", p)
		}
		// The unchanged form writes nothing.
		form = uiForm(t, b.get("/admin/partners/"+id+"/edit"), "/admin/partners/"+id+"/edit")
		wantUI(t, b.post("/admin/partners/"+id+"/edit", form), http.StatusOK, "Nothing to change.")
		if e.reload(id).Version != p.Version {
			t.Fatal("an unchanged form wrote")
		}

		// A stale form: the 412 message and the current values, with the current version.
		stale.Set("description", "from an old tab")
		pg = b.post("/admin/partners/"+id+"/edit", stale)
		wantUI(t, pg, http.StatusPreconditionFailed, "changed by someone else", `value="Acme Global"`, `name="version" value="4"`)
		wantNot(t, pg, "from an old tab")
		if e.reload(id).Description == "from an old tab" {
			t.Fatal("the stale form was written")
		}

		// Archive and restore, from the partner page.
		wantUI(t, b.post("/admin/partners/"+id+"/archive", url.Values{}), http.StatusOK, "Archived.", `<span class="badge archived">archived</span>`, "Restore")
		edit = b.get("/admin/partners/" + id + "/edit")
		wantUI(t, edit, http.StatusOK, "Restore the partner to change its status")
		wantNot(t, edit, `name="status"`)
		form = uiForm(t, edit, "/admin/partners/"+id+"/edit")
		form.Set("phone", "+32 2 555 01 01")
		wantUI(t, b.post("/admin/partners/"+id+"/edit", form), http.StatusOK, "Saved.", "&#43;32 2 555 01 01")
		wantUI(t, b.post("/admin/partners/"+id+"/restore", url.Values{}), http.StatusOK, "Restored.", `<span class="badge active">active</span>`)
		if p := e.reload(id); p.Status != ally.StatusActive || p.Phone != "+32 2 555 01 01" {
			t.Fatalf("after restore: %+v", p)
		}
	})
}

func TestAdminPartnerTimeline(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.partner(ally.PartnerFields{Name: uiPtr("Acme")})
		b := e.signIn("admin@vendor.example")
		pg := b.get("/admin/partners/" + p.ID)
		wantUI(t, pg, http.StatusOK, "Nothing on the timeline yet.", `<input type="radio" name="kind" value="comment" checked>`)

		pg = b.post("/admin/partners/"+p.ID+"/activity", url.Values{"kind": {"note"}, "text": {"  "}})
		wantUI(t, pg, http.StatusUnprocessableEntity, `id="e-f-text"`, "must be 1 to 5000 characters", `value="note" checked`)
		pg = b.post("/admin/partners/"+p.ID+"/activity", url.Values{"kind": {"note"}, "text": {"Call them <b>Monday</b>\nabout renewal"}})
		wantUI(t, pg, http.StatusOK, "Added to the timeline.", "Internal note", "Call them &lt;b&gt;Monday&lt;/b&gt;\nabout renewal")
		pg = b.post("/admin/partners/"+p.ID+"/activity", url.Values{"kind": {"comment"}, "text": {"Welcome!"}})
		wantUI(t, pg, http.StatusOK, "Comment", "Welcome!")
		if !strings.Contains(pg.body, `<li class="comment">`) || strings.Index(pg.body, "Welcome!") > strings.Index(pg.body, "Monday") {
			t.Fatalf("timeline is not newest first: %s", pg.body)
		}
	})
}
