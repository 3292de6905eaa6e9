package app_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// A routing table: partners and rules by name, then leads in order, each
// with the partner it must reach and phrases its explanation must hold.
type (
	partnerSpec struct {
		name   string
		status ally.PartnerStatus // "" is active
		cats   []string
		tier   string // a tier name: Gold or Silver
	}
	ruleSpec struct {
		name           string
		priority       int
		mode           ally.RoutingMode
		partner        string   // partner mode
		weights        []string // weighted: "Name:weight"
		when           ally.RuleConditions
		tiers          []string // tier names for when.TierIDs
		daily, monthly int
		off            bool
	}
	leadSpec struct {
		country, region, source string
		direct                  string // a partner name for partnerId
		want                    string // partner name; "" stays unassigned
		why                     []string
	}
)

var routingTable = []struct {
	name     string
	partners []partnerSpec
	rules    []ruleSpec
	leads    []leadSpec
}{
	{
		name:     "country",
		partners: []partnerSpec{{name: "Acme"}, {name: "Bolt"}},
		rules: []ruleSpec{
			{name: "DACH", priority: 10, mode: ally.RouteToPartner, partner: "Acme", when: ally.RuleConditions{Countries: []string{"de", "AT"}}},
			{name: "US", priority: 20, mode: ally.RouteToPartner, partner: "Bolt", when: ally.RuleConditions{Countries: []string{"US"}}},
		},
		leads: []leadSpec{
			{country: "DE", want: "Acme", why: []string{`Rule "DACH" sends its leads to Acme.`}},
			{country: "us", want: "Bolt", why: []string{"DACH: country US is not DE, AT"}},
			{country: "FR", why: []string{"No rule's conditions match", "US: country FR is not US"}},
		},
	},
	{
		name:     "region, ignoring case",
		partners: []partnerSpec{{name: "Acme"}},
		rules:    []ruleSpec{{name: "South", mode: ally.RouteToPartner, partner: "Acme", when: ally.RuleConditions{Regions: []string{"Bavaria"}}}},
		leads: []leadSpec{
			{region: "bavaria", want: "Acme"},
			{region: "Saxony", why: []string{"region Saxony is not Bavaria"}},
		},
	},
	{
		name:     "source",
		partners: []partnerSpec{{name: "Acme"}},
		rules:    []ruleSpec{{name: "Events", mode: ally.RouteToPartner, partner: "Acme", when: ally.RuleConditions{Sources: []string{"Event"}}}},
		leads: []leadSpec{
			{source: "EVENT", want: "Acme"},
			{source: "web", why: []string{"source web is not event"}},
		},
	},
	{
		name:     "partner category",
		partners: []partnerSpec{{name: "Acme", cats: []string{"reseller"}}, {name: "Bolt", cats: []string{"distributor"}}, {name: "Core", cats: []string{"referral", "reseller"}}},
		rules:    []ruleSpec{{name: "Resellers", mode: ally.RouteRoundRobin, when: ally.RuleConditions{Categories: []string{"reseller"}}}},
		leads: []leadSpec{
			{want: "Acme", why: []string{"Round-robin among 2 active partners in Resellers; Acme was next in turn."}},
			{want: "Core"}, {want: "Acme"},
		},
	},
	{
		name:     "partner tier",
		partners: []partnerSpec{{name: "Acme", tier: "Gold"}, {name: "Bolt", tier: "Silver"}, {name: "Core", tier: "Gold"}, {name: "Dash"}},
		rules:    []ruleSpec{{name: "Gold", mode: ally.RouteRoundRobin, tiers: []string{"Gold"}}},
		leads:    []leadSpec{{want: "Acme"}, {want: "Core"}, {want: "Acme"}},
	},
	{
		name:     "round-robin takes turns and wraps around",
		partners: []partnerSpec{{name: "Acme"}, {name: "Bolt"}, {name: "Core"}},
		rules:    []ruleSpec{{name: "Everyone", mode: ally.RouteRoundRobin}},
		leads:    []leadSpec{{want: "Acme"}, {want: "Bolt"}, {want: "Core"}, {want: "Acme", why: []string{"Acme was next in turn"}}, {want: "Bolt"}},
	},
	{
		name: "round-robin skips partners that are not active",
		partners: []partnerSpec{{name: "Acme"}, {name: "Bolt", status: ally.StatusArchived}, {name: "Core", status: ally.StatusDormant},
			{name: "Dash", status: ally.StatusOnboarding}, {name: "Echo"}},
		rules: []ruleSpec{{name: "Everyone", mode: ally.RouteRoundRobin}},
		leads: []leadSpec{{want: "Acme"}, {want: "Echo"}, {want: "Acme"}},
	},
	{
		name:     "priority order, not creation order",
		partners: []partnerSpec{{name: "Acme"}, {name: "Bolt"}},
		rules: []ruleSpec{
			{name: "Later", priority: 20, mode: ally.RouteToPartner, partner: "Bolt"},
			{name: "First", priority: 10, mode: ally.RouteToPartner, partner: "Acme"},
		},
		leads: []leadSpec{{want: "Acme", why: []string{"First: placed the lead with Acme"}}},
	},
	{
		name:     "disabled rules are skipped",
		partners: []partnerSpec{{name: "Acme"}, {name: "Bolt"}},
		rules: []ruleSpec{
			{name: "Off", priority: 10, mode: ally.RouteToPartner, partner: "Acme", off: true},
			{name: "On", priority: 20, mode: ally.RouteToPartner, partner: "Bolt"},
		},
		leads: []leadSpec{{want: "Bolt"}},
	},
	{
		name:     "a rule's partner that cannot take leads passes to the next rule",
		partners: []partnerSpec{{name: "Gone", status: ally.StatusArchived}, {name: "Acme", cats: []string{"reseller"}}, {name: "Bolt"}},
		rules: []ruleSpec{
			{name: "Old", priority: 10, mode: ally.RouteToPartner, partner: "Gone"},
			{name: "Distributors", priority: 20, mode: ally.RouteToPartner, partner: "Acme", when: ally.RuleConditions{Categories: []string{"distributor"}}},
			{name: "Rest", priority: 30, mode: ally.RouteToPartner, partner: "Bolt"},
		},
		leads: []leadSpec{{want: "Bolt", why: []string{"Old: Gone: archived", "Distributors: Acme: not in category distributor"}}},
	},
	{
		name:     "daily cap passes to the next candidate, then the next rule",
		partners: []partnerSpec{{name: "Acme", cats: []string{"pair"}}, {name: "Bolt", cats: []string{"pair"}}, {name: "Core"}},
		rules: []ruleSpec{
			{name: "Pair", priority: 10, mode: ally.RouteRoundRobin, when: ally.RuleConditions{Categories: []string{"pair"}}, daily: 1},
			{name: "Overflow", priority: 20, mode: ally.RouteToPartner, partner: "Core"},
		},
		leads: []leadSpec{{want: "Acme"}, {want: "Bolt"},
			{want: "Core", why: []string{"Pair: all 2 partners it could pick are at their caps",
				"Acme: daily cap 1 reached (1 today)", "Bolt: daily cap 1 reached (1 today)", "Core: the rule's partner (chosen true)"}}},
	},
	{
		name:     "monthly cap leaves the lead unassigned, saying why",
		partners: []partnerSpec{{name: "Acme"}},
		rules:    []ruleSpec{{name: "Acme only", mode: ally.RouteToPartner, partner: "Acme", monthly: 2}},
		leads: []leadSpec{{want: "Acme"}, {want: "Acme"},
			{why: []string{"1 rule matched, but no partner could take the lead", "Acme: monthly cap 2 reached (2 this month)"}}},
	},
	{
		name:     "direct leads count towards caps",
		partners: []partnerSpec{{name: "Acme"}, {name: "Bolt"}},
		rules: []ruleSpec{
			{name: "Acme", priority: 10, mode: ally.RouteToPartner, partner: "Acme", daily: 1},
			{name: "Bolt", priority: 20, mode: ally.RouteToPartner, partner: "Bolt"},
		},
		leads: []leadSpec{{direct: "Acme", want: "Acme", why: []string{"partnerId on intake"}},
			{want: "Bolt", why: []string{"daily cap 1 reached (1 today)"}}},
	},
	{
		name:     "weighted takes the fewest leads per weight, ties in list order",
		partners: []partnerSpec{{name: "Acme"}, {name: "Bolt"}},
		rules:    []ruleSpec{{name: "Split", mode: ally.RouteWeighted, weights: []string{"Acme:2", "Bolt:1"}}},
		leads: []leadSpec{{want: "Acme"}, {want: "Bolt"}, {want: "Acme"}, {want: "Acme"}, {want: "Bolt"},
			{want: "Acme", why: []string{"Weighted among 2 partners in Split; Acme had the fewest leads for its weight (3 leads so far for weight 2)."}}},
	},
	{
		name:     "weighted skips archived and capped partners",
		partners: []partnerSpec{{name: "Gone", status: ally.StatusArchived}, {name: "Acme"}, {name: "Bolt"}},
		rules:    []ruleSpec{{name: "Split", mode: ally.RouteWeighted, weights: []string{"Gone:5", "Acme:1", "Bolt:1"}, daily: 1}},
		leads: []leadSpec{{want: "Acme", why: []string{"Gone: archived"}}, {want: "Bolt"},
			{why: []string{"none of its 3 partners can take the lead", "Bolt: daily cap 1 reached (1 today)"}}},
	},
	{
		name:     "no rules",
		partners: []partnerSpec{{name: "Acme"}},
		leads:    []leadSpec{{why: []string{"No routing rule is enabled"}}},
	},
}

