package app

import (
	"context"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// placement is what one rule did with a lead: the partner it chose and
// why, or why it could not place the lead, and the partners it considered.
type placement struct {
	chosen     *ally.RoutingCandidate
	reason     string
	failure    string
	candidates []ally.CandidateTrace
}

func (p *placement) skip(c *ally.RoutingCandidate, id, why string) {
	name := id
	if c != nil {
		id, name = c.ID, c.Name
	}
	p.candidates = appendTrace(p.candidates, ally.CandidateTrace{PartnerID: id, PartnerName: name, Reason: why})
}

// choose records c as the pick; a full trace gives up its last entry so
// the chosen partner always shows.
func (p *placement) choose(c *ally.RoutingCandidate, why string) {
	p.chosen = c
	if len(p.candidates) >= ally.MaxTraceLength {
		p.candidates = p.candidates[:ally.MaxTraceLength-1]
	}
	p.candidates = append(p.candidates, ally.CandidateTrace{PartnerID: c.ID, PartnerName: c.Name, Chosen: true, Reason: why})
}

// place asks one rule whose lead conditions hold to pick a partner for l.
func (rt *router) place(ctx context.Context, rule *ally.RoutingRule, l *ally.Lead) (placement, error) {
	switch rule.Mode {
	case ally.RouteToPartner:
		return rt.placeOne(ctx, rule, l)
	case ally.RouteRoundRobin:
		return rt.placeRoundRobin(ctx, rule, l)
	case ally.RouteWeighted:
		return rt.placeWeighted(ctx, rule, l)
	}
	return placement{failure: fmt.Sprintf("unknown mode %q", rule.Mode)}, nil
}

// unfit says why a partner a rule names cannot take its leads, before
// caps, or "" when it can.
func unfit(rule *ally.RoutingRule, c *ally.RoutingCandidate) string {
	switch {
	case c.Status == ally.StatusArchived:
		return "archived"
	case c.Status != ally.StatusActive:
		return "not active (" + string(c.Status) + ")"
	}
	_, why := rule.Conditions.MatchPartner(c)
	return why
}

func (rt *router) placeOne(ctx context.Context, rule *ally.RoutingRule, l *ally.Lead) (placement, error) {
	var p placement
	cs, err := rt.candidates(ctx, []string{rule.PartnerID})
	if err != nil {
		return p, err
	}
	c := cs[rule.PartnerID]
	if c == nil {
		p.skip(nil, rule.PartnerID, "no longer exists")
		p.failure = "its partner " + rule.PartnerID + " no longer exists"
		return p, nil
	}
	why := unfit(rule, c)
	if why == "" {
		if why, err = rt.capReason(ctx, rule, l, c); err != nil {
			return p, err
		}
	}
	if why != "" {
		p.skip(c, "", why)
		p.failure = c.Name + ": " + why
		return p, nil
	}
	p.choose(c, "the rule's partner")
	p.reason = fmt.Sprintf("Rule %q sends its leads to %s.", rule.Name, c.Name)
	return p, nil
}

func (rt *router) placeRoundRobin(ctx context.Context, rule *ally.RoutingRule, l *ally.Lead) (placement, error) {
	var p placement
	seen := 0
	total, err := rt.turns(ctx, rule, func(c *ally.RoutingCandidate) (bool, error) {
		seen++
		why, err := rt.capReason(ctx, rule, l, c)
		if err != nil || why != "" {
			p.skip(c, "", why)
			return false, err
		}
		p.choose(c, "next in turn")
		return true, nil
	})
	if err != nil {
		return p, err
	}
	if p.chosen == nil {
		p.failure = "no active partner matches its partner conditions"
		if seen > 0 {
			p.failure = fmt.Sprintf("all %s it could pick are at their caps", plural(seen, "partner"))
		}
		return p, nil
	}
	among := "the active partners"
	if total > 0 {
		among = plural(total, "active partner")
	}
	p.reason = fmt.Sprintf("Round-robin among %s in %s; %s was next in turn", among, rule.Name, p.chosen.Name)
	if seen > 1 {
		p.reason += fmt.Sprintf(" (%s before it at their caps)", plural(seen-1, "partner"))
	}
	p.reason += "."
	return p, nil
}

func (rt *router) placeWeighted(ctx context.Context, rule *ally.RoutingRule, l *ally.Lead) (placement, error) {
	var p placement
	ids := make([]string, len(rule.Weights))
	for i, w := range rule.Weights {
		ids[i] = w.PartnerID
	}
	cs, err := rt.candidates(ctx, ids)
	if err != nil {
		return p, err
	}
	given, err := rt.ruleCountsOf(ctx, rule.ID, ids)
	if err != nil {
		return p, err
	}
	why := make([]string, len(rule.Weights))
	var fit []string
	for i, w := range rule.Weights {
		why[i] = "no longer exists"
		if c := cs[w.PartnerID]; c != nil {
			why[i] = unfit(rule, c)
		}
		if why[i] == "" {
			fit = append(fit, w.PartnerID)
		}
	}
	if hasCaps(rule) {
		n, err := rt.peek(ctx, fit, l) // all at once; only the pick gets locked
		if err != nil {
			return p, err
		}
		for i, w := range rule.Weights {
			if why[i] == "" {
				why[i] = capped(rule, n[w.PartnerID])
			}
		}
	}
	best := -1
	for {
		if best = lowestShare(rule.Weights, why, given); best < 0 {
			break
		}
		if why[best], err = rt.capReason(ctx, rule, l, cs[rule.Weights[best].PartnerID]); err != nil {
			return p, err
		}
		if why[best] == "" {
			break
		}
	}
	share := func(w ally.RuleWeight) string {
		return fmt.Sprintf("%d leads so far for weight %d", given[w.PartnerID], w.Weight)
	}
	for i, w := range rule.Weights {
		c := cs[w.PartnerID]
		switch {
		case i == best:
			p.choose(c, share(w)+": the lowest share")
		case why[i] != "":
			p.skip(c, w.PartnerID, why[i])
		default:
			p.skip(c, "", share(w))
		}
	}
	if best < 0 {
		p.failure = fmt.Sprintf("none of its %s can take the lead", plural(len(ids), "partner"))
		return p, nil
	}
	p.reason = fmt.Sprintf("Weighted among %s in %s; %s had the fewest leads for its weight (%s).",
		plural(len(ids), "partner"), rule.Name, p.chosen.Name, share(rule.Weights[best]))
	return p, nil
}

// ruleCountsOf returns what the weighted rule gave each partner, read once
// per router and kept up to date as it takes.
func (rt *router) ruleCountsOf(ctx context.Context, ruleID string, ids []string) (map[string]int64, error) {
	if n, ok := rt.ruleCounts[ruleID]; ok {
		return n, nil
	}
	n, err := rt.r.FindRuleCounts(ctx, ruleID, ids)
	if err != nil {
		return nil, err
	}
	if n == nil {
		n = map[string]int64{}
	}
	rt.ruleCounts[ruleID] = n
	return n, nil
}

// lowestShare returns the index of the weight with the fewest leads per
// unit of weight among those with no reason against them (the earlier
// entry wins a tie), or -1.
func lowestShare(ws []ally.RuleWeight, why []string, given map[string]int64) int {
	best := -1
	for i, w := range ws {
		if why[i] == "" && (best < 0 || given[w.PartnerID]*int64(ws[best].Weight) < given[ws[best].PartnerID]*int64(w.Weight)) {
			best = i
		}
	}
	return best
}
