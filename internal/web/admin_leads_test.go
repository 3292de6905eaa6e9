package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

func TestAdminLeadListFiltersAndPages(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		acme := e.activePartner("Acme Resellers", "")
		bolt := e.activePartner("Bolt Partners", "")
		e.lead(ally.LeadInput{FirstName: "Ada", LastName: "Lovelace", Company: "Engines Ltd", Email: "ada@engines.example", Source: "web", Country: "GB", PartnerID: acme.ID})
		grace := e.lead(ally.LeadInput{FirstName: "Grace", LastName: "Hopper", Company: "Navy Labs", Email: "grace@navy.example", Source: "event", PartnerID: bolt.ID})
		e.lead(ally.LeadInput{FirstName: "Alan", LastName: "Turing", Company: "Bletchley", Email: "alan@bletchley.example", Source: "web"})
		if _, err := e.app.UpdateLeadStatus(e.ctx, e.admin, grace.ID, ally.LeadStatusUpdate{Status: ally.LeadWon}, nil); err != nil {
			t.Fatal(err)
		}
		b := e.signIn("admin@vendor.example")

		all := b.get("/admin/leads")
		wantText(t, all, http.StatusOK, "Ada Lovelace", "Grace Hopper", "Alan Turing", "Engines Ltd", "Acme Resellers", "Bolt Partners",
			`href="/admin/leads/new"`, `href="/admin/leads/unassigned"`, `aria-current="page">Leads<`)
		if !uiOrder(all.body, "Alan Turing", "Grace Hopper", "Ada Lovelace") {
			t.Fatalf("not newest first: %s", all.body)
		}
		cases := []struct {
			query    string
			want     []string
			excluded []string
		}{
			{"q=navy", []string{"Grace Hopper"}, []string{"Ada Lovelace", "Alan Turing"}},
			{"q=ADA%40engines", []string{"Ada Lovelace"}, []string{"Grace Hopper"}},
			{"status=won", []string{"Grace Hopper"}, []string{"Ada Lovelace", "Alan Turing"}},
			{"partner=" + acme.ID, []string{"Ada Lovelace"}, []string{"Grace Hopper", "Alan Turing"}},
			{"partner=Bolt+Partners", []string{"Grace Hopper"}, []string{"Ada Lovelace"}},
			{"source=web", []string{"Alan Turing", "Ada Lovelace"}, []string{"Grace Hopper"}},
			{"sort=oldest", []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"}, nil},
			{"sort=company", []string{"Alan Turing", "Ada Lovelace", "Grace Hopper"}, nil},
		}
		for _, c := range cases {
			pg := b.get("/admin/leads?" + c.query)
			wantUI(t, pg, http.StatusOK)
			if !uiOrder(pg.body, c.want...) {
				t.Errorf("%s: want %q in order in: %s", c.query, c.want, pg.body)
			}
			for _, x := range c.excluded {
				if strings.Contains(pg.body, ">"+x+"<") {
					t.Errorf("%s: %q listed", c.query, x)
				}
			}
		}
		// Dates are whole UTC days; today's leads are in today, none tomorrow.
		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		wantText(t, b.get("/admin/leads?from="+today+"&to="+today), http.StatusOK, "Ada Lovelace", "Alan Turing")
		wantText(t, b.get("/admin/leads?from="+tomorrow), http.StatusOK, "No leads match.")
		// Filters that cannot be used say why, beside the filter.
		wantText(t, b.get("/admin/leads?from=yesterday"), http.StatusUnprocessableEntity, "must be a date like 2026-05-08")
		wantText(t, b.get("/admin/leads?to="+today+"&from="+tomorrow), http.StatusUnprocessableEntity, "must not be before the from date")
		wantText(t, b.get("/admin/leads?partner=Nobody"), http.StatusUnprocessableEntity, "no partner you can see is called Nobody")
		wantText(t, b.get("/admin/leads?status=closed"), http.StatusUnprocessableEntity, "must be one of the statuses listed")

		// Pages of one by company; the next link keeps the sort.
		pg := b.get("/admin/leads?sort=company&limit=1")
		if !uiOrder(pg.body, "Alan Turing") || strings.Contains(pg.body, ">Ada Lovelace<") {
			t.Fatalf("first page: %s", pg.body)
		}
		pg = b.get(uiLink(t, pg, "Next page"))
		if !uiOrder(pg.body, "Ada Lovelace") || strings.Contains(pg.body, ">Alan Turing<") {
			t.Fatalf("second page: %s", pg.body)
		}
		pg = b.get(uiLink(t, pg, "Next page"))
		if !uiOrder(pg.body, "Grace Hopper") || uiLink(t, pg, "Next page") != "" || uiLink(t, pg, "First page") != "/admin/leads?limit=1&sort=company" {
			t.Fatalf("last page: %s", pg.body)
		}
		for _, bad := range []string{"cursor=!!!", "cursor=bGVhZF8", "sort=company&cursor=" + grace.ID} {
			wantUI(t, b.get("/admin/leads?"+bad), http.StatusBadRequest, "not valid")
		}
	})
}

