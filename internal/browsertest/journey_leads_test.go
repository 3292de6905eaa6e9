package browsertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allyprm/ally/internal/webhook/webhooktest"
)

const (
	ruleName     = "Germany web leads"
	otherRule    = "France events"
	otherPartner = "Initech Resellers"
	lostReason   = "Chose a competitor"
	// hookAnswer is what the partner's endpoint answers; the attempt
	// shows it as the response excerpt.
	hookAnswer = `{"received":true}`
)

// leadServeEnv lets the server's guarded HTTP client reach the test's
// webhook receiver on loopback, which it refuses otherwise.
var leadServeEnv = []string{"ALLY_OUTBOUND_ALLOW=127.0.0.1"}

// TestLeadJourney drives the lead half through the real server, on each
// engine: staff adds a routing rule in the editor and tries it in the dry
// run, points the partner's delivery at a webhook receiver of the test, and
// types a lead in; the lead page explains the routing, the receiver gets
// the signed webhook and the page shows it delivered. The partner's user
// finds the lead in the portal, is refused "lost" without a reason, then
// sets it with one; staff sees the status and the timeline entry.
func TestLeadJourney(t *testing.T) {
	t.Parallel()
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
			api := &apiClient{t: t, key: apiKeyFrom(t, b.run(t, "apikey", "create", "--name", "Lead intake"))}
			hook := newHookReceiver(t)
			srv := b.serve(t, leadServeEnv...)
			api.base = srv.URL
			start := time.Now()

			staff := newTab(t, srv.URL, "staff")
			signInStaff(staff, staffEmail, staffPassword)
			createLeadsTemplate(staff)
			globexPath := createLeadPartner(staff)
			globexID := strings.TrimPrefix(globexPath, "/admin/partners/")
			// Another partner, and a rule tried before the new one, made
			// through the API: the explanation must tell them apart.
			initech := api.call(201, "POST", "/api/v1/partners", map[string]any{
				"name": otherPartner, "domain": "initech.example", "status": "active", "categories": []string{"Reseller"}})
			france := map[string]any{"countries": []string{"FR"}, "sources": []string{"event"}}
			api.call(201, "POST", "/api/v1/routing-rules", map[string]any{
				"name": otherRule, "priority": 10, "conditions": france, "mode": "partner", "partnerId": initech["id"]})

			createRule(staff)
			dryRun(staff)
			hook.SetSecret(t, setWebhook(staff, globexPath, hook.URL+"/ally/leads"))

			leadPath := newLead(staff)
			leadID := strings.TrimPrefix(leadPath, "/admin/leads/")
			checkRouting(staff)
			got := waitFor(t, hook, leadID, 30*time.Second)
			checkWebhook(t, got, leadID, globexID)
			checkDelivered(staff, leadPath, got.WebhookID, hook.URL)

			// Two more leads through the API: one the rule gives Globex,
			// one the other rule gives Initech (never shown to Globex).
			for _, l := range []struct{ first, last, country, source, partner string }{
				{"Max", "Mustermann", "DE", "web", globexID}, {"Pierre", "Dupont", "FR", "event", fmt.Sprint(initech["id"])}} {
				got := api.call(201, "POST", "/api/v1/leads", map[string]any{"firstName": l.first, "lastName": l.last,
					"email": strings.ToLower(l.first) + "@prospect.example", "company": l.last + " AG", "country": l.country, "source": l.source})
				if got["partnerId"] != l.partner {
					t.Fatalf("the API lead %s %s went to %v, want %s", l.first, l.last, got["partnerId"], l.partner)
				}
			}

			staff.open(globexPath)
			inviteContact(staff, globexPath)
			link := srv.mail.WaitFor(t, samEmail, 30*time.Second).Link("/partner/invite/")
			if !strings.HasPrefix(link, srv.URL+"/partner/invite/") {
				t.Fatalf("invite link %q is not on the server %s", link, srv.URL)
			}
			sam := newTab(t, srv.URL, "partner")
			acceptInvite(sam, strings.TrimPrefix(link, srv.URL))
			portalLead := findLeadInPortal(sam, leadID)
			loseLead(sam, portalLead)
			checkLost(staff, leadPath, globexPath)
			t.Logf("%s: lead journey took %s", e.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// createLeadsTemplate makes an experience template whose portal has the
// Leads section and its CSV export.
func createLeadsTemplate(b *tab) {
	b.t.Helper()
	b.clickOK("opening the settings", `nav.main a[href="/admin/settings"]`)
	b.clickOK("opening the templates", `main a[href="/admin/settings/templates"]`)
	b.clickOK("starting a template", `a[href="/admin/settings/templates/new"]`)
	b.fill("#f-name", "Lead partners")
	b.setChecked(`input[name="section"][value="leads"]`, true)
	b.setChecked(`input[name="section"][value="lead_export"]`, true)
	b.clickOK("creating the template", `form[action="/admin/settings/templates"] button[type=submit]`)
	b.wantText(`table[aria-label="Experience templates"]`, "Lead partners", "Leads")
}

// createLeadPartner creates Globex Partners, active, a reseller on the
// template, and returns its page's path.
func createLeadPartner(b *tab) string {
	b.t.Helper()
	b.clickOK("opening the partners", `nav.main a[href="/admin/partners"]`)
	b.clickOK("starting a partner", `a[href="/admin/partners/new"]`)
	b.fill("#f-name", "Globex Partners")
	b.fill("#f-domain", "globex.example")
	b.choose("#f-status", "Active")
	b.fill("#f-categories", "Reseller")
	b.choose("#f-experienceTemplateId", "Lead partners")
	b.clickOK("creating the partner", `form[action="/admin/partners/new"] button[type=submit]`)
	path, _, _ := strings.Cut(strings.TrimPrefix(b.location(), b.base), "?")
	if !strings.HasPrefix(path, "/admin/partners/ptn_") {
		b.fatalf("creating the partner led to %s", path)
	}
	b.wantText("main h1", "Globex Partners", "active")
	return path
}

// createRule adds "Germany web leads → Globex Partners" in the rules
// editor and finds it listed after the API's rule, with its conditions.
func createRule(b *tab) {
	b.t.Helper()
	b.clickOK("opening the rules", `nav.main a[href="/admin/rules"]`)
	b.clickOK("starting a rule", `a[href="/admin/rules/new"]`)
	b.fill("#f-name", ruleName)
	b.fill("#f-priority", "20")
	b.fill("#f-countries", "DE")
	b.fill("#f-sources", "web")
	b.setChecked(`input[name="mode"][value="partner"]`, true)
	b.choose("#f-partner", "Globex Partners")
	b.clickOK("creating the rule", `form[action="/admin/rules/new"] button[type=submit]`)
	b.wantPath("/admin/rules")
	b.wantText("p.flash", "Created.")
	rows := b.rows("main table.list tbody tr")
	if len(rows) != 2 || !strings.Contains(rows[0], otherRule) || !strings.Contains(rows[1], ruleName) {
		b.fatalf("the rules, by priority, are:\n%s", strings.Join(rows, "\n"))
	}
	for _, want := range []string{"20", "on", "country DE · source web", "One partner", "Globex Partners"} {
		if !strings.Contains(rows[1], want) {
			b.fatalf("the new rule's row does not say %q:\n%s", want, rows[1])
		}
	}
}

// dryRun tries a German web lead and sees where it would go and why,
// without a lead being made.
func dryRun(b *tab) {
	b.t.Helper()
	b.clickOK("opening the dry run", `main a[href="/admin/rules/dry-run"]`)
	b.fill("#f-country", "DE")
	b.fill("#f-source", "web")
	b.fill("#f-email", "someone@prospect.example")
	b.clickOK("trying the lead", `form[action="/admin/rules/dry-run"] button[type=submit]`)
	b.wantText("#h-result", "It would go to Globex Partners")
	got := b.wantText(`section[aria-labelledby="h-result"]`, "Placed by a routing rule", ruleName, "took it", otherRule, "passed")
	b.wantTraceOrder(got)
	b.open("/admin/leads")
	b.wantText("main", "No leads match")
}

// wantTraceOrder fails unless the rules tried come in priority order.
func (b *tab) wantTraceOrder(explained string) {
	b.t.Helper()
	if i, j := strings.Index(explained, otherRule), strings.LastIndex(explained, ruleName); i < 0 || j < i {
		b.fatalf("the rules tried are not in priority order:\n%s", explained)
	}
}

// setWebhook saves the partner's webhook URL, turned on, and returns the
// signing secret the page shows.
func setWebhook(b *tab, partnerPath, url string) string {
	b.t.Helper()
	b.open(partnerPath)
	b.clickOK("opening the lead delivery", chromedp.CSS(`main a[href="`+partnerPath+`/delivery"]`))
	b.wantText("main h1", "Lead delivery of Globex Partners")
	b.fill("#f-webhookUrl", url)
	b.setChecked(`input[name="webhookOn"]`, true)
	b.clickOK("saving the delivery settings", `form[action$="/delivery"] button[type=submit]`)
	b.wantText("p.flash", "Saved.")
	if got := b.value("#f-webhookUrl"); got != url {
		b.fatalf("the saved webhook URL is %q, want %q", got, url)
	}
	secret := b.text("code.secret")
	if !strings.HasPrefix(secret, "whsec_") {
		b.fatalf("the signing secret shown is %q", secret)
	}
	return secret
}

// newLead types a German web lead into the New lead form, leaving the
// partner to the rules, and returns the lead page's path.
func newLead(b *tab) string {
	b.t.Helper()
	b.clickOK("opening the leads", `nav.main a[href="/admin/leads"]`)
	b.clickOK("starting a lead", `main a[href="/admin/leads/new"]`)
	b.fill("#f-firstName", "Lena")
	b.fill("#f-lastName", "Becker")
	b.fill("#f-email", "lena.becker@prospect.example")
	b.fill("#f-company", "Prospect GmbH")
	b.fill("#f-country", "DE")
	b.fill("#f-source", "web")
	b.fill("#f-message", "We need 40 seats by June.")
	b.choose("#f-partner", "Route by the rules")
	b.clickOK("creating the lead", `form[action="/admin/leads/new"] button[type=submit]`)
	path, _, _ := strings.Cut(strings.TrimPrefix(b.location(), b.base), "?")
	if !strings.HasPrefix(path, "/admin/leads/lead_") {
		b.fatalf("creating the lead led to %s", path)
	}
	b.wantText("p.flash", "Created.")
	b.wantText("main h1", "Lena Becker", "new")
	return path
}

// checkRouting reads the lead page's routing explanation: the rule by
// name, the rule passed over, the partner chosen.
func checkRouting(b *tab) {
	b.t.Helper()
	b.wantText(`section[aria-labelledby="h-partner"]`, "Globex Partners")
	got := b.wantText(`section[aria-labelledby="h-routing"]`, "Placed by a routing rule", "Globex Partners",
		ruleName, "One partner", "took it", otherRule, "passed", "chosen")
	b.wantTraceOrder(got)
}

// checkDelivered reloads the lead page until its webhook delivery shows
// as delivered, then reads the attempt: the receiver's URL, 200 and its
// answer. The delivery's id is the webhook-id the receiver saw.
func checkDelivered(b *tab, leadPath, webhookID, hookURL string) {
	b.t.Helper()
	const sel = `section[aria-labelledby="h-deliveries"]`
	got := b.reloadUntil(leadPath, sel, 30*time.Second, "lead.assigned by webhook", "delivered", "1 attempt")
	attempts := b.wantText(sel+` table[aria-label="Attempts"]`, hookURL, "delivered", "200", hookAnswer)
	if n := len(b.rows(sel + ` table[aria-label="Attempts"] tbody tr`)); n != 1 {
		b.fatalf("the delivery shows %d attempts, want 1:\n%s", n, attempts)
	}
	href := run(b, "reading the delivery's link", chromedp.AttributeValue(chromedp.CSS(sel+` h3 a`), "href")).Value
	if href != "/admin/deliveries/"+webhookID {
		b.fatalf("the delivery's page is %s, but the receiver got webhook-id %s:\n%s", href, webhookID, got)
	}
}

// findLeadInPortal opens Leads in the portal: the partner's two leads and
// not the other partner's; a search narrows them to the one typed, the CSV
// export carries the search, and the lead's page shows no routing.
// It returns the lead's portal path.
func findLeadInPortal(b *tab, leadID string) string {
	b.t.Helper()
	stats := run(b, "reading the lead numbers", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[aria-label="Lead numbers"] .stat')].map(e => e.innerText.trim())`))
	if len(stats) == 0 || stats[0] != "2" {
		b.fatalf("the dashboard's lead numbers are %v, want a total of 2", stats)
	}
	b.clickOK("opening the leads", `nav.main a[href="/partner/leads"]`)
	const rowsSel = `table[aria-label="Leads"] tbody tr`
	all := b.rows(rowsSel)
	if len(all) != 2 || strings.Contains(strings.Join(all, "\n"), "Pierre") {
		b.fatalf("the portal lists, want Max and Lena only:\n%s", strings.Join(all, "\n"))
	}
	b.fill("#f-q", "Becker")
	b.clickOK("searching the leads", `form[role="search"] button[type=submit]`)
	b.wantQuery("q", "Becker")
	found := b.rows(rowsSel)
	if len(found) != 1 || !strings.Contains(found[0], "Lena Becker") || !strings.Contains(found[0], "Prospect GmbH") {
		b.fatalf("searching Becker lists:\n%s", strings.Join(found, "\n"))
	}
	csv := b.fetchLink(`main a[href^="/partner/leads/export.csv"]`)
	if csv.Status != 200 || !strings.HasPrefix(csv.Type, "text/csv") || !strings.Contains(csv.Body, "lena.becker@prospect.example") ||
		strings.Contains(csv.Body, "max@prospect.example") {
		b.fatalf("the export of the search: %d %s\n%s", csv.Status, csv.Type, csv.Body)
	}
	b.clickOK("opening the lead", `table[aria-label="Leads"] tbody tr a`)
	path := "/partner/leads/" + leadID
	b.wantPath(path)
	page := b.wantText("main", "Lena Becker", "Prospect GmbH", "We need 40 seats by June.", "Webhook to", "delivered")
	for _, secret := range []string{ruleName, otherRule, otherPartner, "took it"} {
		if strings.Contains(page, secret) {
			b.fatalf("the portal's lead page shows the routing (%q):\n%s", secret, page)
		}
	}
	return path
}

// loseLead sets the lead lost: without a reason the form is refused with
// the field marked, with one it is saved.
func loseLead(b *tab, path string) {
	b.t.Helper()
	const submit = `form[action$="/status"] button[type=submit]`
	b.choose("#f-status", "lost")
	b.fill("#f-reason", "")
	if status := b.click("setting lost without a reason", submit); status != http.StatusUnprocessableEntity {
		b.fatalf("lost without a reason: status %d, want 422", status)
	}
	b.wantText(`form[action$="/status"] [role="alert"]`, "Please correct the marked fields.")
	b.wantText("#f-reason-error", "required")
	b.wantText("main .props", "new")
	if got := b.value("#f-status"); got != "lost" {
		b.fatalf("the refused form lost the chosen status: %q", got)
	}
	b.fill("#f-reason", lostReason)
	b.clickOK("setting lost with a reason", submit)
	b.wantPath(path)
	b.wantText("p.flash", "Saved.")
	b.wantText("main .props", "lost · "+lostReason)
}

// checkLost finds the partner's change on the admin lead page and on the
// partner's timeline, by the partner's user (named by e-mail there).
func checkLost(b *tab, leadPath, partnerPath string) {
	b.t.Helper()
	b.open(leadPath)
	b.wantText("main h1", "Lena Becker", "lost")
	b.wantText(`section[aria-labelledby="h-status"]`, "Reason: "+lostReason)
	b.open(partnerPath)
	entries := b.rows("ol.timeline li")
	for _, e := range entries {
		if strings.Contains(e, "Lead Lena Becker marked lost: "+lostReason) && strings.Contains(e, samEmail) {
			return
		}
	}
	b.fatalf("no timeline entry of Sam marking Lena Becker lost among:\n%s", strings.Join(entries, "\n---\n"))
}

// rows returns the visible text of every element sel matches.
func (b *tab) rows(sel string) []string {
	b.t.Helper()
	return run(b, "reading "+sel, chromedp.Evaluate[[]string](fmt.Sprintf(
		`[...document.querySelectorAll(%s)].map(e => e.innerText.trim())`, jsString(sel))))
}

// reloadUntil opens path again and again until sel's text has every
// part, for what a background job writes after the page was made, and
// returns the text.
func (b *tab) reloadUntil(path string, sel chromedp.CSS, timeout time.Duration, parts ...string) string {
	b.t.Helper()
	read := fmt.Sprintf(`(document.querySelector(%s) || {innerText: ""}).innerText`, jsString(string(sel)))
	deadline := time.Now().Add(timeout)
	for {
		b.open(path)
		got := run(b, "reading "+string(sel), chromedp.Evaluate[string](read))
		missing := ""
		for _, p := range parts {
			if !strings.Contains(got, p) {
				missing = p
				break
			}
		}
		if missing == "" {
			return got
		}
		if time.Now().After(deadline) {
			b.fatalf("%s does not say %q within %s; it says:\n%s", sel, missing, timeout, got)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// fetchedFile is what the page's own fetch() of a link got.
type fetchedFile struct {
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"`
}

// fetchLink fetches the href of the link sel from the page, as following
// it would: same origin, with the tab's cookies.
func (b *tab) fetchLink(sel chromedp.CSS) fetchedFile {
	b.t.Helper()
	js := fmt.Sprintf(`(async () => {
		const a = document.querySelector(%s);
		if (!a) return {status: 0, body: "no such link"};
		const r = await fetch(a.href);
		return {status: r.status, type: r.headers.get("content-type") || "",
			disposition: r.headers.get("content-disposition") || "", body: await r.text()};
	})()`, jsString(string(sel)))
	return run(b, "fetching the link "+string(sel), chromedp.Evaluate[fetchedFile](js, chromedp.EvalAwaitPromise))
}

// apiClient calls the JSON API with a key, as an integration would.
type apiClient struct {
	t         *testing.T
	base, key string
}

// apiKeyFrom reads the key "ally apikey create" prints as its last line.
func apiKeyFrom(t *testing.T, out string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := strings.TrimSpace(lines[len(lines)-1])
	if key == "" || strings.Contains(key, " ") {
		t.Fatalf("ally apikey create printed no key:\n%s", out)
	}
	return key
}

// call sends body as JSON and wants the status; it returns the answer's
// data object.
func (c *apiClient) call(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(raw))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("x-api-key", c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	var out struct {
		Data map[string]any `json:"data"`
	}
	if resp.StatusCode != want || json.Unmarshal(got, &out) != nil || out.Data == nil {
		c.t.Fatalf("%s %s: %d, want %d with data:\n%s", method, path, resp.StatusCode, want, got)
	}
	return out.Data
}

// newHookReceiver is the partner's webhook endpoint: it answers 200 with
// hookAnswer.
func newHookReceiver(t *testing.T) *webhooktest.Receiver {
	return webhooktest.New(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, hookAnswer)
	})
}

// waitFor waits until a request about the lead arrives and returns it.
func waitFor(t *testing.T, hook *webhooktest.Receiver, leadID string, timeout time.Duration) webhooktest.Request {
	t.Helper()
	deadline := time.After(timeout)
	for {
		got := hook.Requests()
		for _, r := range got {
			if bytes.Contains(r.Body, []byte(`"`+leadID+`"`)) {
				return r
			}
		}
		select {
		case <-hook.Arrived():
		case <-deadline:
			t.Fatalf("no webhook about lead %s within %s (%d other requests)", leadID, timeout, len(got))
		}
	}
}

// checkWebhook wants the request signed, lead.assigned of the lead to the
// partner, and without the routing explanation, which names other
// partners and rules.
func checkWebhook(t *testing.T, c webhooktest.Request, leadID, partnerID string) {
	t.Helper()
	if c.Verified != nil {
		t.Fatalf("the webhook's signature does not verify: %v\n%s", c.Verified, c.Body)
	}
	var body struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil || body.Type != "lead.assigned" || body.Data["id"] != leadID ||
		body.Data["partnerId"] != partnerID || body.Data["email"] != "lena.becker@prospect.example" {
		t.Fatalf("the webhook is not lead.assigned of lead %s to %s: %v\n%s", leadID, partnerID, err, c.Body)
	}
	for _, secret := range []string{ruleName, otherRule, otherPartner} {
		if bytes.Contains(c.Body, []byte(secret)) {
			t.Fatalf("the partner's webhook carries the routing (%q):\n%s", secret, c.Body)
		}
	}
}
