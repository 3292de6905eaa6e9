package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

// leadsPartner creates an active partner whose template turns on the
// dashboard, the profile and the given sections.
func (e *uiEnv) leadsPartner(name string, sec ally.Sections) *ally.Partner {
	e.t.Helper()
	sec.Dashboard, sec.Profile = true, true
	tplName := "Leads template for " + name
	profile := []ally.ProfileField{{Key: ally.CoreName}}
	tpl, err := e.app.CreateExperienceTemplate(e.ctx, e.admin, ally.ExperienceTemplateFields{Name: &tplName, Sections: &sec, Profile: &profile})
	if err != nil {
		e.t.Fatal(err)
	}
	status := ally.StatusActive
	p, _, err := e.app.CreatePartner(e.ctx, e.admin, ally.PartnerFields{Name: &name, Status: &status, ExperienceTemplateID: &tpl.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// setSections changes which sections p's template turns on.
func (e *uiEnv) setSections(p *ally.Partner, sec ally.Sections) {
	e.t.Helper()
	if _, err := e.app.UpdateExperienceTemplate(e.ctx, e.admin, p.ExperienceTemplateID, ally.ExperienceTemplateFields{Sections: &sec}, nil); err != nil {
		e.t.Fatal(err)
	}
}

// leadFor takes a lead in as the admin, assigned straight to p.
func (e *uiEnv) leadFor(p *ally.Partner, in ally.LeadInput) *ally.Lead {
	e.t.Helper()
	in.PartnerID = p.ID
	l, err := e.app.CreateLead(e.ctx, e.admin, in)
	if err != nil {
		e.t.Fatalf("lead %+v: %v", in, err)
	}
	return l
}

var portalLeadRowRE = regexp.MustCompile(`href="/partner/leads/(lead_[0-9A-Za-z]+)"`)

// leadIDs returns the ids of the leads a list page links to, in order.
func leadIDs(pg uiPage) []string {
	var ids []string
	for _, m := range portalLeadRowRE.FindAllStringSubmatch(pg.body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// leadsCSV reads an export answer as CSV rows, header first.
func leadsCSV(t *testing.T, pg uiPage) [][]string {
	t.Helper()
	if pg.status != http.StatusOK || !strings.HasPrefix(pg.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s\n%s", pg.status, pg.header.Get("Content-Type"), pg.body)
	}
	rows, err := csv.NewReader(strings.NewReader(pg.body)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, pg.body)
	}
	return rows
}

// csvColumn returns the values of the named column, header left out.
func csvColumn(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

// twoPartners sets up partners A (Alpha) and B (Bravo) with leads, and a
// signed-in user of A.
type twoPartners struct {
	a, b         *ally.Partner
	aLeads       []*ally.Lead
	bLead        *ally.Lead
	alpha        *uiBrowser
	alphaSection ally.Sections
}

func setupTwoPartners(e *uiEnv, sec ally.Sections) twoPartners {
	e.t.Helper()
	tp := twoPartners{alphaSection: sec}
	tp.a = e.leadsPartner("Alpha Partners", sec)
	tp.b = e.leadsPartner("Bravo Partners", ally.Sections{Leads: true, LeadExport: true, DeliverySettings: true})
	for _, in := range []ally.LeadInput{
		{FirstName: "Ada", LastName: "Lovelace", Email: "ada@engines.example", Company: "Engines Ltd", Source: "web", Custom: map[string]any{"budget": "50k", "seats": float64(12)}},
		{FirstName: "Grace", LastName: "Hopper", Email: "grace@cobol.example", Company: "Cobol Corp", Source: "event"},
		{FirstName: "Eve", LastName: "Mallory", Email: "eve@formula.example", Company: `=HYPERLINK("http://evil.example","click")`, Source: "web"},
	} {
		tp.aLeads = append(tp.aLeads, e.leadFor(tp.a, in))
	}
	tp.bLead = e.leadFor(tp.b, ally.LeadInput{FirstName: "Bob", LastName: "Secret", Email: "bob@bravo-only.example", Company: "Bravo Prospect Inc", Source: "web"})
	e.runDeliveries() // the leads' timeline entries and deliveries
	tp.alpha = e.signedInAt(tp.a, "ann@alpha.example")
	return tp
}

// bravoMarkers are the words only partner B's data holds.
func (tp twoPartners) bravoMarkers() []string {
	return []string{"Bravo", "bob@bravo-only.example", "Bob Secret", tp.bLead.ID, tp.b.ID}
}

func TestPortalLeadsSeeOnlyOwn(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		tp := setupTwoPartners(e, ally.Sections{Leads: true, LeadExport: true})
		alpha := tp.alpha

		// The list, whatever names partner B in the URL.
		for _, q := range []string{"", "?partner=" + tp.b.ID, "?partnerId=" + tp.b.ID, "?q=bob", "?q=prospect", "?source=web", "?status=new"} {
			pg := alpha.get("/partner/leads" + q)
			wantUI(t, pg, http.StatusOK)
			wantNot(t, pg, tp.bravoMarkers()...)
		}
		pg := alpha.get("/partner/leads")
		wantUI(t, pg, http.StatusOK, "Ada Lovelace", "Grace Hopper", "Eve Mallory", `href="/partner/leads"`)
		if got := leadIDs(pg); len(got) != 3 {
			t.Fatalf("list shows %v", got)
		}
		wantText(t, alpha.get("/partner/leads?q=bob"), http.StatusOK, "No leads match these filters.")

		// B's lead by id: no such page, and its status cannot be moved.
		wantUI(t, alpha.get("/partner/leads/"+tp.bLead.ID), http.StatusNotFound)
		st := alpha.post("/partner/leads/"+tp.bLead.ID+"/status", url.Values{"status": {"lost"}, "reason": {"mine now"}, "version": {"1"}})
		wantUI(t, st, http.StatusNotFound)
		wantNot(t, st, "Bravo", "Bob Secret", "bob@bravo-only.example") // the id is the one typed
		if got, _ := e.app.Lead(e.ctx, e.admin, tp.bLead.ID); got.Status != ally.LeadNew || got.Version != tp.bLead.Version {
			t.Fatalf("B's lead changed: %+v", got)
		}

		// The export: every A row, no B row.
		rows := leadsCSV(t, alpha.get("/partner/leads/export.csv?partner="+tp.b.ID))
		ids := csvColumn(t, rows, "id")
		slices.Sort(ids)
		want := []string{tp.aLeads[0].ID, tp.aLeads[1].ID, tp.aLeads[2].ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("export ids %v, want %v", ids, want)
		}
		for _, r := range rows {
			for _, c := range r {
				for _, m := range tp.bravoMarkers() {
					if strings.Contains(c, m) {
						t.Fatalf("export holds %q: %v", m, r)
					}
				}
			}
		}

		// The dashboard counts A's leads only.
		home := alpha.get("/partner/")
		wantText(t, home, http.StatusOK, "Total leads", "Leads this month", "Open leads", "New lead: Ada Lovelace (Engines Ltd)")
		wantNot(t, home, tp.bravoMarkers()...)
		for _, label := range []string{"Total leads", "Leads this month", "Open leads"} {
			if !regexp.MustCompile(label + `</p><p class="stat">3</p>`).MatchString(home.body) {
				t.Fatalf("dashboard %s is not 3: %s", label, home.body)
			}
		}
	})
}

func TestPortalLeadsSearchFiltersSort(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		tp := setupTwoPartners(e, ally.Sections{Leads: true})
		alpha := tp.alpha
		ada, grace, eve := tp.aLeads[0], tp.aLeads[1], tp.aLeads[2]
		if _, err := e.app.UpdateLeadStatus(e.ctx, e.admin, grace.ID, ally.LeadStatusUpdate{Status: ally.LeadQualified}, nil); err != nil {
			t.Fatal(err)
		}
		today := ada.ReceivedAt.UTC().Format("2006-01-02")
		tomorrow := ada.ReceivedAt.UTC().AddDate(0, 0, 1).Format("2006-01-02")
		for q, want := range map[string][]string{
			"q=lovelace":          {ada.ID},
			"q=GRACE%40COBOL":     {grace.ID},
			"q=cobol+corp":        {grace.ID},
			"status=qualified":    {grace.ID},
			"status=new":          {ada.ID, eve.ID},
			"source=Web":          {ada.ID, eve.ID},
			"source=event":        {grace.ID},
			"from=" + today:       {ada.ID, grace.ID, eve.ID},
			"to=" + today:         {ada.ID, grace.ID, eve.ID},
			"from=" + tomorrow:    nil,
			"q=ada&status=lost":   nil,
			"source=web&q=engine": {ada.ID},
		} {
			pg := alpha.get("/partner/leads?" + q)
			wantUI(t, pg, http.StatusOK)
			got := leadIDs(pg)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: got %v, want %v", q, got, want)
			}
			if want == nil {
				wantText(t, pg, http.StatusOK, "No leads match these filters.")
			}
		}

		// Sorts: company A–Z, and oldest is newest reversed.
		pg := alpha.get("/partner/leads?sort=company") // "=HYPERLINK…" sorts before letters
		if !slices.Equal(leadIDs(pg), []string{eve.ID, grace.ID, ada.ID}) {
			t.Fatalf("company sort: %v", leadIDs(pg))
		}
		newest, oldest := leadIDs(alpha.get("/partner/leads")), leadIDs(alpha.get("/partner/leads?sort=oldest"))
		slices.Reverse(oldest)
		if len(newest) != 3 || !slices.Equal(newest, oldest) {
			t.Fatalf("newest %v, oldest reversed %v", newest, oldest)
		}

		// Bad filters are shown beside their fields, and nothing is listed.
		pg = alpha.get("/partner/leads?from=yesterday&status=maybe&to=2026-01-01")
		wantText(t, pg, http.StatusUnprocessableEntity, "Please correct the filters", "must be a date like 2026-05-08", "choose one of the listed statuses")
		if ids := leadIDs(pg); len(ids) != 0 {
			t.Fatalf("a refused filter listed %v", ids)
		}
		wantText(t, alpha.get("/partner/leads?from=2026-02-01&to=2026-01-01"), http.StatusUnprocessableEntity, "must not be before the from date")
	})
}

