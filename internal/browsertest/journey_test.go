package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	staffEmail    = "olive@vendor.example"
	staffPassword = "correct horse battery staple"
	samEmail      = "sam@globex.example"
	samPassword   = "sam's own long passphrase"
	inviteNote    = "Welcome aboard, Sam! Your reseller portal is ready."
)

// TestPartnerJourney drives the main flow through the real server, on each
// engine: a staff user configures a property and a template, creates a
// partner and a contact and invites them; the invite goes over SMTP; the
// contact accepts it in the browser, edits the profile, fails to change a
// read-only field, and the staff user finds the change in the audit log.
func TestPartnerJourney(t *testing.T) {
	engines := []struct {
		name    string
		backend func(*testing.T) backend
	}{{"sqlite", sqliteBackend}, {"postgres", postgresBackend}}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			needBrowser(t)
			b := e.backend(t)
			b.run(t, "user", "create", "--email", staffEmail, "--password", staffPassword, "--role", "owner", "--name", "Olive Owner")
			srv := b.serve(t)
			start := time.Now()

			staff := newTab(t, srv.URL, "staff")
			signInStaff(staff, staffEmail, staffPassword)
			defineProperty(staff)
			createTemplate(staff)
			partnerPath := createPartner(staff)
			inviteContact(staff, partnerPath)

			msg := srv.mail.WaitFor(t, samEmail, 30*time.Second)
			if !strings.Contains(msg.Text, inviteNote) {
				t.Errorf("the invite e-mail lacks the personal message:\n%s", msg.Text)
			}
			link := msg.Link("/partner/invite/")
			if !strings.HasPrefix(link, srv.URL+"/partner/invite/") {
				t.Fatalf("invite link %q is not on the server %s:\n%s", link, srv.URL, msg.Text)
			}

			sam := newTab(t, srv.URL, "partner")
			acceptInvite(sam, strings.TrimPrefix(link, srv.URL))
			editProfile(sam)
			refuseReadOnly(sam)
			checkAudit(staff, partnerPath)
			t.Logf("%s: browser flow took %s", e.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// signInStaff signs in at /admin/login and lands on the partner directory.
func signInStaff(b *tab, email, password string) {
	b.t.Helper()
	b.open("/admin/login")
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	b.clickOK("signing in", `form[action="/admin/login"] button[type=submit]`)
	b.wantPath("/admin/partners")
	b.wantText("main h1", "Partners")
}

// defineProperty adds a custom property through Settings › Properties.
func defineProperty(b *tab) {
	b.t.Helper()
	b.clickOK("opening the settings", `nav.main a[href="/admin/settings"]`)
	b.clickOK("opening the properties", `main a[href="/admin/settings/properties"]`)
	b.fill("#f-key", "specialization")
	b.fill("#f-label", "Specialization")
	b.choose("#f-type", "Text")
	b.choose("#f-source", "Custom (kept in Ally only)")
	b.fill("#f-position", "5")
	b.clickOK("adding the property", `form[action="/admin/settings/properties"] button[type=submit]`)
	b.wantPath("/admin/settings/properties")
	b.wantText("p.flash", "Created.")
	b.wantText(`table[aria-label="Defined properties"]`, "Specialization", "specialization", "custom")
}

// createTemplate makes an experience template whose profile shows the
// company name (read-only), the tier (never editable) and the new property
// (editable), then checks the stored choices on its edit page.
func createTemplate(b *tab) {
	b.t.Helper()
	b.clickOK("opening the settings", `nav.main a[href="/admin/settings"]`)
	b.clickOK("opening the templates", `main a[href="/admin/settings/templates"]`)
	b.clickOK("starting a template", `a[href="/admin/settings/templates/new"]`)
	b.fill("#f-name", "Reseller portal")
	for _, id := range []string{"#show-name", "#show-tier", "#show-specialization", "#edit-specialization"} {
		b.setChecked(chromedp.CSS(id), true)
	}
	b.setChecked("#edit-name", false)
	b.clickOK("creating the template", `form[action="/admin/settings/templates"] button[type=submit]`)
	b.wantPath("/admin/settings/templates")
	b.wantText(`table[aria-label="Experience templates"]`, "Reseller portal")

	b.clickOK("reopening the template", `a[aria-label="Edit Reseller portal"]`)
	for id, want := range map[string]bool{"#show-specialization": true, "#edit-specialization": true, "#show-name": true, "#edit-name": false, "#show-tier": true} {
		if got := b.checked(chromedp.CSS(id)); got != want {
			b.fatalf("stored template: %s checked %v, want %v", id, got, want)
		}
	}
	if !run(b, "reading #edit-tier", chromedp.JavascriptAttribute[bool](chromedp.CSS("#edit-tier"), "disabled")) {
		b.fatalf("the tier's editable box is not disabled: partners must never edit the tier")
	}
}

// createPartner creates an active partner with the template and a starting
// value for the property, and returns its page's path.
func createPartner(b *tab) string {
	b.t.Helper()
	b.clickOK("opening the partners", `nav.main a[href="/admin/partners"]`)
	b.clickOK("starting a partner", `a[href="/admin/partners/new"]`)
	b.fill("#f-name", "Globex Partners")
	b.fill("#f-domain", "globex.example")
	b.choose("#f-status", "Active")
	b.choose("#f-experienceTemplateId", "Reseller portal")
	b.fill("#f-customProperties-0-key", "specialization")
	b.fill("#f-customProperties-0-value", "Cloud hosting")
	b.clickOK("creating the partner", `form[action="/admin/partners/new"] button[type=submit]`)
	path := strings.TrimPrefix(b.location(), b.base)
	path, _, _ = strings.Cut(path, "?")
	if !strings.HasPrefix(path, "/admin/partners/ptn_") {
		b.fatalf("creating the partner led to %s", path)
	}
	b.wantText("main h1", "Globex Partners", "active")
	b.wantText(`section[aria-labelledby="h-portal"]`, "Reseller portal")
	b.wantText(`section[aria-labelledby="h-props"]`, "specialization", "Cloud hosting")
	return path
}

// inviteContact adds a contact and enables their portal access with a
// personal message.
func inviteContact(b *tab, partnerPath string) {
	b.t.Helper()
	b.clickOK("starting a contact", chromedp.CSS(`a[href="`+partnerPath+`/contacts/new"]`))
	b.fill("#f-name", "Sam Carter")
	b.fill("#f-email", samEmail)
	b.fill("#f-title", "Partner Manager")
	b.clickOK("adding the contact", `form[action$="/contacts/new"] button[type=submit]`)
	b.wantPath(partnerPath)
	b.wantText("p.flash", "Created.")
	b.wantText(`section[aria-labelledby="h-contacts"]`, "Sam Carter", samEmail, "off")

	b.clickOK("opening the contact", `section[aria-labelledby="h-contacts"] a[href$="/edit"]`)
	b.fill("#f-message", inviteNote)
	b.clickOK("sending the invite", `form[action$="/invite"] button[type=submit]`)
	b.wantText("p.flash", "Invitation sent.")
	b.wantText(`section[aria-labelledby="h-portal"]`, "invited")
}

// setChecked clicks a checkbox until it is in the wanted state.
func (b *tab) setChecked(sel chromedp.CSS, want bool) {
	b.t.Helper()
	if b.checked(sel) != want {
		b.do("clicking "+string(sel), chromedp.Click(sel))
	}
	if b.checked(sel) != want {
		b.fatalf("%s: clicking did not make it checked=%v", sel, want)
	}
}

func (b *tab) checked(sel chromedp.CSS) bool {
	b.t.Helper()
	return run(b, "reading "+string(sel), chromedp.JavascriptAttribute[bool](sel, "checked"))
}
