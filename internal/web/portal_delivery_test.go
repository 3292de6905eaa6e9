package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/outbound"
)

var portalSecretRE = regexp.MustCompile(`<code class="secret">(whsec_[^<]+)</code>`)

// portalSecret returns the signing secret a delivery settings page shows.
func portalSecret(t *testing.T, pg uiPage) string {
	t.Helper()
	m := portalSecretRE.FindStringSubmatch(pg.body)
	if m == nil {
		t.Fatalf("no signing secret on %s", pg.body)
	}
	return html.UnescapeString(m[1])
}

// settingsOf reads p's delivery settings as the admin.
func (e *uiEnv) settingsOf(p *ally.Partner) *ally.DeliverySettings {
	e.t.Helper()
	s, err := e.app.DeliverySettings(e.ctx, e.admin, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// runDeliveries runs the due jobs (dispatches, deliveries) as another node would: an app
// over the same database whose outbound client may reach the test's
// loopback receiver.
func (e *uiEnv) runDeliveries() {
	e.t.Helper()
	worker := app.New(e.db, app.WithBaseURL(e.base), app.WithOutbound(outbound.New(outbound.Options{AllowHosts: []string{"127.0.0.1"}})))
	r := jobs.New(e.db, jobs.Options{})
	worker.ServeJobs(r)
	if _, err := r.RunDue(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

func TestPortalDeliverySettings(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		a := e.leadsPartner("Alpha Partners", ally.Sections{DeliverySettings: true})
		b := e.leadsPartner("Bravo Partners", ally.Sections{DeliverySettings: true})
		bURL, on := "https://hooks.bravo-only.example/in", true
		if _, err := e.app.UpdateDeliverySettings(e.ctx, e.admin, b.ID, ally.DeliverySettingsFields{WebhookURL: &bURL, WebhookOn: &on}, nil); err != nil {
			t.Fatal(err)
		}
		bravo := []string{"bravo-only", e.settingsOf(b).WebhookSecret, b.ID}
		alpha := e.signedInAt(a, "ann@alpha.example")

		pg := alpha.get("/partner/delivery?partner=" + b.ID)
		wantText(t, pg, http.StatusOK, "Delivery settings", "A signing secret is made when you first save", "webhook-id", "webhook-timestamp",
			"webhook-signature", "Nothing delivered yet.")
		wantUI(t, pg, http.StatusOK, `<a href="/partner/delivery" aria-current="page">Delivery settings</a>`)
		wantNot(t, pg, bravo...)
		version := uiVersion(t, pg)

		// Refusals are shown beside their fields, with what was typed.
		for _, c := range []struct {
			form url.Values
			want []string
		}{
			{url.Values{"webhookUrl": {"ftp://files.alpha.example"}, "emailRecipients": {""}},
				[]string{"must be an https:// (or http://) URL", `value="ftp://files.alpha.example"`}},
			{url.Values{"webhookUrl": {""}, "webhookEnabled": {"on"}}, []string{"needs a webhook URL"}},
			{url.Values{"emailRecipients": {"sales@alpha.example\nnot-an-address"}, "emailEnabled": {"on"}},
				[]string{`"not-an-address" is not a valid e-mail address`, "sales@alpha.example\nnot-an-address"}},
			{url.Values{"emailRecipients": {""}, "emailEnabled": {"on"}}, []string{"needs at least one recipient"}},
		} {
			c.form.Set("version", version)
			pg := alpha.post("/partner/delivery", c.form)
			wantText(t, pg, http.StatusUnprocessableEntity, append([]string{"Please correct the marked fields."}, c.want...)...)
			wantUI(t, pg, http.StatusUnprocessableEntity, `aria-invalid="true"`)
		}
		if s := e.settingsOf(a); s.Version != 0 || s.WebhookURL != "" {
			t.Fatalf("a refused form saved: %+v", s)
		}

		// A good save: the webhook on, two recipients (tidied), a secret made.
		pg = alpha.post("/partner/delivery", url.Values{"version": {version}, "webhookUrl": {" https://hooks.alpha.example/leads "}, "webhookEnabled": {"on"},
			"emailRecipients": {"Sales@Alpha.example\r\n\r\nops@alpha.example\r\nsales@alpha.example"}, "emailEnabled": {"on"}})
		if pg.uri() != "/partner/delivery?ok=saved" {
			t.Fatalf("save ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, "Saved.", `value="https://hooks.alpha.example/leads"`, "sales@alpha.example\nops@alpha.example</textarea>",
			`name="webhookEnabled" value="on" checked`, `name="emailEnabled" value="on" checked`)
		s := e.settingsOf(a)
		secret := portalSecret(t, pg)
		if !s.WebhookOn || !s.EmailOn || s.WebhookURL != "https://hooks.alpha.example/leads" || len(s.EmailTo) != 2 || s.WebhookSecret != secret {
			t.Fatalf("saved settings: %+v", s)
		}
		wantNot(t, pg, bravo...)
		saved := uiVersion(t, pg)

		// Rotating makes a new secret.
		pg = alpha.post("/partner/delivery/rotate", url.Values{"version": {saved}})
		wantUI(t, pg, http.StatusOK, "Saved.")
		if rotated := portalSecret(t, pg); rotated == secret || e.settingsOf(a).WebhookSecret != rotated {
			t.Fatalf("rotate: %s then %s", secret, rotated)
		}

		// A stale form shows the current settings and changes nothing.
		pg = alpha.post("/partner/delivery", url.Values{"version": {saved}, "webhookUrl": {"https://late.alpha.example/"}})
		wantText(t, pg, http.StatusPreconditionFailed, "Someone else changed these settings", `value="https://hooks.alpha.example/leads"`)
		if e.settingsOf(a).WebhookURL != "https://hooks.alpha.example/leads" {
			t.Fatal("a stale save went through")
		}

		// An unticked box turns its channel off.
		pg = alpha.post("/partner/delivery", url.Values{"version": {uiVersion(t, pg)}, "webhookUrl": {"https://hooks.alpha.example/leads"},
			"emailRecipients": {"ops@alpha.example"}, "emailEnabled": {"on"}})
		wantUI(t, pg, http.StatusOK, "Saved.")
		if s := e.settingsOf(a); s.WebhookOn || !s.EmailOn {
			t.Fatalf("after unticking the webhook: %+v", s)
		}
		if got := e.settingsOf(b); got.WebhookURL != bURL || !got.WebhookOn {
			t.Fatalf("B's settings changed: %+v", got)
		}

		// Without the section: no link, no page, no save.
		e.setSections(a, ally.Sections{Dashboard: true, Leads: true})
		wantNot(t, alpha.get("/partner/"), `href="/partner/delivery"`)
		wantText(t, alpha.get("/partner/delivery"), http.StatusNotFound, "does not include the delivery settings section")
		before := e.settingsOf(a)
		wantUI(t, alpha.post("/partner/delivery", url.Values{"webhookUrl": {"https://x.example/"}}), http.StatusNotFound)
		wantUI(t, alpha.post("/partner/delivery/rotate", nil), http.StatusNotFound)
		if after := e.settingsOf(a); after.Version != before.Version {
			t.Fatalf("settings changed through a closed section: %+v", after)
		}
	})
}

// hookReceiver answers webhooks: 202 with a short body, or 410 Gone once
// gone is set. It keeps the webhook-id of each request.
type hookReceiver struct {
	srv  *httptest.Server
	gone atomic.Bool
	mu   sync.Mutex
	ids  map[string]string // path → last webhook-id
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{ids: map[string]string{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		h.ids[r.URL.Path] = r.Header.Get("webhook-id")
		h.mu.Unlock()
		if h.gone.Load() {
			w.WriteHeader(http.StatusGone)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, `{"received":"thanks from `+r.URL.Path+`"}`)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) id(path string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ids[path]
}

func TestPortalDeliveriesAndAttempts(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		hooks := newHookReceiver(t)
		a := e.leadsPartner("Alpha Partners", ally.Sections{Leads: true, DeliverySettings: true})
		b := e.leadsPartner("Bravo Partners", ally.Sections{Leads: true, DeliverySettings: true})
		on := true
		for p, f := range map[*ally.Partner]ally.DeliverySettingsFields{
			a: {WebhookURL: uiPtr(hooks.srv.URL + "/alpha"), WebhookOn: &on, EmailTo: &[]string{"sales@alpha.example"}, EmailOn: &on},
			b: {WebhookURL: uiPtr(hooks.srv.URL + "/bravo-only"), WebhookOn: &on, EmailTo: &[]string{"desk@bravo-only.example"}, EmailOn: &on},
		} {
			if _, err := e.app.UpdateDeliverySettings(e.ctx, e.admin, p.ID, f, nil); err != nil {
				t.Fatal(err)
			}
		}
		ada := e.leadFor(a, ally.LeadInput{FirstName: "Ada", LastName: "Lovelace", Email: "ada@engines.example", Company: "Engines Ltd"})
		bob := e.leadFor(b, ally.LeadInput{FirstName: "Bob", LastName: "Secret", Email: "bob@bravo-only.example", Company: "Bravo Prospect"})
		e.runDeliveries()
		bravo := []string{"bravo-only", "Bravo", bob.ID, b.ID, hooks.id("/bravo-only")}

		alpha := e.signedInAt(a, "ann@alpha.example")
		hookID := hooks.id("/alpha")
		if hookID == "" {
			t.Fatal("A's webhook was not called")
		}
		// The lead's page: the webhook delivered (with the receiver's
		// answer), the e-mail failed (this server has no sender).
		pg := alpha.get("/partner/leads/" + ada.ID)
		wantText(t, pg, http.StatusOK, "Webhook</strong> to "+hooks.srv.URL+"/alpha", "webhook-id <code>"+hookID+"</code>", "delivered", "HTTP 202",
			`{"received":"thanks from /alpha"}`, "E-mail</strong> to sales@alpha.example", "e-mail is not set up on this server")
		wantNot(t, pg, bravo...)

		// The settings page lists the same deliveries, linked to the lead.
		pg = alpha.get("/partner/delivery")
		wantText(t, pg, http.StatusOK, "Recent deliveries", "webhook-id <code>"+hookID+"</code>", `{"received":"thanks from /alpha"}`,
			"e-mail is not set up on this server", `href="/partner/leads/`+ada.ID+`"`)
		wantNot(t, pg, bravo...)

		// A 410 Gone turns the webhook off, and the page says why.
		hooks.gone.Store(true)
		e.leadFor(a, ally.LeadInput{FirstName: "Grace", LastName: "Hopper", Company: "Cobol Corp"})
		e.runDeliveries()
		pg = alpha.get("/partner/delivery")
		wantText(t, pg, http.StatusOK, "turned your webhook off", "answered 410 Gone", "HTTP 410")
		wantNot(t, pg, `name="webhookEnabled" value="on" checked`)
		wantNot(t, pg, bravo...)
	})
}