func TestPortalLeadsPages(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		a := e.leadsPartner("Alpha Partners", ally.Sections{Leads: true})
		b := e.leadsPartner("Bravo Partners", ally.Sections{Leads: true})
		const n = 57
		var want []string
		for i := range n {
			want = append(want, e.leadFor(a, ally.LeadInput{FirstName: "Lead", LastName: fmt.Sprint(i), Company: fmt.Sprintf("Company %03d", i), Source: "web"}).ID)
			if i%10 == 0 {
				e.leadFor(b, ally.LeadInput{FirstName: "Bravo", LastName: fmt.Sprint(i), Company: fmt.Sprintf("Company %03d", i)})
			}
		}
		alpha := e.signedInAt(a, "ann@alpha.example")
		for _, sort := range []string{"", "oldest", "company"} {
			first := alpha.get("/partner/leads?source=web&sort=" + sort)
			wantUI(t, first, http.StatusOK)
			wantNot(t, first, "Back to the first page", "Bravo")
			next := uiLink(t, first, "Next page")
			if next == "" {
				t.Fatalf("sort %q: no next page link", sort)
			}
			if !strings.Contains(next, "source=web") {
				t.Fatalf("the next page drops the filter: %s", next)
			}
			second := alpha.get(next)
			wantUI(t, second, http.StatusOK, "Back to the first page")
			wantNot(t, second, "Next page", "Bravo")
			got := append(leadIDs(first), leadIDs(second)...)
			if len(leadIDs(first)) != 50 || len(got) != n {
				t.Fatalf("sort %q: pages of %d and %d", sort, len(leadIDs(first)), len(leadIDs(second)))
			}
			if sort == "company" && !slices.Equal(got, want) {
				t.Fatalf("company pages out of order: %v", got)
			}
			slices.Sort(got)
			if got = slices.Compact(got); len(got) != n {
				t.Fatalf("sort %q: %d distinct leads over two pages, want %d", sort, len(got), n)
			}
			back := alpha.get(uiLink(t, second, "Back to the first page"))
			if !slices.Equal(leadIDs(back), leadIDs(first)) {
				t.Fatalf("back to the first page shows another page")
			}
		}
		// A mangled cursor starts again at the first page.
		if pg := alpha.get("/partner/leads?after=ptn_nope"); len(leadIDs(pg)) != 50 {
			t.Fatalf("mangled cursor: %d leads", len(leadIDs(pg)))
		}
	})
}

