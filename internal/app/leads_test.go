package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// leadEnv is one test's database, clock and app for the lead use cases.
type leadEnv struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	clock *testClock
	app   *app.App
	n     int // leads made so far, for unique e-mails
}

// eachLeads runs fn on a fresh database per engine, the clock at a fixed
// mid-month time the test can move.
func eachLeads(t *testing.T, fn func(t *testing.T, e *leadEnv)) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := &leadEnv{t: t, ctx: context.Background(), db: storetest.Open(t, engine),
				clock: &testClock{now: time.Date(2026, 5, 14, 9, 30, 0, 0, time.UTC)}}
			e.app = app.New(e.db, app.WithClock(e.clock.Now))
			fn(t, e)
		})
	}
}

// partner makes a partner with the given status and categories.
func (e *leadEnv) partner(name string, status ally.PartnerStatus, categories ...string) *ally.Partner {
	e.t.Helper()
	return e.partnerWith(status, ally.PartnerFields{Name: &name, Categories: &categories})
}

// partnerWith makes a partner from f with the status (archived ones are
// made, then archived).
func (e *leadEnv) partnerWith(status ally.PartnerStatus, f ally.PartnerFields) *ally.Partner {
	e.t.Helper()
	if status != ally.StatusArchived {
		f.Status = &status
	}
	p := mustPartner(e.t, e.app, sys, f)
	if status == ally.StatusArchived {
		var err error
		if p, err = e.app.ArchivePartner(e.ctx, sys, p.ID, app.UpdatePartnerOptions{}); err != nil {
			e.t.Fatal(err)
		}
	}
	return p
}

