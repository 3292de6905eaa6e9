package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// candidateSelect reads partners as routing sees them.
const candidateSelect = `SELECT p.id, p.name, p.status, p.tier_id, p.categories FROM partners p`

// FindRoutingCandidates returns up to limit (default 50) active partners
// after the id after, in id order, that are in one of c's categories and
// tiers (an empty list is any). The page walks ix_partners_status's active
// range from after; the category and tier tests are made on the way.
func (q queries) FindRoutingCandidates(ctx context.Context, c ally.RuleConditions, after string, limit int) ([]*ally.RoutingCandidate, error) {
	query, args := candidateQuery(q.engine, c, after, pageLimit(limit))
	return findAll(ctx, q, query, args, scanCandidate, "find routing candidates")
}

func candidateQuery(engine string, c ally.RuleConditions, after string, limit int) (string, []any) {
	var w where
	w.add("p.status = " + w.arg(string(ally.StatusActive)))
	if after != "" {
		w.add("p.id > " + w.arg(after))
	}
	if len(c.Categories) > 0 {
		w.add("p.id IN (SELECT partner_id FROM partner_categories WHERE " + inList(engine, &w, "category", c.Categories) + ")")
	}
	if len(c.TierIDs) > 0 {
		w.add(inList(engine, &w, "p.tier_id", c.TierIDs))
	}
	return candidateSelect + w.clause() + " ORDER BY p.id LIMIT " + w.arg(limit), w.args
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
