package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// screenshotDir is where ALLY_UPDATE_SCREENSHOTS=1 puts the screenshots:
// docs/screenshots at the repository's root (tests run in their package's
// directory).
const screenshotDir = "../../docs/screenshots"

// maxScreenshotHeight cuts long pages (a directory of 50 partners) so each
// screenshot shows a screenful and a bit, not the whole scroll.
const maxScreenshotHeight = 1200

// maxScreenshotBytes keeps the committed PNGs small enough for the repository.
const maxScreenshotBytes = 300 << 10

// screenshots visits the main admin and portal pages on the demo data and
// saves a PNG of each into a temporary directory; with
// ALLY_UPDATE_SCREENSHOTS=1 it copies them into docs/screenshots, so an
// ordinary run never changes the working tree.
func screenshots(t *testing.T, d *demoServer) {
	dir := t.TempDir()
	shots := map[string][]byte{}
	// shoot saves what the screenshot action takes; take is a screenful
	// and a bit from the top of the page.
	shoot := func(b *tab, name string, shot chromedp.Action[[]byte]) {
		t.Helper()
		png := run(b, "taking the screenshot "+name, shot)
		checkScreenshot(b, name, png)
		shots[name] = png
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	take := func(b *tab, name string) {
		t.Helper()
		shoot(b, name, pageShot(maxScreenshotHeight))
	}

	staff := newTab(t, d.URL, "staff")
	staff.open("/admin/login")
	take(staff, "admin-login.png")
	signInStaff(staff, demoStaffEmail, demoStaffPassword)
	take(staff, "admin-partners.png")
	staff.fill("#f-q", d.portalPartner)
	staff.clickOK("searching", `form.filters button[type=submit]`)
	staff.clickOK("opening "+d.portalPartner, `main table.list tbody tr a`)
	staff.wantText("main h1", d.portalPartner)
	take(staff, "admin-partner.png")
	staff.clickOK("opening the settings", `nav.main a[href="/admin/settings"]`)
	staff.clickOK("opening the templates", `main a[href="/admin/settings/templates"]`)
	take(staff, "admin-settings-templates.png")
	staff.clickOK("opening a template", `table[aria-label="Experience templates"] tbody tr a`)
	take(staff, "admin-settings-template.png")
	staff.clickOK("opening the audit log", `nav.main a[href="/admin/audit"]`)
	take(staff, "admin-audit.png")
	leadScreenshots(staff, d.portalPartner, shoot)

	// The demo's portal user signs in with the temporary password and
	// must choose their own first.
	partner := newTab(t, d.URL, "partner")
	partner.open("/partner/login")
	partner.fill("#f-email", d.portalEmail)
	partner.fill("#f-password", "ally-demo-partner")
	partner.clickOK("signing in to the portal", `form[action="/partner/login"] button[type=submit]`)
	partner.wantPath(portalPasswordPath)
	partner.fill("#f-currentPassword", "ally-demo-partner")
	partner.fill("#f-newPassword", "a partner's own passphrase")
	partner.fill("#f-confirm", "a partner's own passphrase")
	partner.clickOK("changing the temporary password", `form[action="/partner/account/password"] button[type=submit]`)
	partner.clickOK("opening the dashboard", `nav.main a[href="/partner/"]`)
	partner.wantText("main h1", d.portalPartner)
	take(partner, "portal-dashboard.png")
	partner.clickOK("opening the profile", `nav.main a[href="/partner/profile"]`)
	take(partner, "portal-profile.png")
	partner.clickOK("opening the account", `nav.main a[href="/partner/account"]`)
	take(partner, "portal-account.png")
	partner.clickOK("opening the leads", `nav.main a[href="/partner/leads"]`)
	partner.wantText("main h1", "Leads")
	take(partner, "portal-leads.png")
	partner.clickOK("opening a lead", `table[aria-label="Leads"] tbody tr a`)
	lead, _, _ := strings.Cut(strings.TrimPrefix(partner.location(), partner.base), "?")
	partner.reloadUntil(lead, "main", 30*time.Second, "Update the status", "delivered")
	take(partner, "portal-lead.png")

	t.Logf("%d screenshots in %s", len(shots), dir)
	if os.Getenv("ALLY_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, png := range shots {
		if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	abs, _ := filepath.Abs(screenshotDir)
	t.Logf("ALLY_UPDATE_SCREENSHOTS=1: wrote %d screenshots to %s", len(shots), abs)
}

const portalPasswordPath = "/partner/account/password"

// leadScreenshots takes the staff's lead pages on the demo data: the list,
// a lead placed by a rule and delivered by e-mail, from its routing
// explanation down, the rules editor, the dry run, and an import of a
// small file with two bad rows, finished. On the way it gives the portal
// user's partner a few leads from the unassigned queue, for the portal's.
func leadScreenshots(b *tab, partner string, shoot func(*tab, string, chromedp.Action[[]byte])) {
	b.t.Helper()
	take := func(name string) { b.t.Helper(); shoot(b, name, pageShot(maxScreenshotHeight)) }
	b.clickOK("opening the leads", `nav.main a[href="/admin/leads"]`)
	take("admin-leads.png")

	// The demo delivers by e-mail only to the partners with portal users.
	b.reloadUntil("/admin/deliveries?status=delivered", `main`, 30*time.Second, "lead.assigned")
	b.clickOK("opening a delivered lead", `table[aria-label="Deliveries"] tbody tr a[href^="/admin/leads/"]`)
	b.wantText(`section[aria-labelledby="h-routing"]`, "Placed by a routing rule", "took it", "chosen")
	b.wantText(`section[aria-labelledby="h-deliveries"]`, "delivered")
	shoot(b, "admin-lead.png", pageShotFrom(`section[aria-labelledby="h-routing"]`, maxScreenshotHeight))

	// The portal user's partner may have no leads the rules gave it:
	// a few from the queue, by hand.
	for range 6 {
		b.open("/admin/leads/unassigned")
		b.choose(`main table.list tbody tr:first-child select[name="partner"]`, partner)
		b.clickOK("assigning a lead to "+partner, `main table.list tbody tr:first-child button[type=submit]`)
		b.wantText("p.flash", "Lead assigned.")
	}

	b.clickOK("opening the rules", `nav.main a[href="/admin/rules"]`)
	b.clickOK("opening a weighted rule", `main table.list tbody tr:nth-child(2) a`)
	b.wantText("main h1", "Rule ")
	take("admin-rule.png")
	b.open("/admin/rules/dry-run")
	b.fill("#f-country", "DE")
	b.fill("#f-region", "EMEA")
	b.fill("#f-source", "web")
	b.fill("#f-company", "Nimbus Logistics")
	b.fill("#f-email", "jonas.weber@nimbuslogistics.example")
	b.clickOK("trying a lead", `form[action="/admin/rules/dry-run"] button[type=submit]`)
	b.wantText("#h-result", "It would go to")
	take("admin-rules-dry-run.png")

	file := writeImportFile(b.t, "trade-show-leads.csv", 240, map[int]badRow{
		57: {email: "not-an-email", country: "DE"}, 181: {email: "ok@import.example", country: "Germany"}})
	importFile(b, file, 0)
	b.wantText("#import-counts", "240 rows read: 238 imported, 2 refused.")
	b.clickOK("opening the import", `#import-link a`)
	b.wantText("#h-progress", "Done")
	take("admin-import.png")
}

// pageShotFrom is pageShot starting a little above the element sel (or
// higher, to fill the viewport at the page's end), as a PNG.
func pageShotFrom(sel chromedp.CSS, maxHeight int) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		box, err := chromedp.Evaluate[[2]float64](fmt.Sprintf(`(() => {
			window.scrollTo(0, 0);
			const top = document.querySelector(%s).getBoundingClientRect().top - 16;
			return [Math.max(0, top), document.documentElement.scrollHeight];
		})()`, jsString(string(sel))))(ctx, t)
		if err != nil {
			return nil, err
		}
		y := max(0, min(box[0], box[1]-viewportHeight))
		h := max(min(box[1]-y, float64(maxHeight)), viewportHeight)
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  &page.Viewport{Y: y, Width: viewportWidth, Height: h, Scale: 1},
			CaptureBeyondViewport: &yes, FromSurface: &yes,
		})
		return r.Data, err
	}
}

