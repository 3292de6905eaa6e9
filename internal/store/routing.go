package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// Routing rules are few (tens) and read whole, by priority, for every
// routing; their counters live in routing_counts.go.

// CreateRoutingRule inserts r, with version 1 when r.Version is zero. An
// unknown target partner is ECodeInvalid.
func (t *tx) CreateRoutingRule(ctx context.Context, r *ally.RoutingRule) error {
	if r.Version == 0 {
		r.Version = 1
	}
	cols, err := ruleValues(r)
	if err != nil {
		return fmt.Errorf("store: create routing rule: %w", err)
	}
	args := append(append([]any{r.ID, r.Version}, cols...), millis(r.CreatedAt))
	_, err = t.q.ExecContext(ctx, `INSERT INTO routing_rules (id, version, name, priority, enabled,
		conditions, mode, partner_id, weights, daily_cap, monthly_cap, cursor, updated_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, args...)
	if err != nil {
		return wrapUnlessDomain("create routing rule", badRef(constraintError(err, nil), errNoPartner))
	}
	return nil
}

// UpdateRoutingRule writes every field of r but created_at if the stored
// version is r.Version, then increments r.Version.
func (t *tx) UpdateRoutingRule(ctx context.Context, r *ally.RoutingRule) error {
	cols, err := ruleValues(r)
	if err != nil {
		return fmt.Errorf("store: update routing rule: %w", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE routing_rules SET name = $3, priority = $4,
		enabled = $5, conditions = $6, mode = $7, partner_id = $8, weights = $9, daily_cap = $10,
		monthly_cap = $11, cursor = $12, updated_at = $13, version = version + 1
		WHERE id = $1 AND version = $2`, append([]any{r.ID, r.Version}, cols...)...)
	err = badRef(constraintError(err, nil), errNoPartner)
	if err == nil {
		err = t.checkVersioned(ctx, res, "routing_rules", r.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update routing rule", err)
	}
	r.Version++
	return nil
}

// ruleValues returns $3 … $13 of the insert and update.
func ruleValues(r *ally.RoutingRule) ([]any, error) {
	conds, err := json.Marshal(r.Conditions)
	if err != nil {
		return nil, fmt.Errorf("encode rule %s conditions: %w", r.ID, err)
	}
	weights, err := json.Marshal(r.Weights)
	if err != nil {
		return nil, fmt.Errorf("encode rule %s weights: %w", r.ID, err)
	}
	return []any{r.Name, r.Priority, r.Enabled, string(conds), string(r.Mode), nullIfEmpty(r.PartnerID),
		string(weights), r.DailyCap, r.MonthlyCap, r.Cursor, millis(r.UpdatedAt)}, nil
}

// DeleteRoutingRule removes the rule and its counters; an unknown id is
// ally.ErrNotFound.
func (t *tx) DeleteRoutingRule(ctx context.Context, id string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM rule_counts WHERE rule_id = $1`, id); err != nil {
		return fmt.Errorf("store: delete rule counts: %w", err)
	}
	return execOne(ctx, t.q, "delete routing rule", `DELETE FROM routing_rules WHERE id = $1`, id)
}

// SetRuleCursor records a round-robin rule's last pick. It is routing's
// bookkeeping, not an edit: the version stays, so an open editor is not stale.
func (t *tx) SetRuleCursor(ctx context.Context, ruleID, partnerID string) error {
	return t.laterOne(ctx, "set rule cursor", `UPDATE routing_rules SET cursor = $2 WHERE id = $1`, ruleID, partnerID)
}

// LockRoutingRules returns every rule, like FindRoutingRules, and on
// PostgreSQL locks, in the same statement, the enabled rules that keep
// turns or counts (round-robin, weighted, capped) until the transaction
// ends, in (priority, id) order, reading their cursors under the lock: two
// transactions placing leads by such a rule take turns instead of both
// taking the same turn, and every placing transaction holds this lock
// before any cap counter's. On SQLite the one writer already serializes
// transactions: it is FindRoutingRules.
func (t *tx) LockRoutingRules(ctx context.Context) ([]*ally.RoutingRule, error) {
	return findAll(ctx, t.queries, t.lockRulesQuery(), nil, scanRule, "lock routing rules")
}

// LockRoutingSetup is LockRoutingRules and FindSubscriptions together,
// what a routed intake reads first: on PostgreSQL in one round trip.
func (t *tx) LockRoutingSetup(ctx context.Context) ([]*ally.RoutingRule, []*ally.Subscription, error) {
	rules, subs := []*ally.RoutingRule{}, []*ally.Subscription{}
	err := t.readTogether(ctx, "lock routing setup",
		read{t.lockRulesQuery(), collect(&rules, scanRule)},
		read{subscriptionsSQL, collect(&subs, scanSubscription)})
	if err != nil {
		return nil, nil, err
	}
	return rules, subs, nil
}

// lockRulesQuery is the rules read that locks on PostgreSQL; SQLite's one
// writer needs no lock, so there it is FindRoutingRules' query.
func (t *tx) lockRulesQuery() string {
	if t.engine == EnginePostgres {
		return lockRulesSQL
	}
	return rulesSQL
}

// lockRulesSQL locks in a CTE of its own, materialized so it runs whole,
// and takes the locked rows' cursors: after waiting for a lock, only the
// locked rows are read as they are now (the outer scan keeps the
// statement's start).
var lockRulesSQL = `WITH turns AS MATERIALIZED (SELECT id, cursor FROM routing_rules
	WHERE enabled AND (mode <> '` + string(ally.RouteToPartner) + `' OR daily_cap > 0 OR monthly_cap > 0)
	ORDER BY priority, id FOR UPDATE)
	SELECT r.id, r.name, r.priority, r.enabled, r.conditions, r.mode, r.partner_id, r.weights,
	r.daily_cap, r.monthly_cap, COALESCE(t.cursor, r.cursor), r.created_at, r.updated_at, r.version
	FROM routing_rules r LEFT JOIN turns t ON t.id = r.id ORDER BY r.priority, r.id`

const ruleSelect = `SELECT id, name, priority, enabled, conditions, mode, partner_id, weights,
	daily_cap, monthly_cap, cursor, created_at, updated_at, version FROM routing_rules`

func scanRule(s scanner) (*ally.RoutingRule, error) {
	var r ally.RoutingRule
	var conds, mode, weights string
	var partner sql.NullString
	var created, updated sql.NullInt64
	if err := s.Scan(&r.ID, &r.Name, &r.Priority, &r.Enabled, &conds, &mode, &partner, &weights,
		&r.DailyCap, &r.MonthlyCap, &r.Cursor, &created, &updated, &r.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(conds), &r.Conditions); err != nil {
		return nil, fmt.Errorf("decode rule %s conditions: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(weights), &r.Weights); err != nil {
		return nil, fmt.Errorf("decode rule %s weights: %w", r.ID, err)
	}
	r.Mode, r.PartnerID = ally.RoutingMode(mode), partner.String
	r.CreatedAt, r.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &r, nil
}

// FindRoutingRules returns every rule by priority, then id (ix_routing_rules_order).
func (q queries) FindRoutingRules(ctx context.Context) ([]*ally.RoutingRule, error) {
	return findAll(ctx, q, rulesSQL, nil, scanRule, "find routing rules")
}

const rulesSQL = ruleSelect + ` ORDER BY priority, id`

// FindRoutingRuleByID returns the rule with id, or ally.ErrNotFound.
func (q queries) FindRoutingRuleByID(ctx context.Context, id string) (*ally.RoutingRule, error) {
	return findOne(q.queryRow(ctx, ruleSelect+` WHERE id = $1`, id), scanRule, "find routing rule")
}