func TestPortalLeadsEmpty(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		p := e.leadsPartner("Quiet Partners", ally.Sections{Leads: true, LeadExport: true})
		b := e.signedInAt(p, "q@quiet.example")
		wantText(t, b.get("/partner/leads"), http.StatusOK, "No leads yet")
		rows := leadsCSV(t, b.get("/partner/leads/export.csv"))
		if len(rows) != 1 || rows[0][0] != "id" {
			t.Fatalf("empty export: %v", rows)
		}
		wantText(t, b.get("/partner/"), http.StatusOK, "Total leads")
	})
}

func TestPortalLeadPageAndStatus(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		tp := setupTwoPartners(e, ally.Sections{Leads: true})
		alpha, ada := tp.alpha, tp.aLeads[0]
		path := "/partner/leads/" + ada.ID

		pg := alpha.get(path)
		wantText(t, pg, http.StatusOK, "Ada Lovelace", "Engines Ltd", "ada@engines.example", "budget", "50k", "seats", "12",
			`action="/partner/leads/`+ada.ID+`/status"`, "Nothing delivered yet.")
		for _, s := range []string{"accepted", "contacted", "qualified", "won", "lost", "rejected"} {
			wantUI(t, pg, http.StatusOK, "<option>"+s+"</option>")
		}
		version := uiVersion(t, pg)

		// Lost needs a reason: a field error, and nothing changes.
		pg = alpha.post(path+"/status", url.Values{"status": {"lost"}, "reason": {"  "}, "version": {version}})
		wantText(t, pg, http.StatusUnprocessableEntity, "Please correct the marked fields.", "is required when a lead is lost or rejected")
		wantUI(t, pg, http.StatusUnprocessableEntity, `<option selected>lost</option>`)
		if got, _ := e.app.Lead(e.ctx, e.admin, ada.ID); got.Status != ally.LeadNew {
			t.Fatalf("a refused status change went through: %s", got.Status)
		}

		// Accepted needs none.
		pg = alpha.post(path+"/status", url.Values{"status": {"accepted"}, "reason": {""}, "version": {version}})
		if pg.uri() != path+"?ok=saved" {
			t.Fatalf("status change ended at %s", pg.uri())
		}
		wantUI(t, pg, http.StatusOK, "Saved.", `<span class="badge">accepted</span>`)
		stale := version

		// Lost with its reason.
		pg = alpha.post(path+"/status", url.Values{"status": {"lost"}, "reason": {"Went with a competitor"}, "version": {uiVersion(t, pg)}})
		wantUI(t, pg, http.StatusOK, "Saved.", `<span class="badge">lost</span>`, "Went with a competitor")
		got, _ := e.app.Lead(e.ctx, e.admin, ada.ID)
		if got.Status != ally.LeadLost || got.StatusReason != "Went with a competitor" {
			t.Fatalf("lead after status change: %s %q", got.Status, got.StatusReason)
		}

		// A stale version shows the current state instead of overwriting it.
		pg = alpha.post(path+"/status", url.Values{"status": {"won"}, "version": {stale}})
		wantText(t, pg, http.StatusPreconditionFailed, "Someone changed this lead", "Here is its current state", "Went with a competitor")
		wantUI(t, pg, http.StatusPreconditionFailed, `<span class="badge">lost</span>`)
		if got, _ := e.app.Lead(e.ctx, e.admin, ada.ID); got.Status != ally.LeadLost {
			t.Fatalf("a stale status change went through: %s", got.Status)
		}

		// The changes are on the dashboard's timeline, and in the audit log.
		wantText(t, alpha.get("/partner/"), http.StatusOK, "Lead Ada Lovelace marked lost: Went with a competitor", "Lead Ada Lovelace marked accepted")
		if n := len(e.audits("lead.status")); n != 2 {
			t.Fatalf("%d lead.status audit events, want 2", n)
		}

		wantUI(t, alpha.get("/partner/leads/lead_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"), http.StatusNotFound)
		wantUI(t, alpha.get("/partner/leads/not-an-id"), http.StatusNotFound)
	})
}

