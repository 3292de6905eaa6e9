package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/mail/mailtest"
)

func TestSettingsBranding(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		wantText(t, b.get("/admin/settings/branding"), http.StatusOK, `type="color"`, `value="#2f6fed"`, "default of 60 days")

		// The typed hex code wins over the picker; the quiet threshold is saved with it.
		pg := b.post("/admin/settings/branding", url.Values{"vendorName": {"Acme Cloud"}, "logoUrl": {"https://acme.example/logo.png"},
			"accentPicker": {"#2f6fed"}, "accentColor": {"#aa3300"}, "quietDays": {"45"}})
		wantRedirect(t, pg, "/admin/settings/branding?ok=saved")
		wantText(t, b.follow(pg), http.StatusOK, "Saved.", `value="Acme Cloud"`, `value="#aa3300"`, `value="45"`, "Acme Cloud admin")
		brand, err := e.app.Branding(e.ctx)
		if err != nil || brand.VendorName != "Acme Cloud" || brand.AccentColor != "#aa3300" || brand.LogoURL != "https://acme.example/logo.png" {
			t.Fatalf("branding: %+v, %v", brand, err)
		}
		// The picker alone works too.
		wantRedirect(t, b.post("/admin/settings/branding", url.Values{"vendorName": {"Acme Cloud"}, "accentPicker": {"#115533"},
			"accentColor": {""}, "quietDays": {"45"}}), "/admin/settings/branding?ok=saved")
		resp, err := http.Get(e.base + "/theme.css")
		if err != nil {
			t.Fatal(err)
		}
		css, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(css), "#115533") {
			t.Fatalf("theme.css: %s", css)
		}

		pg = b.post("/admin/settings/branding", url.Values{"vendorName": {"Acme"}, "logoUrl": {"javascript:alert(1)"},
			"accentPicker": {"#2f6fed"}, "accentColor": {"red"}, "quietDays": {"soon"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "must be a whole number", `value="red"`, `value="soon"`)
		pg = b.post("/admin/settings/branding", url.Values{"vendorName": {"Acme"}, "logoUrl": {"javascript:alert(1)"},
			"accentPicker": {"#2f6fed"}, "accentColor": {"red"}, "quietDays": {"9999"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "must be an http or https URL", "must be a colour like #2f6fed", "must be 0 to 3650")
		if b2, _ := e.app.Branding(e.ctx); b2.AccentColor != "#115533" {
			t.Fatalf("a refused form changed the branding: %+v", b2)
		}
		set, _ := e.app.Settings(e.ctx, ally.System("test"))
		if set.QuietDays != 45 {
			t.Fatalf("quiet days %d", set.QuietDays)
		}
	})
}

// TestSettingsEmail saves the SMTP settings of an SMTP server in the test,
// keeps the stored password when the field is left empty, and sends the
// test e-mail through the job runner: it arrives in the vendor's branding.
func TestSettingsEmail(t *testing.T) {
	eachSettings(t, func(t *testing.T, e *uiEnv) {
		e.user("admin@vendor.example", ally.RoleAdmin)
		b := e.signInStepwise("admin@vendor.example")
		srv := mailtest.NewServer(t, mailtest.WithAuth("mailer", "s3cret"))
		wantRedirect(t, b.post("/admin/settings/branding", url.Values{"vendorName": {"Acme Cloud"}, "accentPicker": {"#aa3300"},
			"quietDays": {"0"}}), "/admin/settings/branding?ok=saved")

		page := b.get("/admin/settings/email")
		wantText(t, page, http.StatusOK, "No password is stored", "folder of Ally's data directory", `value="admin@vendor.example"`)
		wantText(t, b.post("/admin/settings/email", url.Values{"smtpHost": {"smtp.acme.example"}, "smtpPort": {"0"}, "smtpFrom": {""}}),
			http.StatusUnprocessableEntity, "must be 1 to 65535", "is required with an SMTP host", `value="smtp.acme.example"`)
		wantText(t, b.post("/admin/settings/email", url.Values{"smtpHost": {"smtp.acme.example"}, "smtpPort": {"many"}}),
			http.StatusUnprocessableEntity, "must be a whole number")

		form := url.Values{"smtpHost": {srv.Host}, "smtpPort": {strconv.Itoa(srv.Port)}, "smtpUsername": {"mailer"},
			"smtpPassword": {"s3cret"}, "smtpFrom": {`"Acme Partners" <partners@acme.example>`}}
		wantRedirect(t, b.post("/admin/settings/email", form), "/admin/settings/email?ok=saved")
		form.Set("smtpPassword", "") // saved again without it: the stored one stays
		wantRedirect(t, b.post("/admin/settings/email", form), "/admin/settings/email?ok=saved")
		page = b.get("/admin/settings/email")
		wantText(t, page, http.StatusOK, "A password is stored", `value="`+srv.Host+`"`)
		wantNoText(t, page, "s3cret")
		set, err := e.app.Settings(e.ctx, ally.System("test"))
		if err != nil || set.SMTP.Password != "s3cret" || set.SMTP.Port != srv.Port {
			t.Fatalf("settings: %+v, %v", set.SMTP, err)
		}

		wantText(t, b.post("/admin/settings/email/test", url.Values{"to": {"nobody"}}), http.StatusUnprocessableEntity,
			"must be a valid e-mail address", `value="nobody"`)
		wantRedirect(t, b.post("/admin/settings/email/test", url.Values{"to": {"check@acme.example"}}), "/admin/settings/email?ok=testmail")
		if ev := e.audits("settings.test_email_sent"); len(ev) != 1 {
			t.Fatalf("test e-mail audit: %+v", ev)
		}

		r := jobs.New(e.db, jobs.Options{})
		r.Handle(mail.JobKind, mail.Handler(mail.Dynamic{Settings: e.db.FindSettings, Timeout: 5 * time.Second}))
		if n, err := r.RunOnce(e.ctx); err != nil || n != 1 {
			t.Fatalf("run: %d jobs, %v", n, err)
		}
		got := srv.WaitFor(t, "check@acme.example", 5*time.Second)
		if got.Subject != "Test e-mail from Acme Cloud" || got.AuthUser != "mailer" || got.From != `"Acme Partners" <partners@acme.example>` {
			t.Fatalf("message: subject %q, auth %q, from %q", got.Subject, got.AuthUser, got.From)
		}
		for _, want := range []string{"Acme Cloud", "#aa3300"} {
			if !strings.Contains(got.HTML, want) {
				t.Fatalf("HTML lacks %q:\n%s", want, got.HTML)
			}
		}
	})
}