func (e *leadEnv) rule(f ally.RoutingRuleFields) *ally.RoutingRule {
	e.t.Helper()
	r, err := e.app.CreateRoutingRule(e.ctx, sys, f)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// input is a lead from country/region/source with a fresh e-mail.
func (e *leadEnv) input(country, region, source string) ally.LeadInput {
	e.n++
	return ally.LeadInput{FirstName: "Ada", LastName: fmt.Sprintf("Lovelace %d", e.n), Email: fmt.Sprintf("ada%d@lead.example", e.n),
		Company: "Engines Ltd", Country: country, Region: region, Source: source}
}

func (e *leadEnv) intake(in ally.LeadInput) *ally.Lead {
	e.t.Helper()
	l, err := e.app.CreateLead(e.ctx, sys, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// runJobs runs the jobs due now (a lead's dispatch writes its timeline
// entry and deliveries) until none is left.
func (e *leadEnv) runJobs() {
	e.t.Helper()
	r := jobs.New(e.db, jobs.Options{Now: e.clock.Now})
	e.app.ServeJobs(r)
	if _, err := r.RunDue(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

// directLead takes a lead in straight to p.
func (e *leadEnv) directLead(p *ally.Partner) *ally.Lead {
	e.t.Helper()
	in := e.input("DE", "", "web")
	in.PartnerID = p.ID
	return e.intake(in)
}

// portalUser gives p a template with the sections and returns one of its users.
func (e *leadEnv) portalUser(p *ally.Partner, s ally.Sections) ally.Actor {
	e.t.Helper()
	tpl, err := e.app.CreateExperienceTemplate(e.ctx, sys, ally.ExperienceTemplateFields{Name: ptr("Portal " + p.Name), Sections: &s})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.app.UpdatePartner(e.ctx, sys, p.ID, ally.PartnerFields{ExperienceTemplateID: &tpl.ID, PortalAccess: ptr(ally.AccessRestrictedUsers)}, app.UpdatePartnerOptions{}); err != nil {
		e.t.Fatal(err)
	}
	return ally.Actor{Kind: ally.ActorPartner, ID: "ctc_" + p.ID, Label: "pat@" + p.ID + ".example", PartnerID: p.ID}
}

// audit returns the audit events with action, newest first.
func (e *leadEnv) audit(action string) []*ally.AuditEvent {
	e.t.Helper()
	page, err := e.app.AuditEvents(e.ctx, sys, ally.AuditFilter{Action: action, Limit: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

func (e *leadEnv) timeline(p *ally.Partner) []string {
	e.t.Helper()
	page, err := e.app.Timeline(e.ctx, sys, p.ID, "", 50)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, a := range page.Items {
		out = append(out, string(a.Kind)+": "+a.Text)
	}
	return out
}

func ids(ls []*ally.Lead) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}

func TestCreateLeadRecordsEverything(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		acme := e.partner("Acme", ally.StatusActive)
		e.rule(ally.RoutingRuleFields{Name: ptr("Germany"), Mode: ptr(ally.RouteToPartner), PartnerID: &acme.ID,
			Conditions: &ally.RuleConditions{Countries: []string{"de"}}})

		l := e.intake(ally.LeadInput{FirstName: " Ada ", LastName: "Lovelace", Email: "ADA@Engines.example", Company: "Engines Ltd", Country: "de"})
		if l.PartnerID != acme.ID || l.PartnerName != "Acme" || l.Status != ally.LeadNew || l.Email != "ada@engines.example" || l.AssignedAt.IsZero() {
			t.Fatalf("lead: %+v", l)
		}
		if l.Routing.Outcome != ally.RoutedByRule || l.Routing.RuleName != "Germany" || !strings.Contains(l.Routing.Reason, "Acme") {
			t.Fatalf("routing: %+v", l.Routing)
		}
		got, err := e.app.Lead(e.ctx, sys, l.ID)
		if err != nil || got.PartnerID != acme.ID || got.Routing == nil || got.Routing.PartnerName != "Acme" {
			t.Fatalf("stored: %+v %v", got, err)
		}
		e.runJobs()
		if tl := e.timeline(acme); len(tl) == 0 || tl[0] != "system: New lead: Ada Lovelace (Engines Ltd)" {
			t.Fatalf("timeline: %q", tl)
		}
		if ev := e.audit("lead.create"); len(ev) != 1 || ev[0].TargetID != l.ID || ev[0].PartnerID != acme.ID {
			t.Fatalf("audit: %+v", ev)
		}

		// A bad lead is refused whole and leaves nothing behind.
		_, err = e.app.CreateLead(e.ctx, sys, ally.LeadInput{Email: "not an address", Country: "Germany"})
		wantCode(t, err, ally.ECodeInvalid)
		page, err := e.app.Leads(e.ctx, sys, ally.LeadFilter{})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("leads after a refusal: %v %v", ids(page.Items), err)
		}
	})
}

func TestDirectPartnerID(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		acme := e.partner("Acme", ally.StatusDormant) // direct leads go to any partner not archived
		gone := e.partner("Gone", ally.StatusArchived)
		l := e.directLead(acme)
		if l.PartnerID != acme.ID || l.Routing.Outcome != ally.RoutedDirect || !strings.Contains(l.Routing.Reason, "partnerId") {
			t.Fatalf("direct: %+v %+v", l, l.Routing)
		}
		for _, id := range []string{gone.ID, "ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"} {
			in := e.input("DE", "", "")
			in.PartnerID = id
			_, err := e.app.CreateLead(e.ctx, sys, in)
			var ae *ally.Error
			if !errors.As(err, &ae) || ae.Code != ally.ECodeInvalid || ae.Fields[0].Field != "partnerId" {
				t.Fatalf("partnerId %s: %v", id, err)
			}
		}
	})
}

func TestLeadAccess(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		ana := mustUser(t, e.app, "ana@vendor.example", ally.RoleManager)
		vic := mustUser(t, e.app, "vic@vendor.example", ally.RoleViewer)
		a := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), Status: ptr(ally.StatusActive), OwnerID: &ana.ID})
		a2 := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme Two"), Status: ptr(ally.StatusActive), OwnerID: &ana.ID})
		b := e.partner("Bolt", ally.StatusActive)
		if err := e.app.Grant(e.ctx, sys, vic.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		la, lb := e.directLead(a), e.directLead(b)
		lu := e.intake(e.input("FR", "", "")) // no rules: unassigned
		if lu.PartnerID != "" || lu.Routing.Outcome != ally.RoutedNowhere {
			t.Fatalf("unassigned: %+v", lu.Routing)
		}
		pa := e.portalUser(a, ally.Sections{Dashboard: true, Leads: true})

		// A partner user: only its own leads, never the routing explanation.
		page, err := e.app.Leads(e.ctx, pa, ally.LeadFilter{PartnerID: b.ID, Unassigned: true})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != la.ID || page.Items[0].Routing != nil {
			t.Fatalf("partner list: %v %v", ids(page.Items), err)
		}
		got, err := e.app.Lead(e.ctx, pa, la.ID)
		if err != nil || got.Routing != nil {
			t.Fatalf("partner lead: %+v %v", got, err)
		}
		for _, id := range []string{lb.ID, lu.ID} {
			_, err = e.app.Lead(e.ctx, pa, id)
			wantCode(t, err, ally.ECodeNotFound)
		}
		_, err = e.app.CreateLead(e.ctx, pa, e.input("DE", "", ""))
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.AssignLead(e.ctx, pa, la.ID, a.ID, nil)
		wantCode(t, err, ally.ECodeForbidden)
		// Export needs its own section.
		err = e.app.ExportLeads(e.ctx, pa, ally.LeadFilter{}, func(*ally.Lead) error { return nil })
		wantCode(t, err, ally.ECodeForbidden)

		// Without the Leads section the partner sees no leads at all.
		pb := e.portalUser(b, ally.Sections{Dashboard: true})
		_, err = e.app.Leads(e.ctx, pb, ally.LeadFilter{})
		wantCode(t, err, ally.ECodeNotFound)
		_, err = e.app.Lead(e.ctx, pb, lb.ID)
		wantCode(t, err, ally.ECodeNotFound)
		_, err = e.app.UpdateLeadStatus(e.ctx, pb, lb.ID, ally.LeadStatusUpdate{Status: ally.LeadAccepted}, nil)
		wantCode(t, err, ally.ECodeNotFound)

		// A manager: the partners it owns, never the unassigned queue.
		page, err = e.app.Leads(e.ctx, ana, ally.LeadFilter{})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != la.ID {
			t.Fatalf("manager list: %v %v", ids(page.Items), err)
		}
		_, err = e.app.Leads(e.ctx, ana, ally.LeadFilter{Unassigned: true})
		wantCode(t, err, ally.ECodeForbidden)
		for _, id := range []string{lb.ID, lu.ID} {
			_, err = e.app.Lead(e.ctx, ana, id)
			wantCode(t, err, ally.ECodeNotFound)
			_, err = e.app.AssignLead(e.ctx, ana, id, a.ID, nil)
			wantCode(t, err, ally.ECodeNotFound)
		}
		_, err = e.app.AssignLead(e.ctx, ana, la.ID, b.ID, nil) // to a partner it cannot see
		wantCode(t, err, ally.ECodeInvalid)
		moved, err := e.app.AssignLead(e.ctx, ana, la.ID, a2.ID, nil)
		if err != nil || moved.PartnerID != a2.ID || moved.Routing.Outcome != ally.RoutedByHand || moved.Routing.By != ana.Label {
			t.Fatalf("manager reassign: %+v %v", moved, err)
		}

		// A viewer reads what it was granted and writes nothing.
		page, err = e.app.Leads(e.ctx, vic, ally.LeadFilter{})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != lb.ID {
			t.Fatalf("viewer list: %v %v", ids(page.Items), err)
		}
		_, err = e.app.UpdateLeadStatus(e.ctx, vic, lb.ID, ally.LeadStatusUpdate{Status: ally.LeadAccepted}, nil)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.AssignLead(e.ctx, vic, lb.ID, "", nil)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.CreateLead(e.ctx, vic, e.input("DE", "", ""))
		wantCode(t, err, ally.ECodeForbidden)

		// Keys need the scope.
		readOnly := ally.Actor{Kind: ally.ActorAPIKey, ID: "key_r", Scopes: []ally.Scope{ally.ScopeLeadsRead}}
		none := ally.Actor{Kind: ally.ActorAPIKey, ID: "key_n", Scopes: []ally.Scope{ally.ScopePartnersRead}}
		_, err = e.app.Leads(e.ctx, none, ally.LeadFilter{})
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.Lead(e.ctx, none, la.ID)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.CreateLead(e.ctx, readOnly, e.input("DE", "", ""))
		wantCode(t, err, ally.ECodeForbidden)
		if page, err = e.app.Leads(e.ctx, readOnly, ally.LeadFilter{Unassigned: true}); err != nil || len(page.Items) != 1 || page.Items[0].ID != lu.ID {
			t.Fatalf("unassigned queue: %v %v", ids(page.Items), err)
		}

		// Junk in the filter is a bad request, not an empty list.
		_, err = e.app.Leads(e.ctx, sys, ally.LeadFilter{Sort: "price"})
		wantCode(t, err, ally.ECodeBadRequest)
		_, err = e.app.Leads(e.ctx, sys, ally.LeadFilter{Status: "maybe"})
		wantCode(t, err, ally.ECodeBadRequest)
	})
}

