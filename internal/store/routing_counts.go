package store

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/allyprm/ally/internal/ally"
)

// Counters for routing: what each partner received per UTC day and month
// (lead_counts, for the caps) and what each rule gave each partner
// (rule_counts, for weighted shares). Routing reads them, decides a whole
// batch of leads, then adds what it gave in one statement per table.

// FindLeadCounts returns the partners' counts for day and month; a partner
// with neither is left out of the map.
func (q queries) FindLeadCounts(ctx context.Context, partnerIDs []string, day, month string) (map[string]ally.LeadCount, error) {
	return q.leadCounts(ctx, partnerIDs, day, month, "")
}

// LockLeadCounts is FindLeadCounts that, on PostgreSQL, also locks the
// partners' counter rows until the transaction ends: two nodes routing at
// once then take turns per partner, so neither can give a partner a lead
// past its cap. Rows that do not exist yet are made first (at 0), so
// there is a row to lock; both statements go in (partner, period) order,
// so two transactions wanting overlapping partners wait for each other
// instead of deadlocking. On SQLite the one writer connection already
// serializes every transaction, so it only reads.
func (t *tx) LockLeadCounts(ctx context.Context, partnerIDs []string, day, month string) (map[string]ally.LeadCount, error) {
	if t.engine != EnginePostgres || len(partnerIDs) == 0 {
		return t.leadCounts(ctx, partnerIDs, day, month, "")
	}
	ids := slices.Sorted(slices.Values(partnerIDs))
	ids = slices.Compact(ids)
	var partners, periods []string
	first, second := min(day, month), max(day, month)
	for _, id := range ids {
		partners, periods = append(partners, id, id), append(periods, first, second)
	}
	if _, err := t.q.ExecContext(ctx, `INSERT INTO lead_counts (partner_id, period)
		SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, partners, periods); err != nil {
		return nil, fmt.Errorf("store: lock lead counts: %w", err)
	}
	return t.leadCounts(ctx, ids, day, month, " ORDER BY partner_id, period FOR UPDATE")
}

func (q queries) leadCounts(ctx context.Context, partnerIDs []string, day, month, suffix string) (map[string]ally.LeadCount, error) {
	out := map[string]ally.LeadCount{}
	if len(partnerIDs) == 0 {
		return out, nil
	}
	var w where
	w.add(inList(q.engine, &w, "partner_id", partnerIDs))
	w.add("period IN (" + w.arg(day) + ", " + w.arg(month) + ")")
	rows, err := q.query(ctx, `SELECT partner_id, period, n FROM lead_counts`+w.clause()+suffix, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: lead counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, period string
		var n int
		if err := rows.Scan(&id, &period, &n); err != nil {
			return nil, fmt.Errorf("store: lead counts: %w", err)
		}
		c := out[id]
		if period == day {
			c.Day = n
		} else {
			c.Month = n
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: lead counts: %w", err)
	}
	// Rows LockLeadCounts made and nothing counted yet are no counts.
	maps.DeleteFunc(out, func(_ string, c ally.LeadCount) bool { return c == ally.LeadCount{} })
	return out, nil
}

var (
	leadCountAdd = newBatchInsert("lead_counts",
		" ON CONFLICT (partner_id, period) DO UPDATE SET n = lead_counts.n + excluded.n",
		"partner_id text", "period text", "n bigint")
	ruleCountAdd = newBatchInsert("rule_counts",
		" ON CONFLICT (rule_id, partner_id) DO UPDATE SET n = rule_counts.n + excluded.n",
		"rule_id text", "partner_id text", "n bigint")
)

// AddLeadCounts adds n[partner] to the partner's day and month counters,
// in one statement, partners in id order (as LockLeadCounts locks them).
func (t *tx) AddLeadCounts(ctx context.Context, day, month string, n map[string]int) error {
	ids := nonZero(n)
	return t.insertMany(ctx, leadCountAdd, 2*len(ids), func(i int, dst []any) ([]any, error) {
		period := min(day, month)
		if i%2 == 1 {
			period = max(day, month)
		}
		return append(dst, ids[i/2], period, int64(n[ids[i/2]])), nil
	}, func(err error) error {
		return fmt.Errorf("store: add lead counts: %w", err)
	})
}

// AddRuleCounts adds n[partner] to the partner's count under the rule.
func (t *tx) AddRuleCounts(ctx context.Context, ruleID string, n map[string]int) error {
	ids := nonZero(n)
	return t.insertMany(ctx, ruleCountAdd, len(ids), func(i int, dst []any) ([]any, error) {
		return append(dst, ruleID, ids[i], int64(n[ids[i]])), nil
	}, func(err error) error {
		return fmt.Errorf("store: add rule counts: %w", err)
	})
}

// nonZero returns the keys of n whose value is not 0, sorted.
func nonZero(n map[string]int) []string {
	var ids []string
	for id, v := range n {
		if v != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// FindRuleCounts returns how many leads the rule gave each of the
// partners (every partner the rule gave any, when partnerIDs is empty).
func (q queries) FindRuleCounts(ctx context.Context, ruleID string, partnerIDs []string) (map[string]int64, error) {
	var w where
	w.add("rule_id = " + w.arg(ruleID))
	if len(partnerIDs) > 0 {
		w.add(inList(q.engine, &w, "partner_id", partnerIDs))
	}
	rows, err := q.query(ctx, `SELECT partner_id, n FROM rule_counts`+w.clause(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: find rule counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: find rule counts: %w", err)
		}
		if n != 0 {
			out[id] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find rule counts: %w", err)
	}
	return out, nil
}
