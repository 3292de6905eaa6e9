package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allyprm/ally/internal/allytest"
)

// The browser tests boot the real program: the first test to start builds
// the ally binary and starts one headless Chromium for the whole package
// (so "go test -run '^$' -bench ." starts neither); each test runs
// "ally serve" as a separate process and drives it in tabs of its own.

var (
	setUpOnce  sync.Once
	setUpErr   error           // why the binary or the browser is missing
	noBrowser  string          // why there is no browser, when there is none
	allyBin    string          // the binary setUp built
	browserCtx context.Context // the shared browser; tabs are made from it
	tearDown   []func()        // run by TestMain after the tests, last first
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(tearDown) - 1; i >= 0; i-- {
		tearDown[i]()
	}
	os.Exit(code)
}

// setUp builds the binary and starts the browser, once for the package.
func setUp() error {
	dir, err := os.MkdirTemp("", "ally-browsertest-")
	if err != nil {
		return err
	}
	tearDown = append(tearDown, func() { os.RemoveAll(dir) })
	if allyBin, err = allytest.Build(dir); err != nil {
		return err
	}

	path := chromiumPath()
	if path == "" {
		noBrowser = "no Chromium found (install it with: apt-get install -y chromium, or set ALLY_CHROMIUM to its path)"
		return nil
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")),
		chromedp.WindowSize(viewportWidth, viewportHeight),
		// Without these, Chromium keeps dialling out, and this machine's
		// closed network refuses it many times over.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-first-run", true),
	)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	tearDown = append(tearDown, cancelAlloc, cancel) // the browser first, then its allocator
	// The first Run starts the browser and binds it to ctx: no timeout here.
	if err := chromedp.Do(ctx); err != nil {
		return fmt.Errorf("starting Chromium (%s): %w", path, err)
	}
	browserCtx = ctx
	return nil
}

// chromiumPath finds the browser: ALLY_CHROMIUM, else Debian's chromium or
// another usual name on PATH.
func chromiumPath() string {
	if p := os.Getenv("ALLY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser sets the package up on first use, then skips the test when
// there is no browser on a newcomer's machine, and fails it in CI (CI or
// ALLY_REQUIRE_POSTGRES=1 set), where every test must run.
func needBrowser(t *testing.T) {
	t.Helper()
	setUpOnce.Do(func() { setUpErr = setUp() })
	if setUpErr != nil {
		t.Fatal(setUpErr)
	}
	if noBrowser == "" {
		return
	}
	if os.Getenv("CI") != "" || os.Getenv("ALLY_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("browser tests must run in CI, but: %s", noBrowser)
	}
	t.Skip(noBrowser)
}
