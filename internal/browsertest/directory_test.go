package browsertest

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const demoStaffEmail, demoStaffPassword = "admin@ally.example", "ally-demo-password"

// demoServer is "ally serve" on a database filled by "ally demo", with the
// demo's first portal user (who has a temporary password).
type demoServer struct {
	*server
	portalEmail, portalPartner string
}

// TestDemoData runs on the demo dataset: the directory's filters, and the
// screenshots of the main pages (which the README shows).
func TestDemoData(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	b := sqliteBackend(t)
	out := b.run(t, "demo")
	// The portal users are listed last: "  email  Partner Name".
	m := regexp.MustCompile(`(?m)^  (\S+@\S+)\s+(.+)$`).FindAllStringSubmatch(out[strings.Index(out, "partner portal users"):], -1)
	if len(m) == 0 {
		t.Fatalf("ally demo listed no portal users:\n%s", out)
	}
	d := &demoServer{server: b.serve(t), portalEmail: m[0][1], portalPartner: strings.TrimSpace(m[0][2])}
	t.Run("DirectoryFilters", func(t *testing.T) { directoryFilters(t, d) })
	t.Run("Screenshots", func(t *testing.T) { screenshots(t, d) })
}

// directoryFilters narrows the partner directory by search, status and
// tier in the browser, and checks that the URL carries the filters: opening
// it again shows the same list with the form filled in.
func directoryFilters(t *testing.T, d *demoServer) {
	b := newTab(t, d.URL, "staff")
	signInStaff(b, demoStaffEmail, demoStaffPassword)
	all := b.partnerRows()
	if len(all) < 10 {
		b.fatalf("the demo directory shows %d partners, want at least 10", len(all))
	}

	// Search by a word of the portal user's partner's name.
	word := strings.Fields(d.portalPartner)[0]
	b.fill("#f-q", word)
	b.clickOK("searching", `form.filters button[type=submit]`)
	found := b.partnerRows()
	if len(found) == 0 || len(found) >= len(all) {
		b.fatalf("searching %q shows %d of %d partners", word, len(found), len(all))
	}
	for _, r := range found {
		if !strings.Contains(strings.ToLower(r[0]+" "+r[1]), strings.ToLower(word)) {
			b.fatalf("searching %q shows %v", word, r)
		}
	}
	b.wantQuery("q", word)
	b.clickOK("clearing the filters", `form.filters a[href="/admin/partners"]`)
	if got := b.value("#f-q"); got != "" {
		b.fatalf("after Clear the search field holds %q", got)
	}

	// Status and tier together, sorted by name.
	tier := run(b, "reading the tiers", chromedp.Evaluate[string](`document.querySelector("#f-tier").options[1].text`))
	b.choose("#f-status", "Active")
	b.choose("#f-tier", tier)
	b.choose("#f-sort", "Name")
	b.clickOK("filtering", `form.filters button[type=submit]`)
	filtered := b.partnerRows()
	if len(filtered) == 0 || len(filtered) >= len(all) {
		b.fatalf("status active and tier %s show %d of %d partners", tier, len(filtered), len(all))
	}
	var names []string
	for _, r := range filtered {
		if r[2] != "active" || r[3] != tier {
			b.fatalf("status active and tier %s show %v", tier, r)
		}
		names = append(names, r[0])
	}
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		b.fatalf("sorted by name, the list is %v", names)
	}
	b.wantQuery("status", "active")
	b.wantQuery("sort", "name")
	filteredURL := b.location()

	// The URL alone brings the same list back, with the form filled in.
	b.open("/admin/partners")
	b.open(strings.TrimPrefix(filteredURL, d.URL))
	if got := b.partnerRows(); !slices.EqualFunc(got, filtered, slices.Equal) {
		b.fatalf("opening %s again shows %v, want %v", filteredURL, got, filtered)
	}
	for sel, want := range map[chromedp.CSS]string{"#f-status": "active", "#f-sort": "name"} {
		if got := b.value(sel); got != want {
			b.fatalf("opened from the URL, %s is %q, want %q", sel, got, want)
		}
	}
	if got := run(b, "reading the tier", chromedp.Evaluate[string](`document.querySelector("#f-tier").selectedOptions[0].text`)); got != tier {
		b.fatalf("opened from the URL, the tier shown is %q, want %q", got, tier)
	}
}

// partnerRows returns the directory's rows: name, domain, status, tier, owner.
func (b *tab) partnerRows() [][]string {
	b.t.Helper()
	b.do("waiting for the directory", chromedp.WaitVisible(chromedp.CSS(`form.filters`)))
	return run(b, "reading the directory", chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll("main table.list tbody tr")].map(tr => [...tr.cells].slice(0, 5).map(c => c.innerText.trim()))`))
}

// wantQuery fails unless the page's URL has the query parameter.
func (b *tab) wantQuery(key, want string) {
	b.t.Helper()
	u, err := url.Parse(b.location())
	if err != nil {
		b.fatalf("%v", err)
	}
	if got := u.Query().Get(key); got != want {
		b.fatalf("the URL %s has %s=%q, want %q", u, key, got, want)
	}
}