func TestPortalLeadsExport(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		tp := setupTwoPartners(e, ally.Sections{Leads: true, LeadExport: true})
		alpha := tp.alpha

		pg := alpha.get("/partner/leads?source=web&sort=company")
		link := uiLink(t, pg, "Export CSV")
		if link != "/partner/leads/export.csv?sort=company&source=web" {
			t.Fatalf("export link %q", link)
		}
		res := alpha.get(link)
		if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="leads-`) || !strings.HasSuffix(cd, `.csv"`) {
			t.Fatalf("Content-Disposition %q", cd)
		}
		rows := leadsCSV(t, res)
		if got := csvColumn(t, rows, "id"); !slices.Equal(got, []string{tp.aLeads[2].ID, tp.aLeads[0].ID}) {
			t.Fatalf("filtered export: %v", got)
		}
		// The formula company comes out as text a spreadsheet does not run.
		companies := csvColumn(t, rows, "company")
		if companies[0] != `'=HYPERLINK("http://evil.example","click")` || companies[1] != "Engines Ltd" {
			t.Fatalf("companies: %q", companies)
		}
		if custom := csvColumn(t, rows, "custom fields")[1]; custom != `{"budget":"50k","seats":12}` {
			t.Fatalf("custom fields: %q", custom)
		}
		ev := e.audits("lead.export")
		if len(ev) != 1 || ev[0].PartnerID != tp.a.ID || ev[0].ActorKind != ally.ActorPartner {
			t.Fatalf("export audit: %+v", ev)
		}

		// Bad filters are refused before any row.
		wantUI(t, alpha.get("/partner/leads/export.csv?from=soon"), http.StatusBadRequest)

		// Without lead export in the template: no link, and the URL is refused.
		e.setSections(tp.a, ally.Sections{Dashboard: true, Profile: true, Leads: true})
		pg = alpha.get("/partner/leads")
		wantUI(t, pg, http.StatusOK, "Ada Lovelace")
		wantNot(t, pg, "export.csv", "Export CSV")
		res = alpha.get("/partner/leads/export.csv")
		wantText(t, res, http.StatusForbidden, "does not include lead export")
		wantNot(t, res, "Ada", "ada@engines.example")
		if len(e.audits("lead.export")) != 1 {
			t.Fatal("a refused export was audited")
		}
	})
}

