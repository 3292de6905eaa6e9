package app

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store/storetest"
)

func TestRedactRouting(t *testing.T) {
	at := time.Date(2026, 5, 14, 9, 30, 0, 0, time.UTC)
	cand := func(id, name string, chosen bool, reason string) ally.CandidateTrace {
		return ally.CandidateTrace{PartnerID: id, PartnerName: name, Chosen: chosen, Reason: reason}
	}
	full := func(chosen ally.CandidateTrace) []ally.CandidateTrace {
		var cs []ally.CandidateTrace
		for i := range ally.MaxTraceLength - 1 {
			cs = append(cs, cand(fmt.Sprintf("ptn_v%02d", i), fmt.Sprintf("Seen %02d", i), false, "at its cap"))
		}
		return append(cs, chosen)
	}
	for _, tc := range []struct {
		name    string
		visible []string
		in, out ally.RoutingDecision
	}{{
		name:    "every partner visible: unchanged",
		visible: []string{"ptn_a", "ptn_b"},
		in: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_1", RuleName: "Web", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Rule \"Web\" sends its leads to Acme.", Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: "Web", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: []ally.CandidateTrace{cand("ptn_b", "Bolt", false, "daily cap 1 reached"), cand("ptn_a", "Acme", true, "the rule's partner")}},
		out: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_1", RuleName: "Web", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Rule \"Web\" sends its leads to Acme.", Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: "Web", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: []ally.CandidateTrace{cand("ptn_b", "Bolt", false, "daily cap 1 reached"), cand("ptn_a", "Acme", true, "the rule's partner")}},
	}, {
		name: "hidden chosen partner",
		in: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_1", RuleName: "To Bolt", Mode: ally.RouteToPartner,
			PartnerID: "ptn_b", PartnerName: "Bolt", Reason: "Rule \"To Bolt\" sends its leads to Bolt.",
			Rules:      []ally.RuleTrace{{RuleID: "rule_1", RuleName: "To Bolt", Matched: true, Reason: "placed the lead with Bolt"}},
			Candidates: []ally.CandidateTrace{cand("ptn_b", "Bolt", true, "the rule's partner")}},
		out: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_1", RuleName: "To " + hiddenPartner, Mode: ally.RouteToPartner,
			PartnerName: hiddenPartner, Reason: "Rule \"To " + hiddenPartner + "\" sends its leads to " + hiddenPartner + ".",
			Rules:  []ally.RuleTrace{{RuleID: "rule_1", RuleName: "To " + hiddenPartner, Matched: true, Reason: "placed the lead with " + hiddenPartner}},
			Hidden: 1},
	}, {
		name:    "hidden candidates left out and counted",
		visible: []string{"ptn_a"},
		in: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_2", RuleName: "Web", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Round-robin among 3 active partners in Web; Acme was next in turn (2 partners before it at their caps).",
			Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: "First", Matched: true, Reason: "Bolt: daily cap 1 reached (1 today)"},
				{RuleID: "rule_2", RuleName: "Web", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: []ally.CandidateTrace{cand("ptn_b", "Bolt", false, "daily cap 1 reached (1 today)"),
				cand("ptn_c", "Cobalt", false, "monthly cap 9 reached"), cand("ptn_a", "Acme", true, "next in turn")}},
		out: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_2", RuleName: "Web", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Round-robin among 3 active partners in Web; Acme was next in turn (2 partners before it at their caps).",
			Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: "First", Matched: true, Reason: hiddenPartner + ": daily cap 1 reached (1 today)"},
				{RuleID: "rule_2", RuleName: "Web", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: []ally.CandidateTrace{cand("ptn_a", "Acme", true, "next in turn")}, Hidden: 2},
	}, {
		name:    "names that contain other names",
		visible: []string{"ptn_a2"},
		in: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_3", RuleName: "Weighted", PartnerID: "ptn_a2", PartnerName: "Acme Two",
			Reason: "Weighted among 3 partners in Weighted; Acme Two had the fewest leads for its weight.",
			Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: "Acme Holdings first", Matched: true, Reason: "Acme Holdings: not active (dormant)"},
				{RuleID: "rule_2", RuleName: "Acme only", Matched: true, Reason: "Acme: archived"},
				{RuleID: "rule_3", RuleName: "Weighted", Matched: true, Reason: "placed the lead with Acme Two"}},
			Candidates: []ally.CandidateTrace{cand("ptn_ah", "Acme Holdings", false, "not active (dormant)"), cand("ptn_a", "Acme", false, "archived"),
				cand("ptn_a2", "Acme Two", true, "0 leads so far for weight 1: the lowest share")}},
		out: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_3", RuleName: "Weighted", PartnerID: "ptn_a2", PartnerName: "Acme Two",
			Reason: "Weighted among 3 partners in Weighted; Acme Two had the fewest leads for its weight.",
			Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: hiddenPartner + " first", Matched: true, Reason: hiddenPartner + ": not active (dormant)"},
				{RuleID: "rule_2", RuleName: hiddenPartner + " only", Matched: true, Reason: hiddenPartner + ": archived"},
				{RuleID: "rule_3", RuleName: "Weighted", Matched: true, Reason: "placed the lead with Acme Two"}},
			Candidates: []ally.CandidateTrace{cand("ptn_a2", "Acme Two", true, "0 leads so far for weight 1: the lowest share")}, Hidden: 2},
	}, {
		name:    "a hidden and a visible partner of the same name",
		visible: []string{"ptn_a"},
		in: ally.RoutingDecision{At: at, Outcome: ally.RoutedNowhere, Reason: "2 rules matched, but no partner could take the lead.",
			Rules:      []ally.RuleTrace{{RuleID: "rule_1", RuleName: "One", Matched: true, Reason: "Acme: archived"}},
			Candidates: []ally.CandidateTrace{cand("ptn_x", "Acme", false, "daily cap 1 reached"), cand("ptn_a", "Acme", false, "archived")}},
		out: ally.RoutingDecision{At: at, Outcome: ally.RoutedNowhere, Reason: "2 rules matched, but no partner could take the lead.",
			Rules:      []ally.RuleTrace{{RuleID: "rule_1", RuleName: "One", Matched: true, Reason: hiddenPartner + ": archived"}},
			Candidates: []ally.CandidateTrace{cand("ptn_a", "Acme", false, "archived")}, Hidden: 1},
	}, {
		name:    "ids in reasons",
		visible: []string{"ptn_a"},
		in: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_2", RuleName: "Fallback", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Rule \"Fallback\" sends its leads to Acme.",
			Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: "Overflow to ptn_gone", Matched: true, Reason: "its partner ptn_gone no longer exists"},
				{RuleID: "rule_2", RuleName: "Fallback", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: []ally.CandidateTrace{cand("ptn_gone", "ptn_gone", false, "no longer exists"),
				cand("ptn_b", "Bolt", false, "ptn_b is not in the rule's tiers"), cand("ptn_a", "Acme", true, "the rule's partner, after ptn_b and Bolt")}},
		out: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_2", RuleName: "Fallback", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Rule \"Fallback\" sends its leads to Acme.",
			Rules: []ally.RuleTrace{{RuleID: "rule_1", RuleName: "Overflow to " + hiddenPartner, Matched: true, Reason: "its partner " + hiddenPartner + " no longer exists"},
				{RuleID: "rule_2", RuleName: "Fallback", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: []ally.CandidateTrace{cand("ptn_a", "Acme", true, "the rule's partner, after "+hiddenPartner+" and "+hiddenPartner)}, Hidden: 2},
	}, {
		// A full trace may have dropped the partner a failed rule names, so
		// nothing says whether the reader may see it.
		name:    "a full trace: failed rules' reasons withheld",
		visible: visibleIDs(full(cand("ptn_a", "Acme", true, ""))),
		in: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_3", RuleName: "Last", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Rule \"Last\" sends its leads to Acme.",
			Rules: []ally.RuleTrace{{RuleID: "rule_0", RuleName: "Events", Reason: "source web is not event"},
				{RuleID: "rule_1", RuleName: "Round", Matched: true, Reason: "all 30 partners it could pick are at their caps"},
				{RuleID: "rule_2", RuleName: "To Dropped", Matched: true, Reason: "Dropped: daily cap 1 reached (1 today)"},
				{RuleID: "rule_3", RuleName: "Last", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: full(cand("ptn_a", "Acme", true, "the rule's partner"))},
		out: ally.RoutingDecision{At: at, Outcome: ally.RoutedByRule, RuleID: "rule_3", RuleName: "Last", PartnerID: "ptn_a", PartnerName: "Acme",
			Reason: "Rule \"Last\" sends its leads to Acme.",
			Rules: []ally.RuleTrace{{RuleID: "rule_0", RuleName: "Events", Reason: "source web is not event"},
				{RuleID: "rule_1", RuleName: "Round", Matched: true, Reason: hiddenRuleReason},
				{RuleID: "rule_2", RuleName: "To Dropped", Matched: true, Reason: hiddenRuleReason},
				{RuleID: "rule_3", RuleName: "Last", Matched: true, Reason: "placed the lead with Acme"}},
			Candidates: full(cand("ptn_a", "Acme", true, "the rule's partner"))},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			visible := map[string]bool{}
			for _, id := range tc.visible {
				visible[id] = true
			}
			before, _ := json.Marshal(tc.in)
			got := redactRouting(&tc.in, visible)
			if !reflect.DeepEqual(*got, tc.out) {
				g, _ := json.MarshalIndent(got, "", "  ")
				w, _ := json.MarshalIndent(tc.out, "", "  ")
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
			if after, _ := json.Marshal(tc.in); string(after) != string(before) {
				t.Errorf("the decision redacted was changed:\n%s\n%s", before, after)
			}
		})
	}
}

