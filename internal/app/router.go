package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// router places leads inside one transaction. It reads the rules once,
// keeps the partners, counts and round-robin turns it has seen, and writes
// the counter increments and cursors in flush, so an import batch of
// thousands of leads costs a few statements, not a few per lead. A dry
// router (for the rules editor) reads but never takes a turn or a count.
type router struct {
	a     *App
	r     ally.Reader
	tx    ally.Tx // nil in a dry router
	rules []*ally.RoutingRule

	partners map[string]*ally.RoutingCandidate // every partner seen, by id
	rings    map[string]*ring                  // round-robin candidates, by rule
	cursors  map[string]string                 // round-robin turns taken, by rule
	caps     capCounts
	// ruleCounts holds what each weighted rule gave each partner, taken
	// ones included; ruleTaken only what this router took (for flush).
	ruleCounts map[string]map[string]int64
	ruleTaken  map[string]map[string]int
}

// newRouter starts a router over r, which must be the transaction unless
// dry (then any reader: the store, or a transaction). It reads nothing yet.
func (a *App) newRouter(ctx context.Context, r ally.Reader, dry bool) (*router, error) {
	rt := &router{a: a, r: r, partners: map[string]*ally.RoutingCandidate{}, rings: map[string]*ring{},
		cursors: map[string]string{}, caps: newCapCounts(),
		ruleCounts: map[string]map[string]int64{}, ruleTaken: map[string]map[string]int{}}
	if !dry {
		tx, ok := r.(ally.Tx)
		if !ok {
			return nil, errors.New("app: a writing router needs a transaction")
		}
		rt.tx = tx
	}
	return rt, nil
}

// loadRules reads the enabled rules on first use: a router that only
// assigns (partnerId on intake, staff by hand) never needs them. A
// writing router locks the rules that keep turns or counts as it reads
// (on PostgreSQL, until commit): two intakes at once would otherwise both
// read the same round-robin turn and give two leads to one partner, and
// since this comes before any cap counter's lock, no transaction can hold
// a counter another waits for while it waits for the rules.
func (rt *router) loadRules(ctx context.Context) error {
	if rt.rules != nil {
		return nil
	}
	read := rt.r.FindRoutingRules
	if rt.tx != nil {
		read = rt.tx.LockRoutingRules
	}
	rules, err := read(ctx)
	if err != nil {
		return err
	}
	rt.setRules(rules)
	return nil
}

// setRules gives the router the rules (read with the lock, when writing:
// see loadRules); it keeps the enabled ones.
func (rt *router) setRules(rules []*ally.RoutingRule) {
	rt.rules = []*ally.RoutingRule{}
	for _, rule := range rules {
		if rule.Enabled {
			rt.rules = append(rt.rules, rule)
		}
	}
}

// route places l by the rules: on success it sets l.PartnerID, PartnerName,
// AssignedAt and l.Routing (outcome assigned); when no rule can place it,
// l stays unassigned with l.Routing explaining every rule tried.
func (rt *router) route(ctx context.Context, l *ally.Lead) error {
	if err := rt.loadRules(ctx); err != nil {
		return err
	}
	d := &ally.RoutingDecision{At: rt.a.clock()}
	var unplaced []ally.CandidateTrace
	matched := 0
	for _, rule := range rt.rules {
		trace := ally.RuleTrace{RuleID: rule.ID, RuleName: rule.Name}
		ok, why := rule.Conditions.MatchLead(l)
		if !ok {
			trace.Reason = why
			d.Rules = appendTrace(d.Rules, trace)
			continue
		}
		matched++
		trace.Matched = true
		p, err := rt.place(ctx, rule, l)
		if err != nil {
			return err
		}
		if p.chosen == nil {
			trace.Reason = p.failure
			d.Rules = appendTrace(d.Rules, trace)
			unplaced = appendTrace(unplaced, p.candidates...)
			continue
		}
		trace.Reason = "placed the lead with " + p.chosen.Name
		d.Rules = appendTrace(d.Rules, trace)
		d.Outcome, d.RuleID, d.RuleName, d.Mode = ally.RoutedByRule, rule.ID, rule.Name, rule.Mode
		// The partners earlier rules could not use come first: they say
		// why the lead came this far down.
		unplaced = unplaced[:min(len(unplaced), ally.MaxTraceLength-len(p.candidates))]
		d.PartnerID, d.PartnerName, d.Reason = p.chosen.ID, p.chosen.Name, p.reason
		d.Candidates = append(unplaced, p.candidates...)
		rt.take(l, p.chosen, d)
		return nil
	}
	d.Outcome, d.Candidates = ally.RoutedNowhere, unplaced
	switch {
	case len(rt.rules) == 0:
		d.Reason = "No routing rule is enabled, so the lead waits in the unassigned queue."
	case matched == 0:
		d.Reason = "No rule's conditions match this lead, so it waits in the unassigned queue."
	default:
		d.Reason = fmt.Sprintf("%s matched, but no partner could take the lead, so it waits in the unassigned queue.",
			plural(matched, "rule"))
	}
	l.PartnerID, l.PartnerName, l.AssignedAt, l.Routing = "", "", time.Time{}, d
	return nil
}

