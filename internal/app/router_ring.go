package app

import (
	"context"
	"slices"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// ring holds a round-robin rule's candidates as far as the router has read
// them: every active partner meeting the rule's partner conditions with an
// id above from, in id order, the tail not yet all read while more is set.
// Reading starts at the rule's cursor in pages that grow, so one lead reads
// one small page and an import batch the whole list in a few queries.
type ring struct {
	list []*ally.RoutingCandidate
	from string
	more bool
	page int
}

const (
	firstRingPage = 8
	maxRingPage   = 512
)

// turns calls visit with the rule's candidates in turn after its cursor,
// wrapping around to the start once, until visit says stop. It returns how
// many candidates the rule has when the router has read them all, else 0.
func (rt *router) turns(ctx context.Context, rule *ally.RoutingRule, visit func(*ally.RoutingCandidate) (bool, error)) (int, error) {
	cur, ok := rt.cursors[rule.ID]
	if !ok {
		cur = rule.Cursor
	}
	rg := rt.rings[rule.ID]
	if rg == nil {
		// The cursor only moves to partners read, so it never falls below from.
		rg = &ring{from: cur, more: true, page: firstRingPage}
		rt.rings[rule.ID] = rg
	}
	i, found := slices.BinarySearchFunc(rg.list, cur, byID)
	if found {
		i++
	}
	for {
		if i == len(rg.list) {
			if !rg.more {
				break
			}
			if err := rt.readTail(ctx, rule, rg); err != nil {
				return 0, err
			}
			continue
		}
		if stop, err := visit(rg.list[i]); stop || err != nil {
			return rg.total(), err
		}
		i++
	}
	if rg.from != "" {
		if err := rt.readHead(ctx, rule, rg); err != nil {
			return 0, err
		}
	}
	for _, c := range rg.list {
		if c.ID > cur {
			break
		}
		if stop, err := visit(c); stop || err != nil {
			return rg.total(), err
		}
	}
	return rg.total(), nil
}

func (rg *ring) total() int {
	if rg.from != "" || rg.more {
		return 0
	}
	return len(rg.list)
}

func byID(c *ally.RoutingCandidate, id string) int { return strings.Compare(c.ID, id) }

// readPage reads the next page of candidates after the given id.
func (rt *router) readPage(ctx context.Context, rule *ally.RoutingRule, rg *ring, after string) ([]*ally.RoutingCandidate, bool, error) {
	limit := rg.page
	rg.page = min(rg.page*2, maxRingPage)
	page, err := rt.r.FindRoutingCandidates(ctx, rule.Conditions, after, limit)
	if err != nil {
		return nil, false, err
	}
	for _, c := range page {
		rt.partners[c.ID] = c
	}
	return page, len(page) == limit, nil
}

// readTail reads the next page at the end of the list.
func (rt *router) readTail(ctx context.Context, rule *ally.RoutingRule, rg *ring) error {
	after := rg.from
	if n := len(rg.list); n > 0 {
		after = rg.list[n-1].ID
	}
	page, more, err := rt.readPage(ctx, rule, rg, after)
	rg.list, rg.more = append(rg.list, page...), more
	return err
}

// readHead reads the candidates from the start up to from, completing the ring.
func (rt *router) readHead(ctx context.Context, rule *ally.RoutingRule, rg *ring) error {
	var head []*ally.RoutingCandidate
	after := ""
	for {
		page, more, err := rt.readPage(ctx, rule, rg, after)
		if err != nil {
			return err
		}
		for _, c := range page {
			if c.ID > rg.from {
				more = false
				break
			}
			head = append(head, c)
		}
		if !more {
			break
		}
		after = page[len(page)-1].ID
	}
	rg.list, rg.from = append(head, rg.list...), ""
	return nil
}