func TestPortalLeadsSectionOff(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		tp := setupTwoPartners(e, ally.Sections{DeliverySettings: true})
		alpha, ada := tp.alpha, tp.aLeads[0]
		for _, path := range []string{"/partner/leads", "/partner/leads?q=ada", "/partner/leads/" + ada.ID, "/partner/leads/export.csv"} {
			pg := alpha.get(path)
			wantText(t, pg, http.StatusNotFound, "does not include the leads section")
			wantNot(t, pg, "ada@engines.example")
		}
		wantUI(t, alpha.post("/partner/leads/"+ada.ID+"/status", url.Values{"status": {"accepted"}, "version": {"1"}}), http.StatusNotFound)
		if got, _ := e.app.Lead(e.ctx, e.admin, ada.ID); got.Status != ally.LeadNew {
			t.Fatalf("status changed through a closed section: %s", got.Status)
		}
		home := alpha.get("/partner/")
		wantUI(t, home, http.StatusOK, `href="/partner/delivery"`)
		wantNot(t, home, `href="/partner/leads"`, "Total leads", "Leads")

		// Turned on, the navigation and the dashboard show it.
		e.setSections(tp.a, ally.Sections{Dashboard: true, Leads: true})
		home = alpha.get("/partner/")
		wantUI(t, home, http.StatusOK, `<a href="/partner/leads">Leads</a>`, "Total leads")
		wantNot(t, home, `href="/partner/delivery"`)
		wantUI(t, alpha.get("/partner/leads/"+ada.ID), http.StatusOK, `<a href="/partner/leads" aria-current="page">Leads</a>`)
	})
}

