package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

func TestSettingsUsers(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		admin := e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		wantText(t, b.get("/admin/settings/users"), http.StatusOK, "admin@vendor.example", "Add a staff user")

		// Every bad field at once; the password is never sent back.
		pg := b.post("/admin/settings/users", url.Values{"email": {"not-an-address"}, "name": {"Ana"}, "role": {"boss"}, "password": {"short"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "must be a valid e-mail address", "must be owner, admin, manager or viewer",
			"must be at least 12 characters", `value="not-an-address"`, `value="Ana"`)
		wantNoText(t, pg, `value="short"`)
		// An admin cannot hand out "owner"; the select does not offer it.
		wantNoText(t, b.get("/admin/settings/users"), `<option value="owner"`)

		pg = b.post("/admin/settings/users", url.Values{"email": {"Ana@Vendor.example"}, "name": {"Ana"}, "role": {"manager"}, "password": {uiPassword}})
		if pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/admin/settings/users/user_") {
			t.Fatalf("create: %d to %q\n%s", pg.status, pg.location(), pg.body)
		}
		userPath := strings.TrimSuffix(pg.location(), "?ok=created")
		id := strings.TrimPrefix(userPath, "/admin/settings/users/")
		wantText(t, b.follow(pg), http.StatusOK, "Created.", "ana@vendor.example", "No partners granted.")
		wantText(t, b.post("/admin/settings/users", url.Values{"email": {"ana@vendor.example"}, "role": {"viewer"}, "password": {uiPassword}}),
			http.StatusConflict, `value="ana@vendor.example"`)

		// Ana signs in elsewhere; her role and name change.
		ana := e.signInStepwise("ana@vendor.example")
		edit := b.get(userPath)
		pg = b.post(userPath, url.Values{"name": {"Ana Lopez"}, "role": {"viewer"}, "version": {uiVersion(t, edit)}})
		wantRedirect(t, pg, userPath+"?ok=saved")
		u, err := e.app.User(e.ctx, admin, id)
		if err != nil || u.Name != "Ana Lopez" || u.Role != ally.RoleViewer {
			t.Fatalf("user: %+v, %v", u, err)
		}
		wantText(t, b.post(userPath, url.Values{"name": {"x"}, "role": {"owner"}}), http.StatusForbidden, "only an owner")
		wantText(t, b.post(userPath, url.Values{"name": {"Ana"}, "role": {"chief"}}), http.StatusUnprocessableEntity,
			"must be owner, admin, manager or viewer")
		// One's own role is not offered, and not taken.
		self := b.get("/admin/settings/users/" + admin.ID)
		wantText(t, self, http.StatusOK, "You cannot change your own role", "You cannot disable yourself")
		wantText(t, b.post("/admin/settings/users/"+admin.ID, url.Values{"name": {"Me"}, "role": {"viewer"}}), http.StatusConflict,
			"you cannot change your own role")
		wantText(t, b.post("/admin/settings/users/"+admin.ID+"/disable", nil), http.StatusConflict, "you cannot disable yourself")

		// Disabling ends Ana's session at once; enabling lets her sign in again.
		wantText(t, ana.get("/admin/account"), http.StatusOK, "ana@vendor.example")
		wantRedirect(t, b.post(userPath+"/disable", nil), userPath+"?ok=saved")
		if pg := ana.get("/admin/account"); pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/admin/login") {
			t.Fatalf("a disabled user's session still works: %d %q", pg.status, pg.location())
		}
		wantText(t, b.get("/admin/settings/users"), http.StatusOK, "disabled")
		wantRedirect(t, b.post(userPath+"/enable", nil), userPath+"?ok=saved")
		e.signInStepwise("ana@vendor.example")

		// An admin sets a password for her.
		wantText(t, b.post(userPath+"/password", url.Values{"password": {"short"}}), http.StatusUnprocessableEntity, "must be at least 12 characters")
		wantRedirect(t, b.post(userPath+"/password", url.Values{"password": {"a brand new password"}}), userPath+"?ok=password")
		if _, err := e.app.SignInStaff(e.ctx, "ana@vendor.example", "a brand new password", appMeta()); err != nil {
			t.Fatalf("the new password does not work: %v", err)
		}
	})
}

// TestSettingsUserResetTOTP: an admin turns off the two-step sign-in of a
// user who lost their authenticator app; the user then signs in with the
// password alone. A manager cannot, and the change is audited.
func TestSettingsUserResetTOTP(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		admin := e.user("admin@vendor.example", ally.RoleAdmin)
		ana := e.user("ana@vendor.example", ally.RoleManager)
		e.enableTOTP(ana)
		userPath := "/admin/settings/users/" + ana.ID
		e.user("max@vendor.example", ally.RoleManager)
		wantText(t, e.signInStepwise("max@vendor.example").post(userPath+"/totp/reset", nil), http.StatusForbidden, "only admins")

		b := e.signInStepwise("admin@vendor.example")
		wantText(t, b.get(userPath), http.StatusOK, "Turn two-step sign-in off")
		wantRedirect(t, b.post(userPath+"/totp/reset", nil), userPath+"?ok=totpoff")
		pg := b.get(userPath + "?ok=totpoff")
		wantText(t, pg, http.StatusOK, "Two-step sign-in is off.")
		wantNoText(t, pg, "Turn two-step sign-in off")
		in, err := e.app.SignInStaff(e.ctx, "ana@vendor.example", uiPassword, appMeta())
		if err != nil || in.NeedTOTP {
			t.Fatalf("sign-in after the reset: %+v %v", in, err)
		}
		ev, err := e.app.AuditEvents(e.ctx, admin, ally.AuditFilter{Action: "auth.totp_reset"})
		if err != nil || len(ev.Items) != 1 || ev.Items[0].TargetID != ana.ID {
			t.Fatalf("audit: %+v %v", ev.Items, err)
		}
	})
}