// assign gives l to partnerID directly (partnerId on intake, or staff by
// hand), with outcome and by for the explanation; the partner must exist
// and not be archived. It counts towards the partner's caps but is never
// refused by them.
func (rt *router) assign(ctx context.Context, l *ally.Lead, partnerID, outcome, by string) error {
	cs, err := rt.candidates(ctx, []string{partnerID})
	if err != nil {
		return err
	}
	var v ally.Validator
	p := cs[partnerID]
	switch {
	case p == nil:
		v.Add("partnerId", "no partner %q", partnerID)
	case p.Status == ally.StatusArchived:
		v.Add("partnerId", "partner %s is archived; restore it before giving it leads", p.Name)
	}
	if err := v.Err(); err != nil {
		return err
	}
	d := &ally.RoutingDecision{At: rt.a.clock(), Outcome: outcome, PartnerID: p.ID, PartnerName: p.Name, By: by}
	if outcome == ally.RoutedDirect {
		d.Reason = "The lead named its partner (partnerId on intake): " + p.Name + "."
	} else {
		d.Reason = "Assigned by hand to " + p.Name + " by " + by + "."
	}
	rt.take(l, p, d)
	return nil
}

// take gives l to p and counts it towards p's caps.
func (rt *router) take(l *ally.Lead, p *ally.RoutingCandidate, d *ally.RoutingDecision) {
	l.PartnerID, l.PartnerName, l.AssignedAt, l.Routing = p.ID, p.Name, d.At, d
	day, month := ally.CountPeriods(l.ReceivedAt)
	rt.caps.take(p.ID, day, month)
	if d.Outcome != ally.RoutedByRule {
		return
	}
	switch d.Mode {
	case ally.RouteRoundRobin:
		rt.cursors[d.RuleID] = p.ID
	case ally.RouteWeighted:
		if rt.ruleTaken[d.RuleID] == nil {
			rt.ruleTaken[d.RuleID] = map[string]int{}
		}
		rt.ruleTaken[d.RuleID][p.ID]++
		rt.ruleCounts[d.RuleID][p.ID]++
	}
}

// flush writes the counts and round-robin cursors taken so far in tx.
// Calling it again writes only what was taken since.
func (rt *router) flush(ctx context.Context, tx ally.Tx) error {
	if err := rt.caps.flush(ctx, tx); err != nil {
		return err
	}
	for ruleID, n := range rt.ruleTaken {
		if err := tx.AddRuleCounts(ctx, ruleID, n); err != nil {
			return err
		}
	}
	clear(rt.ruleTaken)
	for _, rule := range rt.rules {
		if c, ok := rt.cursors[rule.ID]; ok && c != rule.Cursor {
			if err := tx.SetRuleCursor(ctx, rule.ID, c); err != nil {
				return err
			}
			rule.Cursor = c
		}
	}
	return nil
}

// candidates returns the named partners as routing sees them, reading the
// ones this router has not seen yet in one query; unknown ids are absent.
func (rt *router) candidates(ctx context.Context, ids []string) (map[string]*ally.RoutingCandidate, error) {
	var missing []string
	for _, id := range ids {
		if _, ok := rt.partners[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		found, err := rt.r.FindRoutingCandidatesByID(ctx, missing)
		if err != nil {
			return nil, err
		}
		for _, id := range missing {
			rt.partners[id] = nil // remembered as unknown
		}
		for _, c := range found {
			rt.partners[c.ID] = c
		}
	}
	out := make(map[string]*ally.RoutingCandidate, len(ids))
	for _, id := range ids {
		if c := rt.partners[id]; c != nil {
			out[id] = c
		}
	}
	return out, nil
}

// appendTrace appends while the trace is shorter than ally.MaxTraceLength.
func appendTrace[T any](s []T, items ...T) []T {
	for _, it := range items {
		if len(s) >= ally.MaxTraceLength {
			break
		}
		s = append(s, it)
	}
	return s
}
