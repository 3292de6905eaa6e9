package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// RoutingRules lists the rules by priority (routing:read).
func (a *App) RoutingRules(ctx context.Context, actor ally.Actor) ([]*ally.RoutingRule, error) {
	return nil, errNotBuilt
}

// RoutingRule returns one rule (routing:read).
func (a *App) RoutingRule(ctx context.Context, actor ally.Actor, id string) (*ally.RoutingRule, error) {
	return nil, errNotBuilt
}

// CreateRoutingRule adds a rule (routing:write); partners it names must exist.
func (a *App) CreateRoutingRule(ctx context.Context, actor ally.Actor, f ally.RoutingRuleFields) (*ally.RoutingRule, error) {
	return nil, errNotBuilt
}

// UpdateRoutingRule changes a rule (routing:write).
func (a *App) UpdateRoutingRule(ctx context.Context, actor ally.Actor, id string, f ally.RoutingRuleFields, ifVersion *int64) (*ally.RoutingRule, error) {
	return nil, errNotBuilt
}

// DeleteRoutingRule removes a rule (routing:write).
func (a *App) DeleteRoutingRule(ctx context.Context, actor ally.Actor, id string) error {
	return errNotBuilt
}

// DryRunRouting says where a lead would go now and why, changing nothing
// (routing:read): caps and round-robin turns are read, not taken.
func (a *App) DryRunRouting(ctx context.Context, actor ally.Actor, in ally.LeadInput) (*ally.RoutingDecision, error) {
	return nil, errNotBuilt
}
