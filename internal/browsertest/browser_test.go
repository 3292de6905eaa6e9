package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	viewportWidth  = 1280
	viewportHeight = 800
	// stepTimeout bounds every wait: a page under the race detector on a
	// busy two-core machine still loads in a fraction of it.
	stepTimeout = 20 * time.Second
)

// tab is one browser tab in a browser context of its own (its own cookies),
// at a desktop viewport, on one server.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the server's URL
	name string // for messages and failure screenshots
}

// newTab opens a tab for the test; it closes when the test ends.
func newTab(t *testing.T, base, name string) *tab {
	t.Helper()
	needBrowser(t)
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first Run creates the tab and binds it to ctx: no timeout on it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(viewportWidth, viewportHeight)); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return &tab{t: t, ctx: ctx, base: base, name: name}
}

// run runs one action with the step timeout and returns its value; on an
// error the test fails with what the step was, the page's URL and a
// screenshot.
func run[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	return v
}

// do runs actions that return nothing, as one step.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, what, chromedp.Steps(actions...))
}

// open navigates to path on the server and wants a 200.
func (b *tab) open(path string) {
	b.t.Helper()
	resp := run(b, "opening "+path, chromedp.NavigateResponse(b.base+path))
	if resp == nil {
		b.fatalf("opening %s: no document response", path)
	}
	if resp.Status != 200 {
		b.fatalf("opening %s: status %d", path, resp.Status)
	}
}

// click clicks the element and waits for the page it leads to (a link or a
// form's submit button), returning the final document's status (after any
// redirect).
func (b *tab) click(what string, sel chromedp.CSS) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
	if err != nil {
		b.fatalf("%s (clicking %s): %v", what, sel, err)
	}
	if resp == nil {
		b.fatalf("%s (clicking %s): no document response", what, sel)
	}
	return resp.Status
}

// clickOK is click that wants the page it leads to to answer 200.
func (b *tab) clickOK(what string, sel chromedp.CSS) {
	b.t.Helper()
	if status := b.click(what, sel); status != 200 {
		b.fatalf("%s: status %d", what, status)
	}
}

// fill replaces a text field's value by typing.
func (b *tab) fill(sel chromedp.CSS, text string) {
	b.t.Helper()
	// chromedp.SetValue cannot set "" (v0.22.1 compares the result with
	// what it sent and fails), so the field is emptied by script.
	clear := fmt.Sprintf(`document.querySelector(%s).value = ""`, jsString(string(sel)))
	b.do(fmt.Sprintf("typing %q into %s", text, sel),
		chromedp.WaitVisible(sel), chromedp.Evaluate[chromedp.Void](clear), chromedp.SendKeys(sel, text))
}

// choose picks the option of a select by its visible text, as a user
// would, and fires the change event.
func (b *tab) choose(sel chromedp.CSS, label string) {
	b.t.Helper()
	b.do("waiting for "+string(sel), chromedp.WaitVisible(sel))
	js := fmt.Sprintf(`(() => {
		const s = document.querySelector(%s);
		const o = [...s.options].find(o => o.text.trim() === %s);
		if (!o) return [...s.options].map(o => o.text.trim()).join(" | ");
		s.value = o.value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return "";
	})()`, jsString(string(sel)), jsString(label))
	if other := run(b, "choosing "+label+" in "+string(sel), chromedp.Evaluate[string](js)); other != "" {
		b.fatalf("%s has no option %q; it has: %s", sel, label, other)
	}
}

// text returns the visible text of the first element sel matches.
func (b *tab) text(sel chromedp.CSS) string {
	b.t.Helper()
	return run(b, "reading the text of "+string(sel), chromedp.Text(sel, chromedp.NodeVisible))
}

// value returns a form field's current value.
func (b *tab) value(sel chromedp.CSS) string {
	b.t.Helper()
	return run(b, "reading the value of "+string(sel), chromedp.Value(sel))
}

// wantText fails unless the element's text contains every part.
func (b *tab) wantText(sel chromedp.CSS, parts ...string) string {
	b.t.Helper()
	got := b.text(sel)
	for _, p := range parts {
		if !strings.Contains(got, p) {
			b.fatalf("%s does not say %q; it says:\n%s", sel, p, got)
		}
	}
	return got
}

// location returns the page's URL.
func (b *tab) location() string {
	b.t.Helper()
	return run(b, "reading the location", chromedp.Location())
}

// wantPath fails unless the page's path (without the query) is path.
func (b *tab) wantPath(path string) {
	b.t.Helper()
	loc := strings.TrimPrefix(b.location(), b.base)
	if p, _, _ := strings.Cut(loc, "?"); p != path {
		b.fatalf("on %s, want %s", loc, path)
	}
}

// screenshot returns a PNG of the page's viewport.
func (b *tab) screenshot() []byte {
	b.t.Helper()
	return run(b, "taking a screenshot", chromedp.CaptureScreenshot())
}

// fatalf fails the test, first saving a screenshot of the page where it
// can be looked at after the test (its temporary directories are gone).
func (b *tab) fatalf(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(b.t.Name()+"-"+b.name, "_")
		if dir, derr := os.MkdirTemp("", "ally-browser-failure-"); derr == nil {
			path := filepath.Join(dir, name+".png")
			if os.WriteFile(path, png, 0o644) == nil {
				msg += "\nscreenshot: " + path
			}
		}
	}
	b.t.Fatalf("[%s tab at %s] %s", b.name, loc, msg)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