func TestPortalLeadHidesRouting(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		a := e.leadsPartner("Alpha Partners", ally.Sections{Leads: true, LeadExport: true})
		b := e.leadsPartner("Bravo Partners", ally.Sections{Leads: true}).ID
		// B takes one lead a day; the rest go to A, and the explanation of
		// A's lead says B was at its cap.
		one, on := ally.RouteToPartner, true
		for _, f := range []ally.RoutingRuleFields{
			{Name: uiPtr("Bravo first"), Priority: uiPtr(1), Enabled: &on, Mode: &one, PartnerID: &b, DailyCap: uiPtr(1)},
			{Name: uiPtr("Then Alpha"), Priority: uiPtr(2), Enabled: &on, Mode: &one, PartnerID: &a.ID},
		} {
			if _, err := e.app.CreateRoutingRule(e.ctx, e.admin, f); err != nil {
				t.Fatal(err)
			}
		}
		var routed *ally.Lead
		for i := range 2 {
			l, err := e.app.CreateLead(e.ctx, e.admin, ally.LeadInput{FirstName: "Routed", LastName: fmt.Sprint(i), Company: "Routed Co"})
			if err != nil {
				t.Fatal(err)
			}
			if l.PartnerID == a.ID {
				routed = l
			}
		}
		if routed == nil {
			t.Fatal("no lead went to A")
		}
		e.runDeliveries()
		full, _ := e.app.Lead(e.ctx, e.admin, routed.ID)
		if full.Routing == nil || !strings.Contains(fmt.Sprintf("%+v", *full.Routing), "Bravo Partners") {
			t.Fatalf("the staff explanation does not name B, so this test proves nothing: %+v", full.Routing)
		}
		alpha := e.signedInAt(a, "ann@alpha.example")
		for _, path := range []string{"/partner/leads/" + routed.ID, "/partner/leads", "/partner/leads/export.csv", "/partner/"} {
			pg := alpha.get(path)
			wantUI(t, pg, http.StatusOK, "Routed")
			wantNoText(t, pg, "Bravo", "Then Alpha", "cap")
		}
	})
}

func TestPortalLeadsExportEveryRow(t *testing.T) {
	eachUI(t, func(t *testing.T, e *uiEnv) {
		a := e.leadsPartner("Alpha Partners", ally.Sections{Leads: true, LeadExport: true})
		b := e.leadsPartner("Bravo Partners", ally.Sections{Leads: true, LeadExport: true})
		// More rows than one flush holds, so the file goes out in batches.
		const n = 450
		var want []string
		for i := range n {
			want = append(want, e.leadFor(a, ally.LeadInput{FirstName: "Lead", LastName: fmt.Sprint(i), Company: fmt.Sprintf("Company %03d", i)}).ID)
			if i%50 == 0 {
				e.leadFor(b, ally.LeadInput{FirstName: "Bravo", LastName: fmt.Sprint(i), Company: "Bravo Prospect"})
			}
		}
		alpha := e.signedInAt(a, "ann@alpha.example")
		rows := leadsCSV(t, alpha.get("/partner/leads/export.csv?sort=company"))
		if got := csvColumn(t, rows, "id"); !slices.Equal(got, want) {
			t.Fatalf("export has %d rows (want %d, in company order)", len(got), n)
		}
		if strings.Contains(fmt.Sprint(rows), "Bravo") {
			t.Fatal("the export holds B's leads")
		}
	})
}
