package app

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// A routing explanation names every partner a rule considered. Staff who
// see only some partners (managers, viewers) must not learn the others
// from it, whatever front door asks: every call that hands out a lead's
// Routing or a dry run's decision gives them a copy where the partners
// they do not see are left out of the candidates (counted in Hidden), a
// hidden chosen partner is hiddenPartner, and the hidden partners' names
// and ids are taken out of every reason and rule name. Partner users get
// no explanation at all. Admins, owners, API keys and the system read it
// whole.

// hiddenPartner stands in for a partner the reader may not see.
const hiddenPartner = "a partner you do not see"

// hiddenRuleReason replaces, for a restricted reader, the reason of a rule
// that matched but placed nothing when the trace is full: the partner it
// names may be one the trace had no room for, so nothing says whether the
// reader may see it.
const hiddenRuleReason = "matched, but could not place the lead"

// leadsShownTo readies leads for actor: the routing explanation whole for
// those who see every partner, none for anyone but staff, and for
// restricted staff a redacted copy; a lead of a partner they do not see
// (one they created, routed elsewhere) shows hiddenPartner as its
// partner. The partners they see among everything the leads name (a whole
// page of a list at once) are read in one query, none when no lead carries
// an explanation.
func leadsShownTo(ctx context.Context, r ally.Reader, actor ally.Actor, ls ...*ally.Lead) error {
	switch {
	case actor.SeesAllPartners():
		return nil
	case actor.Kind != ally.ActorStaff:
		for _, l := range ls {
			l.Routing = nil
		}
		return nil
	}
	var ids []string
	for _, l := range ls {
		if l.Routing != nil {
			ids = append(ids, routingPartnerIDs(l.Routing)...)
			if l.PartnerID != "" {
				ids = append(ids, l.PartnerID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	seen, err := r.FindVisiblePartnerIDs(ctx, actor.ID, slices.Compact(ids))
	if err != nil {
		return err
	}
	visible := make(map[string]bool, len(seen))
	for _, id := range seen {
		visible[id] = true
	}
	for _, l := range ls {
		if l.Routing == nil {
			continue
		}
		l.Routing = redactRouting(l.Routing, visible)
		if l.PartnerID != "" && !visible[l.PartnerID] {
			l.PartnerID, l.PartnerName = "", hiddenPartner
		}
	}
	return nil
}

// shownLead is l as actor may read it (leadsShownTo).
func shownLead(ctx context.Context, r ally.Reader, actor ally.Actor, l *ally.Lead) (*ally.Lead, error) {
	if err := leadsShownTo(ctx, r, actor, l); err != nil {
		return nil, err
	}
	return l, nil
}

// routingPartnerIDs lists the partners d names: the chosen one and every
// candidate.
func routingPartnerIDs(d *ally.RoutingDecision) []string {
	var ids []string
	if d.PartnerID != "" {
		ids = append(ids, d.PartnerID)
	}
	for _, c := range d.Candidates {
		if c.PartnerID != "" {
			ids = append(ids, c.PartnerID)
		}
	}
	return ids
}

// redactRouting copies d without the partners outside visible.
func redactRouting(d *ally.RoutingDecision, visible map[string]bool) *ally.RoutingDecision {
	out := *d
	out.Candidates = nil
	// Every partner named, hidden ones to be replaced and visible ones to
	// be kept as they are (so "Acme" hidden leaves "Acme Two" whole).
	names := map[string]bool{} // name or id -> hidden
	// note records a partner's id and name and says whether it is hidden.
	note := func(id, name string) bool {
		hidden := !visible[id]
		for _, s := range []string{id, name} {
			if s != "" {
				names[s] = names[s] || hidden // a name both hidden and shown goes
			}
		}
		return hidden
	}
	for _, c := range d.Candidates {
		if note(c.PartnerID, c.PartnerName) {
			out.Hidden++
			continue
		}
		out.Candidates = append(out.Candidates, c)
	}
	if d.PartnerID != "" && note(d.PartnerID, d.PartnerName) {
		out.PartnerID, out.PartnerName = "", hiddenPartner
	}
	scrub := scrubber(names)
	out.Reason, out.RuleName = scrub(d.Reason), scrub(d.RuleName)
	full := len(d.Candidates) >= ally.MaxTraceLength
	if d.Rules != nil {
		out.Rules = make([]ally.RuleTrace, len(d.Rules))
		for i, rt := range d.Rules {
			rt.RuleName, rt.Reason = scrub(rt.RuleName), scrub(rt.Reason)
			if full && rt.Matched && !(d.Outcome == ally.RoutedByRule && rt.RuleID == d.RuleID) {
				rt.Reason = hiddenRuleReason
			}
			out.Rules[i] = rt
		}
	}
	for i := range out.Candidates {
		out.Candidates[i].Reason = scrub(out.Candidates[i].Reason)
	}
	return &out
}

// scrubber returns a function that replaces every hidden name in a text
// with hiddenPartner, in one pass: at each place the longest name that
// matches wins, a visible one staying as it is.
func scrubber(names map[string]bool) func(string) string {
	keys := slices.SortedFunc(maps.Keys(names), func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	pairs := make([]string, 0, 2*len(keys))
	anyHidden := false
	for _, k := range keys {
		with := k
		if names[k] {
			with, anyHidden = hiddenPartner, true
		}
		pairs = append(pairs, k, with)
	}
	if !anyHidden {
		return func(s string) string { return s }
	}
	return strings.NewReplacer(pairs...).Replace
}