func TestAdminUnassignedQueue(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		acme := e.activePartner("Acme Resellers", "")
		e.lead(ally.LeadInput{FirstName: "Ada", LastName: "Lovelace", Company: "Engines Ltd", PartnerID: acme.ID})
		alan := e.lead(ally.LeadInput{FirstName: "Alan", LastName: "Turing", Company: "Bletchley"})
		joan := e.lead(ally.LeadInput{FirstName: "Joan", LastName: "Clarke", Company: "Hut 8"})
		b := e.signIn("admin@vendor.example")

		q := b.get("/admin/leads/unassigned")
		wantText(t, q, http.StatusOK, "Alan Turing", "Joan Clarke", `action="/admin/leads/`+alan.ID+`/assign"`, `<option value="`+acme.ID+`">Acme Resellers</option>`)
		wantNoText(t, q, "Ada Lovelace")

		// Assigning from the queue returns to it, without the lead.
		pg := b.postOnly("/admin/leads/"+alan.ID+"/assign", url.Values{"partner": {acme.ID}, "next": {"/admin/leads/unassigned"}})
		wantRedirect(t, pg, "/admin/leads/unassigned?ok=assigned")
		q = b.follow(pg)
		wantText(t, q, http.StatusOK, "Lead assigned.", "Joan Clarke")
		wantNoText(t, q, "Alan Turing")
		if l := e.reloadLead(alan.ID); l.PartnerID != acme.ID || l.Routing == nil || l.Routing.Outcome != ally.RoutedByHand {
			t.Fatalf("assigned lead: %+v", l)
		}
		wantText(t, b.get("/admin/leads/"+alan.ID), http.StatusOK, "Assigned by hand", "Acme Resellers")
		if ev := e.audits("lead.assign"); len(ev) != 1 || ev[0].TargetID != alan.ID {
			t.Fatalf("audit: %+v", ev)
		}

		// Assign without a partner: the queue's lead page says what to do.
		wantText(t, b.post("/admin/leads/"+alan.ID+"/assign", url.Values{"partner": {""}, "next": {"/admin/leads/unassigned"}}),
			http.StatusUnprocessableEntity, "choose the partner to give the lead to")
		// Sending it back puts it in the queue again.
		pg = b.post("/admin/leads/"+alan.ID+"/assign", url.Values{"unassign": {"1"}})
		wantText(t, pg, http.StatusOK, "Lead sent back to the unassigned queue.", "waits in the unassigned queue")
		wantText(t, b.get("/admin/leads/unassigned"), http.StatusOK, "Alan Turing")

		// A partner typed by name is found; an empty queue says so.
		wantRedirect(t, b.postOnly("/admin/leads/"+alan.ID+"/assign", url.Values{"partner": {"acme resellers"}, "next": {"/admin/leads/unassigned"}}),
			"/admin/leads/unassigned?ok=assigned")
		wantText(t, b.post("/admin/leads/"+joan.ID+"/assign", url.Values{"partner": {"Nobody"}}), http.StatusUnprocessableEntity,
			"no partner you can see is called Nobody")
		wantRedirect(t, b.postOnly("/admin/leads/"+joan.ID+"/assign", url.Values{"partner": {acme.ID}}), "/admin/leads/"+joan.ID+"?ok=assigned")
		wantText(t, b.get("/admin/leads/unassigned"), http.StatusOK, "No unassigned leads")
	})
}

