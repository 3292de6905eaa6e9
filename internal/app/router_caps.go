package app

import (
	"context"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// capCounts are the partners' day and month lead counts as a router knows
// them: read once per partner and period, plus what the router took since.
type capCounts struct {
	read       map[countKey]ally.LeadCount
	locked     map[countKey]bool // read under lock
	takenDay   map[countKey]int  // partner, day (and its month)
	takenMonth map[monthKey]int
}

type countKey struct{ partner, day, month string }
type monthKey struct{ partner, month string }

func newCapCounts() capCounts {
	return capCounts{read: map[countKey]ally.LeadCount{}, locked: map[countKey]bool{}, takenDay: map[countKey]int{}, takenMonth: map[monthKey]int{}}
}

func (c *capCounts) take(partnerID, day, month string) {
	c.takenDay[countKey{partnerID, day, month}]++
	c.takenMonth[monthKey{partnerID, month}]++
}

func (c *capCounts) current(partnerID, day, month string) ally.LeadCount {
	n := c.read[countKey{partnerID, day, month}]
	n.Day += c.takenDay[countKey{partnerID, day, month}]
	n.Month += c.takenMonth[monthKey{partnerID, month}]
	return n
}

// flush adds what was taken to the stored counters, one statement per day,
// and folds it into what the router read (the store now holds it too).
func (c *capCounts) flush(ctx context.Context, tx ally.Tx) error {
	days := map[[2]string]map[string]int{}
	for k, n := range c.takenDay {
		p := [2]string{k.day, k.month}
		if days[p] == nil {
			days[p] = map[string]int{}
		}
		days[p][k.partner] = n
	}
	for p, n := range days {
		if err := tx.AddLeadCounts(ctx, p[0], p[1], n); err != nil {
			return err
		}
	}
	for k, have := range c.read {
		have.Day += c.takenDay[k]
		have.Month += c.takenMonth[monthKey{k.partner, k.month}]
		c.read[k] = have
	}
	clear(c.takenDay)
	clear(c.takenMonth)
	return nil
}

// peek returns the partners' counts for the lead's day and month, reading
// the ones not known yet in one query, without locking anything.
func (rt *router) peek(ctx context.Context, ids []string, l *ally.Lead) (map[string]ally.LeadCount, error) {
	day, month := ally.CountPeriods(l.ReceivedAt)
	var missing []string
	for _, id := range ids {
		if _, ok := rt.caps.read[countKey{id, day, month}]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		got, err := rt.r.FindLeadCounts(ctx, missing, day, month)
		if err != nil {
			return nil, err
		}
		for _, id := range missing {
			rt.caps.read[countKey{id, day, month}] = got[id]
		}
	}
	out := make(map[string]ally.LeadCount, len(ids))
	for _, id := range ids {
		out[id] = rt.caps.current(id, day, month)
	}
	return out, nil
}

// lock reads a partner's counts again with its counter rows locked (on
// PostgreSQL, until the transaction ends), so a cap holds exactly across
// nodes. Once locked, what the router knows of the partner stays exact.
func (rt *router) lock(ctx context.Context, id string, l *ally.Lead) (ally.LeadCount, error) {
	day, month := ally.CountPeriods(l.ReceivedAt)
	k := countKey{id, day, month}
	if !rt.caps.locked[k] {
		got, err := rt.tx.LockLeadCounts(ctx, []string{id}, day, month)
		if err != nil {
			return ally.LeadCount{}, err
		}
		rt.caps.read[k], rt.caps.locked[k] = got[id], true
	}
	return rt.caps.current(id, day, month), nil
}

// capReason says why c may take no more of the rule's leads, or "" when it
// may. It looks without a lock first: counters only grow, so a partner seen
// at its cap is at it. One seen under its cap is locked and looked at again
// (another node may be giving it its last lead right now). A transaction
// thus locks only the partners it picks, and two transactions cannot each
// hold a lock the other waits for.
func (rt *router) capReason(ctx context.Context, rule *ally.RoutingRule, l *ally.Lead, c *ally.RoutingCandidate) (string, error) {
	if !hasCaps(rule) {
		return "", nil
	}
	n, err := rt.peek(ctx, []string{c.ID}, l)
	if err != nil {
		return "", err
	}
	if why := capped(rule, n[c.ID]); why != "" || rt.tx == nil {
		return why, nil
	}
	locked, err := rt.lock(ctx, c.ID, l)
	if err != nil {
		return "", err
	}
	return capped(rule, locked), nil
}

// capped says why a partner with count n may take no more leads under
// rule, or "" when it may (or the rule has no caps).
func capped(rule *ally.RoutingRule, n ally.LeadCount) string {
	if rule.DailyCap > 0 && n.Day >= rule.DailyCap {
		return fmt.Sprintf("daily cap %d reached (%d today)", rule.DailyCap, n.Day)
	}
	if rule.MonthlyCap > 0 && n.Month >= rule.MonthlyCap {
		return fmt.Sprintf("monthly cap %d reached (%d this month)", rule.MonthlyCap, n.Month)
	}
	return ""
}

func hasCaps(rule *ally.RoutingRule) bool { return rule.DailyCap > 0 || rule.MonthlyCap > 0 }