func TestAssignByHand(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		admin := mustUser(t, e.app, "admin@vendor.example", ally.RoleAdmin)
		a := e.partner("Acme", ally.StatusActive)
		gone := e.partner("Gone", ally.StatusArchived)
		l := e.intake(e.input("DE", "", "")) // unassigned
		_, err := e.app.AssignLead(e.ctx, admin, l.ID, gone.ID, nil)
		wantCode(t, err, ally.ECodeInvalid)
		stale := l.Version - 1
		_, err = e.app.AssignLead(e.ctx, admin, l.ID, a.ID, &stale)
		wantCode(t, err, ally.ECodePrecondition)

		got, err := e.app.AssignLead(e.ctx, admin, l.ID, a.ID, &l.Version)
		if err != nil || got.PartnerID != a.ID || got.Status != ally.LeadNew || got.Routing.Outcome != ally.RoutedByHand ||
			!strings.Contains(got.Routing.Reason, "admin@vendor.example") {
			t.Fatalf("assign: %+v %v", got, err)
		}
		if tl := e.timeline(a); len(tl) == 0 || !strings.HasPrefix(tl[0], "system: New lead: Ada Lovelace") {
			t.Fatalf("timeline: %q", tl)
		}
		ev := e.audit("lead.assign")
		if len(ev) != 1 || ev[0].Changes["partnerId"].Before != nil || ev[0].Changes["partnerId"].After != a.ID {
			t.Fatalf("audit: %+v", ev)
		}

		// Back to the queue.
		back, err := e.app.AssignLead(e.ctx, admin, l.ID, "", nil)
		if err != nil || back.PartnerID != "" || back.Routing.Outcome != ally.RoutedNowhere {
			t.Fatalf("unassign: %+v %v", back, err)
		}
		page, _ := e.app.Leads(e.ctx, admin, ally.LeadFilter{Unassigned: true})
		if len(page.Items) != 1 || page.Items[0].ID != l.ID {
			t.Fatalf("queue: %v", ids(page.Items))
		}
	})
}

