package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// candidateSelect reads partners as routing sees them.
const candidateSelect = `SELECT p.id, p.name, p.status, p.tier_id, p.categories FROM partners p`

// FindRoutingCandidates returns up to limit (default 50) active partners
// after the id after, in id order, that are in one of c's categories and
// tiers (an empty list is any). Without categories the page walks
// ix_partners_status's active range from after. With them, each category's
// range of partner_categories' primary key from after, in partner order,
// joined to its partners, and the pages are merged: a page costs about its
// own size however large the category. (Filtering the active range by
// "id IN (the category's partners)" read the whole category for every
// page: on 1,000 partners of one category, 677 µs a page against 16 µs.)
func (q queries) FindRoutingCandidates(ctx context.Context, c ally.RuleConditions, after string, limit int) ([]*ally.RoutingCandidate, error) {
	limit = pageLimit(limit)
	if len(c.Categories) == 0 {
		query, args := candidateQuery(q.engine, "", c.TierIDs, after, limit)
		return findAll(ctx, q, query, args, scanCandidate, "find routing candidates")
	}
	var out []*ally.RoutingCandidate
	for _, cat := range slices.Compact(slices.Sorted(slices.Values(c.Categories))) {
		query, args := candidateQuery(q.engine, cat, c.TierIDs, after, limit)
		page, err := findAll(ctx, q, query, args, scanCandidate, "find routing candidates")
		if err != nil {
			return nil, err
		}
		out = mergeCandidates(out, page, limit)
	}
	return out, nil
}

// candidateQuery is one page of active partners after the id after, in
// category (any when ""), in one of tiers (any when empty).
//
// In the category's query, CROSS JOIN keeps SQLite's loop order as
// written: the category's range outside, so ORDER BY follows its primary
// key. (PostgreSQL plans a CROSS JOIN like any join.)
//
// The LIMIT is a literal, not a parameter: SQLite reads a bound LIMIT
// while planning, so it compiles the statement again each time it is
// bound. Page sizes are few (the router doubles from 8 to 512).
func candidateQuery(engine, category string, tiers []string, after string, limit int) (string, []any) {
	var w where
	from, order := candidateSelect, " ORDER BY p.id"
	if category != "" {
		from = `SELECT p.id, p.name, p.status, p.tier_id, p.categories
			FROM partner_categories pc CROSS JOIN partners p`
		order = " ORDER BY pc.partner_id"
		w.add("pc.category = " + w.arg(category))
		if after != "" {
			w.add("pc.partner_id > " + w.arg(after))
		}
		w.add("p.id = pc.partner_id")
	} else if after != "" {
		w.add("p.id > " + w.arg(after))
	}
	w.add("p.status = " + w.arg(string(ally.StatusActive)))
	if len(tiers) > 0 {
		w.add(inList(engine, &w, "p.tier_id", tiers))
	}
	return from + w.clause() + order + " LIMIT " + strconv.Itoa(limit), w.args
}

// mergeCandidates merges two pages in id order into one of at most limit
// partners, each once (a partner in two of the categories is in both).
func mergeCandidates(a, b []*ally.RoutingCandidate, limit int) []*ally.RoutingCandidate {
	out := slices.SortedFunc(slices.Values(append(a, b...)), func(x, y *ally.RoutingCandidate) int {
		return strings.Compare(x.ID, y.ID)
	})
	out = slices.CompactFunc(out, func(x, y *ally.RoutingCandidate) bool { return x.ID == y.ID })
	return out[:min(len(out), limit)]
}

// FindRoutingCandidatesByID returns the named partners, whatever their
// status, in id order; unknown ids are left out.
func (q queries) FindRoutingCandidatesByID(ctx context.Context, ids []string) ([]*ally.RoutingCandidate, error) {
	if len(ids) == 0 {
		return []*ally.RoutingCandidate{}, nil
	}
	var w where
	w.add(inList(q.engine, &w, "p.id", ids))
	return findAll(ctx, q, candidateSelect+w.clause()+" ORDER BY p.id", w.args, scanCandidate, "find routing candidates by id")
}

func scanCandidate(s scanner) (*ally.RoutingCandidate, error) {
	var c ally.RoutingCandidate
	var status, cats string
	var tier sql.NullString
	if err := s.Scan(&c.ID, &c.Name, &status, &tier, &cats); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cats), &c.Categories); err != nil {
		return nil, fmt.Errorf("decode partner %s categories: %w", c.ID, err)
	}
	c.Status, c.TierID = ally.PartnerStatus(status), tier.String
	return &c, nil
}

// inList is "col is one of vals" with the whole list as one argument, so a
// list of a thousand partners is one placeholder, not a thousand (SQLite
// looks each numbered placeholder up in a list, see insertValues).
// PostgreSQL compares with an array; SQLite reads a JSON array. Both probe
// an index on col once per value.
func inList(engine string, w *where, col string, vals []string) string {
	if engine == EnginePostgres {
		return col + " = ANY(" + w.arg(vals) + "::text[])"
	}
	b, _ := json.Marshal(vals) // a []string always encodes
	return col + " IN (SELECT value FROM json_each(" + w.arg(string(b)) + "))"
}
