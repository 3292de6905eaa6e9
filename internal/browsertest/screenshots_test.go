package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

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
	take := func(b *tab, name string) {
		t.Helper()
		png := run(b, "taking the screenshot "+name, pageShot(maxScreenshotHeight))
		checkScreenshot(b, name, png)
		shots[name] = png
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
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
