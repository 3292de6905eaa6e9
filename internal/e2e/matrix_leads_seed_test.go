package e2e_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/jobs"
)

// mxVendorMarker marks what only those who see every partner may see: the
// lead no rule placed (the unassigned queue) and the vendor's own webhook
// subscription, whose deliveries carry every partner's leads.
const mxVendorMarker = "Zirconia"

// seedLeads writes the lead half: each partner's delivery settings (its
// webhook at a receiver of the test's own, a secret and recipients, all
// marked), a vendor subscription, B's lead, two rules of which the first
// would send A's lead to B but B is at its cap (so A's routing explanation
// names B), A's lead placed by them, a lead no rule places, and an import
// with refused rows. The jobs then run once: A's webhook is delivered, B's
// receiver answers 503 (a failed attempt, a retry later), the import is
// done. It runs before plant, which makes the partners quiet again.
func (f *mxFix) seedLeads() {
	f.t.Helper()
	var mu sync.Mutex
	got := map[string]string{} // what each receiver was sent, by path
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got[r.URL.Path] += string(body) + "\n"
		mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/bravura/") {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintf(w, "receiver %s answered", r.URL.Path) // kept as the attempt's excerpt
	}))
	f.t.Cleanup(recv.Close)
	for _, p := range []*mxPartner{f.a, f.b} {
		p.hook = recv.URL + "/" + strings.ToLower(p.marker) + "/hook"
		f.markDelivery(p)
	}
	sub, err := f.app.CreateSubscription(f.ctx, mxSys, ally.SubscriptionFields{URL: mxPtr(recv.URL + "/zirconia/events"),
		Events: &[]string{ally.EventLeadCreated, ally.EventLeadAssigned}, Description: mxPtr(mxVendorMarker + " CRM"), Enabled: mxPtr(true)})
	f.must(err)
	f.sub = sub.ID

	f.b.lead = f.lead(ally.LeadInput{FirstName: "Bob", LastName: "Bravura", Email: "bob@bravura-buyer.example",
		Company: "Bravura Buyer Ltd", Country: "DE", PartnerID: f.b.p.ID}).ID
	toPartner := ally.RouteToPartner
	for _, r := range []ally.RoutingRuleFields{
		{Name: mxPtr("Germany first choice"), Priority: mxPtr(10), Mode: &toPartner, PartnerID: &f.b.p.ID, DailyCap: mxPtr(1),
			Conditions: &ally.RuleConditions{Countries: []string{"DE"}}},
		{Name: mxPtr("Germany fallback"), Priority: mxPtr(20), Mode: &toPartner, PartnerID: &f.a.p.ID,
			Conditions: &ally.RuleConditions{Countries: []string{"DE"}}},
	} {
		rule, err := f.app.CreateRoutingRule(f.ctx, mxSys, r)
		f.must(err)
		if f.rule == "" {
			f.rule = rule.ID
		}
	}
	a := f.lead(ally.LeadInput{FirstName: "Alice", LastName: "Azurite", Email: "alice@azurite-buyer.example",
		Company: "Azurite Buyer GmbH", Country: "DE"})
	if a.PartnerID != f.a.p.ID || a.Routing == nil || len(a.Routing.Candidates) < 2 || a.Routing.Candidates[0].PartnerID != f.b.p.ID {
		f.t.Fatalf("A's lead was not placed with A after B was passed over at its cap: %+v", a.Routing)
	}
	f.a.lead = a.ID
	f.queued = f.lead(ally.LeadInput{FirstName: "Zed", LastName: mxVendorMarker, Email: "zed@zirconia-buyer.example",
		Company: mxVendorMarker + " Holdings", Country: "FR"}).ID

	f.seedImport()
	f.runJobs()
	// A partner's webhook carries its own leads and no routing explanation,
	// which would name the other partner.
	mu.Lock()
	for _, c := range []struct{ path, own, other string }{{"/azurite/hook", "alice@azurite-buyer", "bravura"}, {"/bravura/hook", "bob@bravura-buyer", "azurite"}} {
		if body := strings.ToLower(got[c.path]); !strings.Contains(body, c.own) || strings.Contains(body, c.other) {
			f.t.Errorf("the webhook %s was sent %q: want its own lead (%s) and nothing of %s", c.path, body, c.own, c.other)
		}
	}
	mu.Unlock()
	f.a.dlv, f.b.dlv = f.webhookDelivery(f.a), f.webhookDelivery(f.b)
	page, err := f.app.Deliveries(f.ctx, mxSys, ally.DeliveryFilter{SubscriptionID: f.sub, LeadID: f.a.lead, Limit: 1})
	f.must(err)
	if len(page.Items) == 0 {
		f.t.Fatal("no delivery of A's lead to the vendor's subscription")
	}
	f.subDlv = page.Items[0].ID
}