func TestRoutingTable(t *testing.T) {
	for _, tc := range routingTable {
		t.Run(tc.name, func(t *testing.T) {
			eachLeads(t, func(t *testing.T, e *leadEnv) {
				tiers := map[string]string{}
				for _, name := range []string{"Gold", "Silver"} {
					tier, err := e.app.CreateTier(e.ctx, sys, ally.TierFields{Name: ptr(name)})
					if err != nil {
						t.Fatal(err)
					}
					tiers[name] = tier.ID
				}
				byName := map[string]*ally.Partner{}
				for _, ps := range tc.partners {
					status := ps.status
					if status == "" {
						status = ally.StatusActive
					}
					f := ally.PartnerFields{Name: ptr(ps.name), Categories: &ps.cats}
					if ps.tier != "" {
						f.TierID = ptr(tiers[ps.tier])
					}
					byName[ps.name] = e.partnerWith(status, f)
				}
				for _, rs := range tc.rules {
					for _, name := range rs.tiers {
						rs.when.TierIDs = append(rs.when.TierIDs, tiers[name])
					}
					f := ally.RoutingRuleFields{Name: &rs.name, Priority: &rs.priority, Mode: &rs.mode, Enabled: ptr(!rs.off),
						DailyCap: &rs.daily, MonthlyCap: &rs.monthly, Conditions: &rs.when}
					if rs.partner != "" {
						f.PartnerID = &byName[rs.partner].ID
					}
					var ws []ally.RuleWeight
					for _, w := range rs.weights {
						name, n, _ := strings.Cut(w, ":")
						var weight int
						fmt.Sscan(n, &weight)
						ws = append(ws, ally.RuleWeight{PartnerID: byName[name].ID, Weight: weight})
					}
					f.Weights = &ws
					e.rule(f)
				}
				for i, ls := range tc.leads {
					in := e.input(ls.country, ls.region, ls.source)
					if ls.direct != "" {
						in.PartnerID = byName[ls.direct].ID
					}
					l := e.intake(in)
					text := explain(l.Routing)
					if l.PartnerName != ls.want {
						t.Fatalf("lead %d went to %q, want %q:\n%s", i+1, l.PartnerName, ls.want, text)
					}
					if ls.want == "" && (l.PartnerID != "" || l.Routing.Outcome != ally.RoutedNowhere) {
						t.Fatalf("lead %d: not unassigned: %+v", i+1, l.Routing)
					}
					for _, phrase := range ls.why {
						if !strings.Contains(text, phrase) {
							t.Fatalf("lead %d: explanation lacks %q:\n%s", i+1, phrase, text)
						}
					}
				}
			})
		})
	}
}

