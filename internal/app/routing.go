package app

import (
	"context"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// RoutingRules lists the rules by priority (routing:read).
func (a *App) RoutingRules(ctx context.Context, actor ally.Actor) ([]*ally.RoutingRule, error) {
	if err := require(actor, ally.ScopeRoutingRead); err != nil {
		return nil, err
	}
	return a.store.FindRoutingRules(ctx)
}

// RoutingRule returns one rule (routing:read).
func (a *App) RoutingRule(ctx context.Context, actor ally.Actor, id string) (*ally.RoutingRule, error) {
	if err := require(actor, ally.ScopeRoutingRead); err != nil {
		return nil, err
	}
	r, err := a.store.FindRoutingRuleByID(ctx, id)
	return r, notFound(err, "routing rule", id)
}

// CreateRoutingRule adds a rule (routing:write); partners it names must exist.
// A rule is enabled unless the fields say otherwise.
func (a *App) CreateRoutingRule(ctx context.Context, actor ally.Actor, f ally.RoutingRuleFields) (*ally.RoutingRule, error) {
	if err := require(actor, ally.ScopeRoutingWrite); err != nil {
		return nil, err
	}
	now := a.clock()
	r := &ally.RoutingRule{ID: ally.NewID(ally.PrefixRule), Enabled: true, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := applyRule(r, f); err != nil {
		return nil, err
	}
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := checkRuleRefs(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.CreateRoutingRule(ctx, r); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "routing_rule.create", "routing_rule", r.ID, "", ruleChanges(&ally.RoutingRule{}, r))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// UpdateRoutingRule changes a rule (routing:write).
func (a *App) UpdateRoutingRule(ctx context.Context, actor ally.Actor, id string, f ally.RoutingRuleFields, ifVersion *int64) (*ally.RoutingRule, error) {
	if err := require(actor, ally.ScopeRoutingWrite); err != nil {
		return nil, err
	}
	var after *ally.RoutingRule
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		before, err := tx.FindRoutingRuleByID(ctx, id)
		if err != nil {
			return notFound(err, "routing rule", id)
		}
		if err := checkVersion(ifVersion, before.Version); err != nil {
			return err
		}
		r := *before
		if err := applyRule(&r, f); err != nil {
			return err
		}
		diff := ruleChanges(before, &r)
		if len(diff) == 0 {
			after = before
			return nil
		}
		if err := checkRuleRefs(ctx, tx, &r); err != nil {
			return err
		}
		r.UpdatedAt = a.clock()
		if err := tx.UpdateRoutingRule(ctx, &r); err != nil {
			return err
		}
		after = &r
		return a.record(ctx, tx, actor, "routing_rule.update", "routing_rule", r.ID, "", diff)
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// DeleteRoutingRule removes a rule (routing:write).
func (a *App) DeleteRoutingRule(ctx context.Context, actor ally.Actor, id string) error {
	if err := require(actor, ally.ScopeRoutingWrite); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		r, err := tx.FindRoutingRuleByID(ctx, id)
		if err != nil {
			return notFound(err, "routing rule", id)
		}
		if err := tx.DeleteRoutingRule(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "routing_rule.delete", "routing_rule", id, "", ruleChanges(r, &ally.RoutingRule{}))
	})
}

// DryRunRouting says where a lead would go now and why, changing nothing
// (routing:read): caps and round-robin turns are read, not taken.
func (a *App) DryRunRouting(ctx context.Context, actor ally.Actor, in ally.LeadInput) (*ally.RoutingDecision, error) {
	if err := require(actor, ally.ScopeRoutingRead); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	l := ally.NewLead(&in, a.clock())
	rt, err := a.newRouter(ctx, a.store, true)
	if err != nil {
		return nil, err
	}
	if in.PartnerID != "" {
		err = rt.assign(ctx, l, in.PartnerID, ally.RoutedDirect, actor.Label)
	} else {
		err = rt.route(ctx, l)
	}
	if err != nil {
		return nil, err
	}
	if err := leadsShownTo(ctx, a.store, actor, l); err != nil {
		return nil, err
	}
	return l.Routing, nil
}

// applyRule applies f to r and checks the result. Fields of other modes
// are dropped, so a stored rule holds only what its mode uses.
func applyRule(r *ally.RoutingRule, f ally.RoutingRuleFields) error {
	f.Apply(r)
	if r.Mode != ally.RouteToPartner {
		r.PartnerID = ""
	}
	if r.Mode != ally.RouteWeighted {
		r.Weights = nil
	}
	return r.Validate()
}

// checkRuleRefs returns 422 naming each field whose partner or tier does not exist.
func checkRuleRefs(ctx context.Context, tx ally.Tx, r *ally.RoutingRule) error {
	var v ally.Validator
	ids := []string{}
	if r.PartnerID != "" {
		ids = append(ids, r.PartnerID)
	}
	for _, w := range r.Weights {
		ids = append(ids, w.PartnerID)
	}
	found, err := tx.FindRoutingCandidatesByID(ctx, ids)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, c := range found {
		have[c.ID] = true
	}
	if r.PartnerID != "" && !have[r.PartnerID] {
		v.Add("partnerId", "no partner %q", r.PartnerID)
	}
	for _, w := range r.Weights {
		if !have[w.PartnerID] {
			v.Add("weights", "no partner %q", w.PartnerID)
			break
		}
	}
	for _, id := range r.Conditions.TierIDs {
		_, err := tx.FindTierByID(ctx, id)
		if ally.IsNotFound(err) {
			v.Add("conditions.tierIds", "no tier %q", id)
			break
		}
		if err != nil {
			return err
		}
	}
	return v.Err()
}

// ruleChanges lists the fields that differ between two versions of a rule.
func ruleChanges(b, a *ally.RoutingRule) map[string]ally.Change {
	c := changes{}
	c.str("name", b.Name, a.Name)
	c.str("mode", string(b.Mode), string(a.Mode))
	c.str("partnerId", b.PartnerID, a.PartnerID)
	for _, f := range []struct {
		name          string
		before, after any
	}{
		{"priority", b.Priority, a.Priority}, {"enabled", b.Enabled, a.Enabled},
		{"conditions", b.Conditions, a.Conditions}, {"weights", b.Weights, a.Weights},
		{"dailyCap", b.DailyCap, a.DailyCap}, {"monthlyCap", b.MonthlyCap, a.MonthlyCap},
	} {
		// Printed, an empty list and a missing one read the same.
		if fmt.Sprint(f.before) != fmt.Sprint(f.after) {
			c.add(f.name, f.before, f.after)
		}
	}
	return c
}