// checkScreenshot fails unless the image is a PNG at the desktop width and
// small enough to commit.
func checkScreenshot(b *tab, name string, data []byte) {
	b.t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "png" {
		b.fatalf("%s: not a PNG (%s): %v", name, format, err)
	}
	if cfg.Width != viewportWidth || cfg.Height < viewportHeight {
		b.fatalf("%s is %d×%d, want %d wide and at least %d high", name, cfg.Width, cfg.Height, viewportWidth, viewportHeight)
	}
	if len(data) > maxScreenshotBytes {
		b.fatalf("%s is %d KB, more than %d KB", name, len(data)>>10, maxScreenshotBytes>>10)
	}
}

// pageShot captures the page at the viewport's width from the top, as high
// as the page is but at most maxHeight pixels, as a PNG.
func pageShot(maxHeight int) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		h, err := chromedp.Evaluate[float64](`document.documentElement.scrollHeight`)(ctx, t)
		if err != nil {
			return nil, err
		}
		h = max(min(h, float64(maxHeight)), viewportHeight)
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  &page.Viewport{Width: viewportWidth, Height: h, Scale: 1},
			CaptureBeyondViewport: &yes, FromSurface: &yes,
		})
		return r.Data, err
	}
}

var yes = true

var _ = png.Decode // registers the PNG decoder for image.DecodeConfig