// explain flattens a decision the way the lead page shows it.
func explain(d *ally.RoutingDecision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", d.Outcome, d.Reason)
	for _, r := range d.Rules {
		fmt.Fprintf(&b, "rule %s: %s\n", r.RuleName, r.Reason)
	}
	for _, c := range d.Candidates {
		fmt.Fprintf(&b, "  %s: %s (chosen %v)\n", c.PartnerName, c.Reason, c.Chosen)
	}
	return b.String()
}

func TestWeightedProportions(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		a, b := e.partner("Acme", ally.StatusActive), e.partner("Bolt", ally.StatusActive)
		e.rule(ally.RoutingRuleFields{Name: ptr("3:1"), Mode: ptr(ally.RouteWeighted),
			Weights: &[]ally.RuleWeight{{PartnerID: a.ID, Weight: 3}, {PartnerID: b.ID, Weight: 1}}})
		got := map[string]int{}
		for range 200 {
			got[e.intake(e.input("DE", "", "")).PartnerName]++
		}
		if got["Acme"] < 145 || got["Acme"] > 155 || got["Acme"]+got["Bolt"] != 200 {
			t.Fatalf("3:1 over 200 leads: %v", got)
		}
	})
}

func TestCapsFollowTheCalendar(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		a, b := e.partner("Acme", ally.StatusActive), e.partner("Bolt", ally.StatusActive)
		e.rule(ally.RoutingRuleFields{Name: ptr("Acme"), Priority: ptr(1), Mode: ptr(ally.RouteToPartner), PartnerID: &a.ID, DailyCap: ptr(1), MonthlyCap: ptr(2)})
		e.rule(ally.RoutingRuleFields{Name: ptr("Bolt"), Priority: ptr(2), Mode: ptr(ally.RouteToPartner), PartnerID: &b.ID})
		var got []string
		for _, step := range []time.Duration{0, 0, 24 * time.Hour, 0, 24 * time.Hour, 20 * 24 * time.Hour} {
			e.clock.Add(step) // May 14, 14, 15, 15, 16, June 5
			got = append(got, e.intake(e.input("DE", "", "")).PartnerName)
		}
		if want := "Acme Bolt Acme Bolt Bolt Acme"; strings.Join(got, " ") != want {
			t.Fatalf("got %v, want %s", got, want)
		}
	})
}