func visibleIDs(cs []ally.CandidateTrace) []string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.PartnerID)
	}
	return ids
}

// visibleReads counts the reads of the visible set: one per call at most.
type visibleReads struct {
	ally.Store
	n atomic.Int32
}

func (s *visibleReads) FindVisiblePartnerIDs(ctx context.Context, userID string, ids []string) ([]string, error) {
	s.n.Add(1)
	return s.Store.FindVisiblePartnerIDs(ctx, userID, ids)
}

// TestRoutingShownToManager: whatever a manager gets from the app (a lead
// read, created, assigned or moved on; a page of the list; the redaction of
// a dry run) names no partner outside her book, anywhere in the JSON, and
// costs one read of the visible set.
func TestRoutingShownToManager(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx, sys := context.Background(), ally.System("test")
			st := &visibleReads{Store: storetest.Open(t, engine)}
			a := New(st, WithClock(func() time.Time { return time.Date(2026, 5, 14, 9, 30, 0, 0, time.UTC) }))
			staff := func(email string, role ally.Role) ally.Actor {
				t.Helper()
				u, err := a.CreateUser(ctx, sys, ally.NewUser{Email: email, Role: role, Password: "long enough password"})
				if err != nil {
					t.Fatal(err)
				}
				return ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Label: u.Email, Role: u.Role}
			}
			ana, vic := staff("ana@vendor.example", ally.RoleManager), staff("vic@vendor.example", ally.RoleViewer)
			partner := func(name, owner string) *ally.Partner {
				t.Helper()
				f := ally.PartnerFields{Name: &name, Status: new(ally.StatusActive)}
				if owner != "" {
					f.OwnerID = &owner
				}
				p, _, err := a.CreatePartner(ctx, sys, f)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			acme, zeta := partner("Acme", ""), partner("Zeta Corp", "") // hers: neither
			two, mine := partner("Acme Two", ana.ID), partner("Mine Co", ana.ID)
			if err := a.Grant(ctx, sys, vic.ID, two.ID); err != nil {
				t.Fatal(err)
			}
			rule := func(f ally.RoutingRuleFields) {
				t.Helper()
				if _, err := a.CreateRoutingRule(ctx, sys, f); err != nil {
					t.Fatal(err)
				}
			}
			web := &ally.RuleConditions{Sources: []string{"web"}}
			rule(ally.RoutingRuleFields{Name: new("Events to Zeta Corp (" + zeta.ID + ")"), Priority: new(1),
				Conditions: &ally.RuleConditions{Sources: []string{"event"}}, Mode: new(ally.RouteToPartner), PartnerID: &zeta.ID})
			rule(ally.RoutingRuleFields{Name: new("Web to Acme"), Priority: new(2), Conditions: web,
				Mode: new(ally.RouteToPartner), PartnerID: &acme.ID, DailyCap: new(1)})
			rule(ally.RoutingRuleFields{Name: new("Web weighted"), Priority: new(3), Conditions: web,
				Mode: new(ally.RouteWeighted), Weights: &[]ally.RuleWeight{{PartnerID: two.ID, Weight: 1}, {PartnerID: zeta.ID, Weight: 1}}})
			n := 0
			input := func() ally.LeadInput {
				n++
				return ally.LeadInput{FirstName: "Ada", LastName: fmt.Sprint("Lovelace ", n), Email: fmt.Sprintf("ada%d@lead.example", n),
					Company: "Engines", Source: "web"}
			}
			lead := func(actor ally.Actor) *ally.Lead {
				t.Helper()
				l, err := a.CreateLead(ctx, actor, input())
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			if l := lead(sys); l.PartnerID != acme.ID { // Acme is at its cap from here on
				t.Fatalf("first lead: %s", l.PartnerName)
			}
			placed := lead(sys) // Acme Two, with Acme and Zeta Corp considered
			if placed.PartnerID != two.ID || len(placed.Routing.Candidates) != 3 {
				t.Fatalf("second lead: %+v", placed.Routing)
			}

			hidden := []string{acme.ID, "Acme", zeta.ID, "Zeta Corp"}
			seen := []string{two.ID, "Acme Two", mine.ID, "Mine Co"}
			// leaks fails when v's JSON names a hidden partner outside the
			// names of the partners she sees ("Acme Two" holds "Acme").
			leaks := func(what string, v any, reads int32) {
				t.Helper()
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				s := string(b)
				for _, name := range seen {
					s = strings.ReplaceAll(s, name, "")
				}
				for _, h := range hidden {
					if strings.Contains(s, h) {
						t.Errorf("%s names %q: %s", what, h, b)
					}
				}
				if got := st.n.Swap(0); got != reads {
					t.Errorf("%s: %d reads of the visible set, want %d", what, got, reads)
				}
			}
			st.n.Store(0)

			// The admin reads it whole, without a read: the check above would see it.
			whole, err := a.Lead(ctx, sys, placed.ID)
			if err != nil || whole.Routing.Hidden != 0 || len(whole.Routing.Candidates) != 3 {
				t.Fatalf("admin: %+v %v", whole, err)
			}
			if b, _ := json.Marshal(whole); !strings.Contains(string(b), "Zeta Corp") || st.n.Load() != 0 {
				t.Fatalf("admin's lead: %s, %d reads", b, st.n.Load())
			}

			got, err := a.Lead(ctx, ana, placed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d := got.Routing; d.Hidden != 2 || len(d.Candidates) != 1 || d.PartnerID != two.ID || d.Candidates[0].PartnerID != two.ID {
				t.Errorf("manager's explanation: %+v", d)
			}
			if r := got.Routing.Rules[1]; r.Reason != hiddenPartner+": daily cap 1 reached (1 today)" {
				t.Errorf("the capped rule: %+v", r)
			}
			leaks("Lead", got, 1)
			gotV, err := a.Lead(ctx, vic, placed.ID) // a viewer, granted the partner
			if err != nil || gotV.Routing.Hidden != 2 {
				t.Fatalf("viewer: %+v %v", gotV, err)
			}
			leaks("viewer's Lead", gotV, 1)

			moved, err := a.UpdateLeadStatus(ctx, ana, placed.ID, ally.LeadStatusUpdate{Status: ally.LeadAccepted}, nil)
			if err != nil || moved.Routing == nil || moved.Routing.Hidden != 2 {
				t.Fatalf("status: %+v %v", moved, err)
			}
			leaks("UpdateLeadStatus", moved, 1)

			page, err := a.Leads(ctx, ana, ally.LeadFilter{})
			if err != nil || len(page.Items) == 0 {
				t.Fatalf("list: %+v %v", page, err)
			}
			if l := page.Items[0]; l.ID != placed.ID || l.Routing == nil || l.Routing.Hidden != 2 {
				t.Errorf("listed: %+v", l.Routing)
			}
			leaks("Leads", page, 1) // the whole page

			// A dry run is for the vendor (routing:read): refused to her, and
			// what it returns is redacted as a lead's explanation is.
			_, err = a.DryRunRouting(ctx, ana, input())
			if ally.ErrorCode(err) != ally.ECodeForbidden {
				t.Fatalf("manager's dry run: %v", err)
			}
			dec, err := a.DryRunRouting(ctx, sys, input())
			if err != nil || dec.PartnerID != zeta.ID {
				t.Fatalf("dry run: %+v %v", dec, err)
			}
			st.n.Store(0)
			dry := &ally.Lead{Routing: dec}
			if err := leadsShownTo(ctx, a.store, ana, dry); err != nil {
				t.Fatal(err)
			}
			if dry.Routing.PartnerName != hiddenPartner || dry.Routing.Hidden != 2 {
				t.Errorf("dry run as she reads it: %+v", dry.Routing)
			}
			leaks("DryRunRouting", dry.Routing, 1)

			// Hers creates one that goes to Zeta Corp (Acme at its cap, Acme
			// Two ahead on its share): she learns neither.
			created := lead(ana)
			if created.PartnerID != "" || created.PartnerName != hiddenPartner || created.Routing.PartnerName != hiddenPartner ||
				created.Routing.Hidden != 2 || len(created.Routing.Candidates) != 1 {
				t.Errorf("created: %s %s %+v", created.PartnerID, created.PartnerName, created.Routing)
			}
			leaks("CreateLead", created, 1)

			assigned, err := a.AssignLead(ctx, ana, placed.ID, mine.ID, nil)
			if err != nil || assigned.Routing.PartnerID != mine.ID || assigned.Routing.Outcome != ally.RoutedByHand {
				t.Fatalf("assign: %+v %v", assigned, err)
			}
			leaks("AssignLead", assigned, 1)

			// A partner user is told nothing of routing.
			if err := leadsShownTo(ctx, a.store, ally.Actor{Kind: ally.ActorPartner, PartnerID: two.ID}, dry); err != nil || dry.Routing != nil {
				t.Errorf("partner user: %+v %v", dry.Routing, err)
			}
		})
	}
}
