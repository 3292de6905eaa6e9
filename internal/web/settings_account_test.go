package web_test

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/allyprm/ally/internal/ally"
)

func TestAccountProfileAndPassword(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		me := e.user("viewer@vendor.example", ally.RoleViewer)
		b := e.signInStepwise("viewer@vendor.example")
		other := e.signInStepwise("viewer@vendor.example") // the same user in another browser
		wantText(t, b.get("/admin/account"), http.StatusOK, "viewer@vendor.example (viewer)", `value="Name of viewer@vendor.example"`,
			"A partner I own edits its profile")

		pg := b.post("/admin/account", url.Values{"name": {"Vera Viewer"}, "notify": {ally.NotifyPartnerUpdated}})
		wantRedirect(t, pg, "/admin/account?ok=saved")
		wantText(t, b.follow(pg), http.StatusOK, "Saved.", `value="Vera Viewer"`, `value="partner_updated" checked`)
		u, err := e.app.User(e.ctx, me, me.ID)
		if err != nil || u.Name != "Vera Viewer" || !u.Notifications[ally.NotifyPartnerUpdated] || u.Notifications[ally.NotifyActivity] {
			t.Fatalf("user: %+v, %v", u, err)
		}
		wantText(t, b.post("/admin/account", url.Values{"name": {"bad\x00name"}}), http.StatusUnprocessableEntity, "must be at most 200 characters of text")

		// Password: typed twice, the current one checked, other sessions ended.
		wantText(t, b.post("/admin/account/password", url.Values{"currentPassword": {uiPassword}, "newPassword": {"another long password"},
			"confirmPassword": {"another long passwort"}}), http.StatusUnprocessableEntity, "does not match the new password")
		wantText(t, b.post("/admin/account/password", url.Values{"currentPassword": {"not my password"}, "newPassword": {"another long password"},
			"confirmPassword": {"another long password"}}), http.StatusUnprocessableEntity, "is not your current password")
		wantText(t, b.post("/admin/account/password", url.Values{"currentPassword": {uiPassword}, "newPassword": {"short"},
			"confirmPassword": {"short"}}), http.StatusUnprocessableEntity, "must be at least 12 characters")
		pg = b.post("/admin/account/password", url.Values{"currentPassword": {uiPassword}, "newPassword": {"another long password"},
			"confirmPassword": {"another long password"}})
		wantRedirect(t, pg, "/admin/account?ok=password")
		wantText(t, b.follow(pg), http.StatusOK, "Password changed.")
		if pg := other.get("/admin/account"); pg.status != http.StatusSeeOther {
			t.Fatalf("the other session survived the password change: %d", pg.status)
		}
		if _, err := e.app.SignInStaff(e.ctx, "viewer@vendor.example", "another long password", appMeta()); err != nil {
			t.Fatalf("the new password: %v", err)
		}
	})
}

var setQRRE = regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=]+)"`)

var setSecretRE = regexp.MustCompile(`<code class="secret" aria-labelledby="secret-label">([A-Z2-7]+)</code>`)

func TestAccountTOTP(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		wantText(t, b.get("/admin/account"), http.StatusOK, "Set up two-step sign-in")

		setup := b.post("/admin/account/totp", nil)
		wantText(t, setup, http.StatusOK, "otpauth://totp/", `src="data:image/png;base64,`)
		m := setSecretRE.FindStringSubmatch(setup.body)
		if m == nil {
			t.Fatalf("no secret\n%s", setup.body)
		}
		secret := m[1]
		qr := setQRRE.FindStringSubmatch(html.UnescapeString(setup.body))
		if qr == nil {
			t.Fatal("no QR code")
		}
		raw, err := base64.StdEncoding.DecodeString(qr[1])
		if err != nil {
			t.Fatal(err)
		}
		if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() != 200 {
			t.Fatalf("QR code: %v", err)
		}
		// Not on until a code confirms it; the account page offers to finish.
		wantText(t, b.get("/admin/account"), http.StatusOK, "You started setting it up", "Start again")
		wantNoText(t, b.get("/admin/account"), secret)
		wantText(t, b.post("/admin/account/totp/enable", url.Values{"code": {"000000"}}), http.StatusUnprocessableEntity,
			"is not the current code of your authenticator app")
		code, err := totp.GenerateCode(secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		pg := b.post("/admin/account/totp/enable", url.Values{"code": {code}})
		wantRedirect(t, pg, "/admin/account?ok=totp")
		wantText(t, b.follow(pg), http.StatusOK, "Two-step sign-in is on.", "Turn off two-step sign-in")
		in, err := e.app.SignInStaff(e.ctx, "admin@vendor.example", uiPassword, appMeta())
		if err != nil || !in.NeedTOTP {
			t.Fatalf("sign-in does not ask for a code: %+v, %v", in, err)
		}

		wantText(t, b.post("/admin/account/totp/disable", url.Values{"password": {"not my password"}}), http.StatusUnprocessableEntity,
			"is not your current password")
		wantRedirect(t, b.post("/admin/account/totp/disable", url.Values{"password": {uiPassword}}), "/admin/account?ok=totpoff")
		if in, err := e.app.SignInStaff(e.ctx, "admin@vendor.example", uiPassword, appMeta()); err != nil || in.NeedTOTP {
			t.Fatalf("still asks for a code: %+v, %v", in, err)
		}
		if len(e.audits("auth.totp_enabled")) != 1 || len(e.audits("auth.totp_disabled")) != 1 {
			t.Fatal("TOTP changes not audited")
		}
	})
}

var setEmailLinkRE = regexp.MustCompile(`https?://[^\s"<>]+(/admin/email/[A-Za-z0-9_-]+)`)

func TestAccountEmailChange(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		me := e.user("old@vendor.example", ally.RoleManager)
		e.user("taken@vendor.example", ally.RoleViewer)
		b := e.signInStepwise("old@vendor.example")
		e.mails()

		wantText(t, b.post("/admin/account/email", url.Values{"email": {"new@vendor.example"}, "currentPassword": {"wrong password"}}),
			http.StatusUnprocessableEntity, "is not your current password", `value="new@vendor.example"`)
		wantText(t, b.post("/admin/account/email", url.Values{"email": {"taken@vendor.example"}, "currentPassword": {uiPassword}}),
			http.StatusConflict, "already in use")
		pg := b.post("/admin/account/email", url.Values{"email": {"New@Vendor.example"}, "currentPassword": {uiPassword}})
		wantRedirect(t, pg, "/admin/account?ok=email")
		ms := e.mails()
		if len(ms) != 1 || ms[0].To[0] != "new@vendor.example" {
			t.Fatalf("mails: %+v", ms)
		}
		link := setEmailLinkRE.FindStringSubmatch(ms[0].Text)
		if link == nil || !strings.HasPrefix(link[0], e.base) {
			t.Fatalf("no link to %s in %q", e.base, ms[0].Text)
		}

		// Opening the link (a mail scanner may) changes nothing; the button does.
		anon := e.anonymous()
		wantText(t, anon.get(link[1]), http.StatusOK, "Confirm new address")
		if u, _ := e.app.User(e.ctx, me, me.ID); u.Email != "old@vendor.example" {
			t.Fatalf("the GET changed the address to %s", u.Email)
		}
		wantRedirect(t, anon.post(link[1], nil), "/admin/account?ok=emailset")
		if u, _ := e.app.User(e.ctx, me, me.ID); u.Email != "new@vendor.example" {
			t.Fatalf("address after confirming: %s", u.Email)
		}
		wantText(t, anon.post(link[1], nil), http.StatusNotFound, "not valid any more")
		e.signInStepwise("new@vendor.example")
	})
}