func TestDryRunChangesNothing(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		a, _ := e.partner("Acme", ally.StatusActive), e.partner("Bolt", ally.StatusActive)
		for i := range 30 { // more rules than an explanation keeps
			e.rule(ally.RoutingRuleFields{Name: ptr(fmt.Sprintf("US %d", i)), Priority: ptr(i), Mode: ptr(ally.RouteRoundRobin),
				Conditions: &ally.RuleConditions{Countries: []string{"US"}}})
		}
		e.rule(ally.RoutingRuleFields{Name: ptr("Everyone"), Priority: ptr(100), Mode: ptr(ally.RouteRoundRobin), DailyCap: ptr(5)})
		before := len(e.audit(""))
		viewer := mustUser(t, e.app, "vic@vendor.example", ally.RoleViewer)
		_, err := e.app.DryRunRouting(e.ctx, viewer, ally.LeadInput{Email: "ada@lead.example"})
		wantCode(t, err, ally.ECodeForbidden) // the rules are the vendor's: owners and admins only
		reader := ally.Actor{Kind: ally.ActorAPIKey, ID: "key_r", Scopes: []ally.Scope{ally.ScopeRoutingRead}}
		for range 3 {
			d, err := e.app.DryRunRouting(e.ctx, reader, ally.LeadInput{Email: " Ada@Lead.example ", Country: "de"})
			if err != nil || d.PartnerID != a.ID || d.RuleName != "Everyone" || len(d.Rules) != ally.MaxTraceLength {
				t.Fatalf("dry run: %+v %v", d, err)
			}
		}
		if page, _ := e.app.Leads(e.ctx, sys, ally.LeadFilter{}); len(page.Items) != 0 {
			t.Fatalf("dry run made leads: %v", ids(page.Items))
		}
		if n := len(e.audit("")); n != before+1 { // the viewer's creation only
			t.Fatalf("dry run wrote %d audit events", n-before-1)
		}
		_, err = e.app.DryRunRouting(e.ctx, reader, ally.LeadInput{Email: "nope"})
		wantCode(t, err, ally.ECodeInvalid)
		// The turn the dry run showed is still the next one.
		if l := e.intake(e.input("DE", "", "")); l.PartnerID != a.ID {
			t.Fatalf("after dry runs the turn went to %s", l.PartnerName)
		}
	})
}