func TestSettingsUserGrants(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		admin := e.user("admin@vendor.example", ally.RoleAdmin)
		viewer := e.user("viewer@vendor.example", ally.RoleViewer)
		acme := e.systemPartner("Acme Resellers")
		e.systemPartner("Globex")
		b := e.signInStepwise("admin@vendor.example")
		userPath := "/admin/settings/users/" + viewer.ID

		wantText(t, b.get(userPath+"?q=acme"), http.StatusOK, "Acme Resellers", `name="partner" value="`+acme.ID+`"`)
		wantNoText(t, b.get(userPath+"?q=acme"), "Globex")
		wantText(t, b.get(userPath+"?q=nothing-like-it"), http.StatusOK, "No partner matches")
		wantText(t, b.get(userPath+"?q="+acme.ID), http.StatusOK, "Acme Resellers")

		pg := b.post(userPath+"/grants", url.Values{"partner": {acme.ID}, "q": {"acme"}})
		wantRedirect(t, pg, userPath+"?q=acme&ok=granted")
		wantText(t, b.follow(pg), http.StatusOK, "Access granted.", "Revoke access to Acme Resellers")
		gs, err := e.app.UserGrants(e.ctx, admin, viewer.ID)
		if err != nil || len(gs) != 1 || gs[0].PartnerID != acme.ID {
			t.Fatalf("grants: %+v, %v", gs, err)
		}
		// The viewer now sees the partner through the same application call.
		if _, err := e.app.Partner(e.ctx, viewer, acme.ID); err != nil {
			t.Fatalf("the viewer cannot see the granted partner: %v", err)
		}
		wantText(t, b.post(userPath+"/grants", url.Values{"partner": {"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"}}), http.StatusUnprocessableEntity,
			"is not a partner")

		wantRedirect(t, b.post(userPath+"/grants/"+acme.ID+"/revoke", nil), userPath+"?ok=ungranted")
		if gs, _ := e.app.UserGrants(e.ctx, admin, viewer.ID); len(gs) != 0 {
			t.Fatalf("grants after revoke: %+v", gs)
		}
		if len(e.audits("grant.created")) != 1 || len(e.audits("grant.deleted")) != 1 {
			t.Fatal("grants not audited")
		}
	})
}

var setKeyRE = regexp.MustCompile(`ally_[a-z2-7]{20,}`)

// TestSettingsAPIKeys creates a key in the UI, sees it once, uses it
// against the API, and revokes it.
func TestSettingsAPIKeys(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		e.systemPartner("Acme")
		b := e.signInStepwise("admin@vendor.example")
		wantText(t, b.get("/admin/settings/api-keys"), http.StatusOK, "No API keys yet", "partners:read", "audit:read")
		wantText(t, b.post("/admin/settings/api-keys", url.Values{"name": {""}, "scope": {"partners:read"}}),
			http.StatusUnprocessableEntity, "must be 1 to 100 characters")
		wantText(t, b.post("/admin/settings/api-keys", url.Values{"name": {"CRM"}}), http.StatusUnprocessableEntity,
			"tick at least one permission", `value="CRM"`)
		wantText(t, b.post("/admin/settings/api-keys", url.Values{"name": {"CRM"}, "scope": {"partners:read", "root:all"}}),
			http.StatusUnprocessableEntity, "unknown scope")

		pg := b.post("/admin/settings/api-keys", url.Values{"name": {"CRM sync"}, "scope": {"partners:read"}})
		wantText(t, pg, http.StatusCreated, "Copy it now: it is not shown again.", "CRM sync")
		if cc := pg.header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control %q", cc)
		}
		secret := setKeyRE.FindString(pg.body)
		if secret == "" {
			t.Fatalf("no key on the page\n%s", pg.body)
		}
		list := b.get("/admin/settings/api-keys")
		wantText(t, list, http.StatusOK, "CRM sync", secret[:13]+"…", "partners:read")
		wantNoText(t, list, secret)

		call := func(path string) int {
			req, _ := http.NewRequest("GET", e.base+path, nil)
			req.Header.Set("x-api-key", secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if path == "/api/v1/partners" && resp.StatusCode == http.StatusOK {
				var body struct{ Data []map[string]any }
				raw, _ := io.ReadAll(resp.Body)
				if err := json.Unmarshal(raw, &body); err != nil || len(body.Data) != 1 {
					t.Fatalf("partners: %s", raw)
				}
			}
			return resp.StatusCode
		}
		if got := call("/api/v1/partners"); got != http.StatusOK {
			t.Fatalf("the new key: %d", got)
		}
		if got := call("/api/v1/tiers"); got != http.StatusForbidden {
			t.Fatalf("a scope the key lacks: %d", got)
		}
		ks, err := e.app.APIKeys(e.ctx, ally.System("test"))
		if err != nil || len(ks) != 1 {
			t.Fatalf("keys: %+v, %v", ks, err)
		}
		wantRedirect(t, b.post("/admin/settings/api-keys/"+ks[0].ID+"/revoke", nil), "/admin/settings/api-keys?ok=revoked")
		wantText(t, b.get("/admin/settings/api-keys"), http.StatusOK, "revoked")
		if got := call("/api/v1/partners"); got != http.StatusUnauthorized {
			t.Fatalf("the revoked key: %d", got)
		}
		wantText(t, b.post("/admin/settings/api-keys/key_01HVK6Y8Z8Q7J8J8J8J8J8J8J8/revoke", nil), http.StatusNotFound)
	})
}
