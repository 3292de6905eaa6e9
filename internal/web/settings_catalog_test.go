package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestSettingsTiers(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		wantText(t, b.get("/admin/settings"), http.StatusOK, "Tiers", "Experience templates", "API keys")
		wantText(t, b.get("/admin/settings/tiers"), http.StatusOK, "No tiers yet", "Add a tier")

		pg := b.post("/admin/settings/tiers", url.Values{"name": {" Gold "}, "rank": {"10"}, "price": {"12.50"}})
		wantRedirect(t, pg, "/admin/settings/tiers?ok=created")
		wantText(t, b.follow(pg), http.StatusOK, "Created.", "Gold", "12.50")
		ts, err := e.app.Tiers(e.ctx, ally.System("test"))
		if err != nil || len(ts) != 1 || ts[0].Name != "Gold" || ts[0].Rank != 10 || ts[0].PricePerLeadCents != 1250 {
			t.Fatalf("tiers: %+v, %v", ts, err)
		}
		id := ts[0].ID

		// Every bad field at once, the input kept.
		pg = b.post("/admin/settings/tiers", url.Values{"name": {""}, "rank": {"many"}, "price": {"12.505"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "must be 1 to 100 characters of text",
			"must be a whole number", "must be an amount like 12.50", `value="many"`, `value="12.505"`, `aria-invalid="true"`)
		pg = b.post("/admin/settings/tiers", url.Values{"name": {"Huge"}, "rank": {"5000"}, "price": {"1"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "must be 0 to 1000", `value="Huge"`)

		// Edit, with a comma for the decimal mark.
		edit := b.get("/admin/settings/tiers/" + id)
		wantText(t, edit, http.StatusOK, `value="Gold"`, `value="12.50"`)
		v := uiVersion(t, edit)
		pg = b.post("/admin/settings/tiers/"+id, url.Values{"name": {"Gold+"}, "rank": {"11"}, "price": {"7,5"}, "version": {v}})
		wantRedirect(t, pg, "/admin/settings/tiers?ok=saved")
		tier, err := e.app.Tier(e.ctx, ally.System("test"), id)
		if err != nil || tier.Name != "Gold+" || tier.Rank != 11 || tier.PricePerLeadCents != 750 {
			t.Fatalf("tier: %+v, %v", tier, err)
		}
		// The same form again carries a stale version: someone else's change is not overwritten.
		pg = b.post("/admin/settings/tiers/"+id, url.Values{"name": {"Lost"}, "rank": {"1"}, "price": {"1"}, "version": {v}})
		wantText(t, pg, http.StatusPreconditionFailed, "Someone else changed this meanwhile", `value="Lost"`)
		wantText(t, b.get("/admin/settings/tiers/tier_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"), http.StatusNotFound)
		if ev := e.audits("tier.updated"); len(ev) != 1 || ev[0].Changes["pricePerLeadCents"].After != 750.0 {
			t.Fatalf("audit: %+v", ev)
		}
	})
}

func TestSettingsPhases(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		for _, name := range []string{"Recruit", "Onboard"} {
			pg := b.post("/admin/settings/phases", url.Values{"name": {name}, "position": {""}})
			wantRedirect(t, pg, "/admin/settings/phases?ok=created")
		}
		list := b.get("/admin/settings/phases")
		wantText(t, list, http.StatusOK, "Recruit", "Onboard", `name="position" type="number" value="1"`)
		ps, err := e.app.Phases(e.ctx, ally.System("test"))
		if err != nil || len(ps) != 2 {
			t.Fatalf("phases: %+v, %v", ps, err)
		}
		wantText(t, b.post("/admin/settings/phases", url.Values{"name": {"Bad"}, "position": {"-1"}}),
			http.StatusUnprocessableEntity, "must be 0 to 1000", `value="Bad"`)

		edit := b.get("/admin/settings/phases/" + ps[1].ID)
		pg := b.post("/admin/settings/phases/"+ps[1].ID, url.Values{"name": {"Enable"}, "position": {"7"}, "version": {uiVersion(t, edit)}})
		wantRedirect(t, pg, "/admin/settings/phases?ok=saved")
		wantText(t, b.follow(pg), http.StatusOK, "Saved.", "Enable")
		p, err := e.app.Phase(e.ctx, ally.System("test"), ps[1].ID)
		if err != nil || p.Name != "Enable" || p.Position != 7 {
			t.Fatalf("phase: %+v, %v", p, err)
		}
		wantText(t, b.post("/admin/settings/phases/"+ps[1].ID, url.Values{"name": {""}, "position": {"7"}}),
			http.StatusUnprocessableEntity, "must be 1 to 100 characters of text")
	})
}

// TestSettingsOnlyForAdmins checks that managers and viewers get the
// application's 403 on every settings page and form, while their own
// account page works.
func TestSettingsOnlyForAdmins(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("manager@vendor.example", ally.RoleManager)
		e.user("viewer@vendor.example", ally.RoleViewer)
		gets := []string{"/admin/settings", "/admin/settings/tiers", "/admin/settings/phases", "/admin/settings/properties",
			"/admin/settings/templates", "/admin/settings/templates/new", "/admin/settings/users", "/admin/settings/api-keys",
			"/admin/settings/branding", "/admin/settings/email"}
		posts := []string{"/admin/settings/tiers", "/admin/settings/phases", "/admin/settings/properties", "/admin/settings/templates",
			"/admin/settings/users", "/admin/settings/api-keys", "/admin/settings/branding", "/admin/settings/email",
			"/admin/settings/email/test"}
		for _, email := range []string{"manager@vendor.example", "viewer@vendor.example"} {
			b := e.signInStepwise(email)
			for _, path := range gets {
				wantText(t, b.get(path), http.StatusForbidden, "only admins may open the settings")
			}
			for _, path := range posts {
				wantText(t, b.post(path, url.Values{"name": {"Sneaky"}}), http.StatusForbidden, "only admins may open the settings")
			}
			wantText(t, b.get("/admin/audit"), http.StatusForbidden, "audit:read")
			wantText(t, b.get("/admin/audit.csv"), http.StatusForbidden, "audit:read")
			wantText(t, b.get("/admin/account"), http.StatusOK, "My account", email)
		}
		if ts, _ := e.app.Tiers(e.ctx, ally.System("test")); len(ts) != 0 {
			t.Fatalf("a forbidden post created %+v", ts)
		}
		// Signed out, the settings send the browser to sign in.
		anon := e.anonymous()
		pg := anon.get("/admin/settings/users")
		if pg.status != http.StatusSeeOther || pg.location() != "/admin/login?next=%2Fadmin%2Fsettings%2Fusers" {
			t.Fatalf("signed out: %d to %q", pg.status, pg.location())
		}
	})
}