func TestRoutingRuleEditing(t *testing.T) {
	eachLeads(t, func(t *testing.T, e *leadEnv) {
		a := e.partner("Acme", ally.StatusActive)
		for _, c := range []struct {
			f     ally.RoutingRuleFields
			field string
		}{
			{ally.RoutingRuleFields{Mode: ptr(ally.RouteRoundRobin)}, "name"},
			{ally.RoutingRuleFields{Name: ptr("X"), Mode: ptr(ally.RouteToPartner)}, "partnerId"},
			{ally.RoutingRuleFields{Name: ptr("X"), Mode: ptr(ally.RouteToPartner), PartnerID: ptr("ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8")}, "partnerId"},
			{ally.RoutingRuleFields{Name: ptr("X"), Mode: ptr(ally.RouteWeighted), Weights: &[]ally.RuleWeight{{PartnerID: "ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", Weight: 1}}}, "weights"},
			{ally.RoutingRuleFields{Name: ptr("X"), Mode: ptr(ally.RouteRoundRobin), Conditions: &ally.RuleConditions{TierIDs: []string{"tier_nope"}}}, "conditions.tierIds"},
			{ally.RoutingRuleFields{Name: ptr("X"), Mode: ptr(ally.RoutingMode("random"))}, "mode"},
		} {
			_, err := e.app.CreateRoutingRule(e.ctx, sys, c.f)
			var ae *ally.Error
			if !errors.As(err, &ae) || ae.Code != ally.ECodeInvalid || ae.Fields[0].Field != c.field {
				t.Fatalf("want 422 on %s, got %v", c.field, err)
			}
		}
		if rules, err := e.app.RoutingRules(e.ctx, sys); err != nil || len(rules) != 0 {
			t.Fatalf("refused rules were stored: %v %v", rules, err)
		}

		r := e.rule(ally.RoutingRuleFields{Name: ptr("DACH"), Mode: ptr(ally.RouteToPartner), PartnerID: &a.ID,
			Conditions: &ally.RuleConditions{Countries: []string{"de", "DE", " at"}}})
		if !r.Enabled || strings.Join(r.Conditions.Countries, ",") != "DE,AT" {
			t.Fatalf("created: %+v", r)
		}
		if ev := e.audit("routing_rule.create"); len(ev) != 1 || ev[0].Changes["name"].After != "DACH" {
			t.Fatalf("audit create: %+v", ev)
		}
		stale := r.Version
		up, err := e.app.UpdateRoutingRule(e.ctx, sys, r.ID, ally.RoutingRuleFields{Mode: ptr(ally.RouteRoundRobin), DailyCap: ptr(10)}, &r.Version)
		if err != nil || up.Mode != ally.RouteRoundRobin || up.PartnerID != "" || up.DailyCap != 10 || up.Version != r.Version+1 {
			t.Fatalf("update: %+v %v", up, err)
		}
		_, err = e.app.UpdateRoutingRule(e.ctx, sys, r.ID, ally.RoutingRuleFields{Name: ptr("Late")}, &stale)
		wantCode(t, err, ally.ECodePrecondition)
		same, err := e.app.UpdateRoutingRule(e.ctx, sys, r.ID, ally.RoutingRuleFields{Conditions: &ally.RuleConditions{Countries: []string{"DE", "AT"}}}, nil)
		if err != nil || same.Version != up.Version {
			t.Fatalf("a no-op update wrote: %+v %v", same, err)
		}
		ev := e.audit("routing_rule.update")
		if len(ev) != 1 || ev[0].Changes["mode"].After != "round_robin" || ev[0].Changes["partnerId"].Before != a.ID {
			t.Fatalf("audit update: %+v", ev)
		}

		// Who may see and edit: admins and keys with routing:write; not
		// managers and viewers (rules name partners outside their book).
		mgr := mustUser(t, e.app, "mia@vendor.example", ally.RoleManager)
		_, err = e.app.RoutingRule(e.ctx, mgr, r.ID)
		wantCode(t, err, ally.ECodeForbidden)
		_, err = e.app.CreateRoutingRule(e.ctx, mgr, ally.RoutingRuleFields{Name: ptr("Mine"), Mode: ptr(ally.RouteRoundRobin)})
		wantCode(t, err, ally.ECodeForbidden)
		key := ally.Actor{Kind: ally.ActorAPIKey, ID: "key_l", Scopes: []ally.Scope{ally.ScopeLeadsRead}}
		_, err = e.app.RoutingRules(e.ctx, key)
		wantCode(t, err, ally.ECodeForbidden)
		err = e.app.DeleteRoutingRule(e.ctx, mgr, r.ID)
		wantCode(t, err, ally.ECodeForbidden)

		if err := e.app.DeleteRoutingRule(e.ctx, sys, r.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.app.RoutingRule(e.ctx, sys, r.ID)
		wantCode(t, err, ally.ECodeNotFound)
		if ev := e.audit("routing_rule.delete"); len(ev) != 1 || ev[0].Changes["name"].Before != "DACH" {
			t.Fatalf("audit delete: %+v", ev)
		}
	})
}