func TestUpdateLeadStatus(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		owner := mustUser(t, e.app, "olga@vendor.example", ally.RoleManager)
		a := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), Status: ptr(ally.StatusActive), OwnerID: &owner.ID})
		pa := e.portalUser(a, ally.Sections{Leads: true})
		l := e.directLead(a)
		for _, c := range []struct {
			status ally.LeadStatus
			reason string
			field  string // "" when it is accepted
		}{
			{ally.LeadAccepted, "", ""},
			{ally.LeadContacted, "called, left a message", ""},
			{ally.LeadLost, "", "reason"},
			{ally.LeadRejected, "   ", "reason"},
			{"maybe", "", "status"},
			{ally.LeadLost, strings.Repeat("x", 1001), "reason"},
			{ally.LeadQualified, "", ""},
			{ally.LeadLost, "went with a competitor", ""},
		} {
			got, err := e.app.UpdateLeadStatus(e.ctx, pa, l.ID, ally.LeadStatusUpdate{Status: c.status, Reason: c.reason}, nil)
			if c.field != "" {
				var ae *ally.Error
				if !errors.As(err, &ae) || ae.Code != ally.ECodeInvalid || ae.Fields[0].Field != c.field {
					t.Fatalf("%s %q: want 422 on %s, got %v", c.status, c.reason, c.field, err)
				}
				continue
			}
			if err != nil || got.Status != c.status || got.Routing != nil {
				t.Fatalf("%s: %+v %v", c.status, got, err)
			}
			l = got
		}
		stale := l.Version - 1
		_, err := e.app.UpdateLeadStatus(e.ctx, pa, l.ID, ally.LeadStatusUpdate{Status: ally.LeadWon}, &stale)
		wantCode(t, err, ally.ECodePrecondition)

		tl := e.timeline(a)
		if len(tl) < 2 || tl[0] != "status_change: Lead "+l.Name()+" marked lost: went with a competitor" ||
			tl[2] != "status_change: Lead "+l.Name()+" marked contacted: called, left a message" {
			t.Fatalf("timeline: %q", tl)
		}
		ns, err := e.app.Notifications(e.ctx, owner, 10)
		if err != nil || len(ns) != 4 || !strings.Contains(ns[0].Text, "marked lost") || ns[0].Link != "/admin/leads/"+l.ID {
			t.Fatalf("owner notifications: %+v %v", ns, err)
		}
		ev := e.audit("lead.status")
		if len(ev) != 4 || ev[0].Changes["status"].Before != "qualified" || ev[0].Changes["status"].After != "lost" {
			t.Fatalf("audit: %+v", ev)
		}

		// Staff changes land on the timeline but notify no one.
		if _, err := e.app.UpdateLeadStatus(e.ctx, owner, l.ID, ally.LeadStatusUpdate{Status: ally.LeadWon}, nil); err != nil {
			t.Fatal(err)
		}
		if ns, _ := e.app.Notifications(e.ctx, owner, 10); len(ns) != 4 {
			t.Fatalf("notified about its own change: %d", len(ns))
		}
		// A lead without a partner has no status to move.
		u := e.intake(e.input("DE", "", ""))
		_, err = e.app.UpdateLeadStatus(e.ctx, sys, u.ID, ally.LeadStatusUpdate{Status: ally.LeadAccepted}, nil)
		wantCode(t, err, ally.ECodeConflict)

		stats, err := e.app.MyLeadStats(e.ctx, pa)
		if err != nil || stats.Total != 1 || stats.ThisMonth != 1 || stats.Open != 0 {
			t.Fatalf("stats: %+v %v", stats, err)
		}
	})
}