func TestAdminNewLeadAndLeadPage(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		acme := e.activePartner("Acme Resellers", "")
		b := e.signIn("admin@vendor.example")
		wantText(t, b.get("/admin/leads/new"), http.StatusOK, "New lead", "Route by the rules", "Acme Resellers")

		// Every problem at once, what was typed kept.
		pg := b.post("/admin/leads/new", url.Values{"firstName": {"Ada"}, "country": {"Germany"}, "custom.key": {"budget", "budget"}, "custom.value": {"1", "2"}})
		wantText(t, pg, http.StatusUnprocessableEntity, "Please correct the fields marked below.", "is required (or a name and a company)",
			"must be a two-letter ISO 3166 country code", `property "budget" is listed twice`, `value="Germany"`, `value="Ada"`)

		pg = b.postOnly("/admin/leads/new", url.Values{"firstName": {"Ada"}, "lastName": {"Lovelace"}, "company": {"Engines Ltd"},
			"email": {"ADA@Engines.example"}, "country": {"gb"}, "source": {"Web"}, "message": {"Wants 12 seats"},
			"custom.key": {"budget", ""}, "custom.value": {"50k", ""}, "partner": {acme.ID}})
		if pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location(), "/admin/leads/lead_") {
			t.Fatalf("create: %d %q %s", pg.status, pg.location(), pg.body)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(pg.location(), "/admin/leads/"), "?ok=created")
		page := b.follow(pg)
		wantText(t, page, http.StatusOK, "Created.", "Ada Lovelace", "ada@engines.example", "GB", "web", "Wants 12 seats", "budget", "50k",
			"Acme Resellers", "Assigned on intake to the partner it named", "Change status")
		if ev := e.audits("lead.create"); len(ev) != 1 || ev[0].TargetID != id {
			t.Fatalf("audit: %+v", ev)
		}
		wantText(t, b.get("/admin/leads"), http.StatusOK, "Ada Lovelace")

		// Status: lost needs a reason; with one, the page shows both.
		v := uiVersion(t, page)
		wantText(t, b.post("/admin/leads/"+id+"/status", url.Values{"status": {"lost"}, "reason": {""}, "version": {v}}),
			http.StatusUnprocessableEntity, "is required when a lead is lost or rejected")
		pg = b.post("/admin/leads/"+id+"/status", url.Values{"status": {"lost"}, "reason": {"Chose a rival"}, "version": {v}})
		wantText(t, pg, http.StatusOK, "Saved.", `badge lead-lost`, "Chose a rival")
		// The same form again is stale.
		wantText(t, b.post("/admin/leads/"+id+"/status", url.Values{"status": {"won"}, "version": {v}}),
			http.StatusPreconditionFailed, "Someone else changed this meanwhile")

		// A lead nobody has is 404, not an error.
		wantUI(t, b.get("/admin/leads/lead_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"), http.StatusNotFound)
	})
}