// seedImport imports a file with a lead for A and two refused rows: one
// not a lead at all, one naming an archived partner of B's side.
func (f *mxFix) seedImport() {
	f.t.Helper()
	v := f.vals(mxB)
	archived := f.freshPartner(mxB, v)
	_, err := f.app.ArchivePartner(f.ctx, mxSys, archived.ID, app.UpdatePartnerOptions{})
	f.must(err)
	csv := "email,firstName,lastName,company,partnerId\n" +
		"ivy@azurite-import.example,Ivy,Azurite,Azurite Import Co," + f.a.p.ID + "\n" +
		"not-an-address,Ned,Nobody,,\n" +
		"ray@bravura-import.example,Ray,Bravura,Bravura Import Co," + archived.ID + "\n"
	im, err := f.app.StartImport(f.ctx, mxSys, ally.ImportCSV, "matrix-import.csv", strings.NewReader(csv))
	f.must(err)
	f.imp = im.ID
}

// lead takes a lead in as the system.
func (f *mxFix) lead(in ally.LeadInput) *ally.Lead {
	f.t.Helper()
	l, err := f.app.CreateLead(f.ctx, mxSys, in)
	f.must(err)
	return l
}

// runJobs runs the jobs that are due (deliveries, imports) until none is.
func (f *mxFix) runJobs() {
	f.t.Helper()
	r := jobs.New(f.db, jobs.Options{})
	f.app.ServeJobs(r)
	_, err := r.RunDue(context.Background())
	f.must(err)
}

// webhookDelivery returns the webhook delivery of p's lead, which the jobs
// tried once.
func (f *mxFix) webhookDelivery(p *mxPartner) string {
	f.t.Helper()
	page, err := f.app.Deliveries(f.ctx, mxSys, ally.DeliveryFilter{PartnerID: p.p.ID, LeadID: p.lead, Limit: ally.MaxLimit})
	f.must(err)
	for _, d := range page.Items {
		if d.Channel == ally.ChannelWebhook && d.Attempts > 0 {
			return d.ID
		}
	}
	f.t.Fatalf("no webhook delivery of %s's lead was tried: %+v", p.marker, page.Items)
	return ""
}

// markDelivery writes p's delivery settings as the fixture has them: its
// webhook on, with a secret holding its marker, and e-mail recipients at
// its domain (e-mail off: there is no mail server). Written to the store,
// so it also puts them back after a matrix call changed them.
func (f *mxFix) markDelivery(p *mxPartner) {
	f.t.Helper()
	low := strings.ToLower(p.marker)
	f.must(f.db.Write(f.ctx, func(tx ally.Tx) error {
		s, err := tx.FindDeliverySettings(f.ctx, p.p.ID)
		if err != nil {
			return err
		}
		s.WebhookURL, s.WebhookSecret, s.WebhookOn, s.WebhookOffReason = p.hook, mxSecret(p.marker), true, ""
		s.EmailTo, s.EmailOn, s.UpdatedAt = []string{"leads@" + low + ".example"}, false, time.Now()
		return tx.SaveDeliverySettings(f.ctx, s)
	}))
}

// mxSecret is a valid signing secret (whsec_ and base64) that holds marker.
func mxSecret(marker string) string {
	s := marker + "SigningSecret"
	return "whsec_" + s + strings.Repeat("0", 44-len(s))
}