func TestExportStreamsEveryRow(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		a := e.partner("Acme", ally.StatusActive)
		b := e.partner("Bolt", ally.StatusActive)
		const n = 5000
		err := e.db.Write(e.ctx, func(tx ally.Tx) error {
			var ls []*ally.Lead
			for i := range n + 10 {
				in := e.input("DE", "", "web")
				l := ally.NewLead(&in, e.clock.Now())
				l.PartnerID = a.ID
				if i >= n {
					l.PartnerID = b.ID // not the partner's
				}
				ls = append(ls, l)
			}
			return tx.CreateLeads(e.ctx, ls)
		})
		if err != nil {
			t.Fatal(err)
		}
		pa := e.portalUser(a, ally.Sections{Leads: true, LeadExport: true})
		seen := map[string]bool{}
		err = e.app.ExportLeads(e.ctx, pa, ally.LeadFilter{PartnerID: b.ID}, func(l *ally.Lead) error {
			if l.PartnerID != a.ID || l.Routing != nil || seen[l.ID] {
				return fmt.Errorf("exported %+v", l)
			}
			seen[l.ID] = true
			return nil
		})
		if err != nil || len(seen) != n {
			t.Fatalf("export: %d rows, %v", len(seen), err)
		}
		ev := e.audit("lead.export")
		if len(ev) != 1 || ev[0].PartnerID != a.ID || ev[0].ActorID != pa.ID || fmt.Sprint(ev[0].Changes["rows"].After) != "5000" {
			t.Fatalf("audit: %+v", ev)
		}
		// Staff export the whole list.
		rows := 0
		if err := e.app.ExportLeads(e.ctx, sys, ally.LeadFilter{}, func(*ally.Lead) error { rows++; return nil }); err != nil || rows != n+10 {
			t.Fatalf("staff export: %d %v", rows, err)
		}
		if ev := e.audit("lead.export"); len(ev) != 2 {
			t.Fatalf("audit events: %d", len(ev))
		}
	})
}