func TestAdminLeadsViewerAndManager(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *ldEnv) {
		ana := e.user("ana@vendor.example", ally.RoleManager)
		vera := e.user("vera@vendor.example", ally.RoleViewer)
		mine := e.activePartner("Ana's Partner", ana.ID)
		other := e.activePartner("Someone Else's", "")
		own := e.lead(ally.LeadInput{FirstName: "Ada", LastName: "Mine", Company: "A", PartnerID: mine.ID})
		theirs := e.lead(ally.LeadInput{FirstName: "Bob", LastName: "Theirs", Company: "B", PartnerID: other.ID})
		queued := e.lead(ally.LeadInput{FirstName: "Cy", LastName: "Queued", Company: "C"})

		m := e.signIn("ana@vendor.example")
		pg := m.get("/admin/leads")
		wantText(t, pg, http.StatusOK, "Ada Mine")
		wantNoText(t, pg, "Bob Theirs", "Cy Queued", "Unassigned queue")
		wantText(t, m.get("/admin/leads/"+own.ID), http.StatusOK, "Ada Mine", "Change status")
		wantUI(t, m.get("/admin/leads/"+theirs.ID), http.StatusNotFound)
		wantUI(t, m.get("/admin/leads/"+queued.ID), http.StatusNotFound)
		wantUI(t, m.get("/admin/leads/unassigned"), http.StatusForbidden)
		wantUI(t, m.post("/admin/leads/"+theirs.ID+"/assign", url.Values{"partner": {mine.ID}}), http.StatusNotFound)
		// The partner filter only finds partners she sees.
		wantText(t, m.get("/admin/leads?partner="+url.QueryEscape("Someone Else's")), http.StatusUnprocessableEntity, "no partner you can see")

		// Routing explanations and dry runs leave out the partners she does not see.
		for _, f := range []ally.RoutingRuleFields{
			{Name: uiPtr("Web to theirs"), Priority: uiPtr(1), Conditions: &ally.RuleConditions{Sources: []string{"web"}},
				Mode: uiPtr(ally.RouteToPartner), PartnerID: &other.ID, DailyCap: uiPtr(1)},
			{Name: uiPtr("Web to mine"), Priority: uiPtr(2), Conditions: &ally.RuleConditions{Sources: []string{"web"}},
				Mode: uiPtr(ally.RouteToPartner), PartnerID: &mine.ID},
			{Name: uiPtr("Events to theirs"), Priority: uiPtr(3), Conditions: &ally.RuleConditions{Sources: []string{"event"}},
				Mode: uiPtr(ally.RouteToPartner), PartnerID: &other.ID},
		} {
			if _, err := e.app.CreateRoutingRule(e.ctx, e.admin, f); err != nil {
				t.Fatal(err)
			}
		}
		routed := e.lead(ally.LeadInput{FirstName: "Dee", LastName: "Routed", Company: "D", Source: "web"}) // theirs is at its cap
		pg = e.signIn("admin@vendor.example").get("/admin/leads/" + routed.ID)
		wantText(t, pg, http.StatusOK, "Ana's Partner", "Someone Else's")
		pg = m.get("/admin/leads/" + routed.ID)
		wantText(t, pg, http.StatusOK, "Ana's Partner", "Web to theirs", "a partner you do not see: daily cap 1 reached",
			"1 more partner you do not see was considered")
		wantNoText(t, pg, "Someone Else's", other.ID)
		// The rules are the vendor's: a manager neither reads nor dry-runs them.
		wantUI(t, m.get("/admin/rules"), http.StatusForbidden)
		wantUI(t, m.post("/admin/rules/dry-run", url.Values{"email": {"x@y.example"}, "source": {"event"}}), http.StatusForbidden)

		// A viewer reads every page but is offered no change, and changes are refused.
		v := e.signIn("vera@vendor.example")
		pg = v.get("/admin/leads")
		wantText(t, pg, http.StatusOK, "Leads")
		wantNoText(t, pg, `href="/admin/leads/new"`)
		if err := e.app.Grant(e.ctx, e.admin, vera.ID, mine.ID); err != nil {
			t.Fatal(err)
		}
		pg = v.get("/admin/leads/" + own.ID)
		wantText(t, pg, http.StatusOK, "Ada Mine", "How it was routed")
		wantNoText(t, pg, "Change status", "Reassign")
		wantUI(t, v.post("/admin/leads/"+own.ID+"/status", url.Values{"status": {"won"}}), http.StatusForbidden)
		wantUI(t, v.post("/admin/leads/"+own.ID+"/assign", url.Values{"partner": {other.ID}}), http.StatusForbidden)
		wantUI(t, v.post("/admin/leads/new", url.Values{"email": {"x@y.example"}}), http.StatusForbidden)
		if l := e.reloadLead(own.ID); l.Status != ally.LeadNew || l.PartnerID != mine.ID {
			t.Fatalf("viewer changed the lead: %+v", l)
		}
	})
}
