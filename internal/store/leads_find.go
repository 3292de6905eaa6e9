package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// FindLeadByID returns the lead with id and its partner's name, or ally.ErrNotFound.
func (q queries) FindLeadByID(ctx context.Context, id string) (*ally.Lead, error) {
	return findOne(q.queryRow(ctx, leadSelect+` WHERE l.id = $1`, id), scanLead, "find lead")
}

// FindLeadsByID returns the leads with these ids in id order, without
// their routing explanation (like EachLead).
func (q queries) FindLeadsByID(ctx context.Context, ids []string) ([]*ally.Lead, error) {
	if len(ids) == 0 {
		return []*ally.Lead{}, nil
	}
	var w where
	w.add(inList(q.engine, &w, "l.id", ids))
	ls := newLeadScanner()
	return findAll(ctx, q, leadStreamSelect+w.clause()+" ORDER BY l.id", w.args, ls.scan, "find leads by id")
}

// FindLeads returns up to f.Limit (default 50) leads after the cursor
// f.After in f.Sort order. Each filter and order walks one index in page
// order (leadListQuery says which), so a page costs the same at any depth.
func (q queries) FindLeads(ctx context.Context, f ally.LeadFilter) ([]*ally.Lead, error) {
	query, args, err := leadListQuery(leadSelect, f, pageLimit(f.Limit))
	if err != nil {
		return nil, err
	}
	return findAll(ctx, q, query, args, scanLead, "find leads")
}

// EachLead calls fn for every lead f selects, in f.Sort order from f.After,
// whatever f.Limit says. Rows are read as fn consumes them, so an export of
// a million leads holds one lead in memory at a time. An error from fn
// stops the walk and is returned as is.
//
// The leads come without their routing explanation (Routing is nil): an
// export has no column for it, and decoding one per row took half the
// export's time (BenchmarkLeadExportRatio).
func (q queries) EachLead(ctx context.Context, f ally.LeadFilter, fn func(*ally.Lead) error) error {
	sel, partnerName := leadStreamSelect, ""
	if f.PartnerID != "" {
		// One partner's leads (a portal export): its name once, not a
		// join per row (PostgreSQL probed partners' key for every lead).
		if err := q.queryRow(ctx, `SELECT name FROM partners WHERE id = $1`, f.PartnerID).Scan(&partnerName); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: each lead: %w", err)
		}
		sel = leadOfOneSelect
	}
	query, args, err := leadListQuery(sel, f, 0)
	if err != nil {
		return err
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: each lead: %w", err)
	}
	defer rows.Close()
	ls := newLeadScanner()
	for rows.Next() {
		l, err := ls.scan(rows)
		if err != nil {
			return fmt.Errorf("store: each lead: %w", err)
		}
		if f.PartnerID != "" {
			l.PartnerName = partnerName
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: each lead: %w", err)
	}
	return nil
}

// openStatuses are the statuses a partner still has to act on.
var openStatuses = []ally.LeadStatus{ally.LeadNew, ally.LeadAccepted, ally.LeadContacted, ally.LeadQualified}

// leadStatsSQL counts in one pass over the partner's range of a partner index.
var leadStatsSQL = `SELECT COUNT(*),
	COALESCE(SUM(CASE WHEN received_at >= $2 THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN status IN ('` + strings.Join(statusStrings(openStatuses), "', '") + `') THEN 1 ELSE 0 END), 0)
	FROM leads WHERE partner_id = $1`

func statusStrings(ss []ally.LeadStatus) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// LeadStats counts the partner's leads: all, received since monthStart, and
// open (new, accepted, contacted or qualified).
func (q queries) LeadStats(ctx context.Context, partnerID string, monthStart time.Time) (ally.LeadStats, error) {
	var s ally.LeadStats
	err := q.queryRow(ctx, leadStatsSQL, partnerID, monthStart.UnixMilli()).Scan(&s.Total, &s.ThisMonth, &s.Open)
	if err != nil {
		return ally.LeadStats{}, fmt.Errorf("store: lead stats: %w", err)
	}
	return s, nil
}

// leadListQuery builds the list query for f on sel (leadSelect or
// leadStreamSelect), with a LIMIT when limit > 0.
//
// The index each shape walks, in page order: a partner's leads (or the
// unassigned ones, the NULL range) ix_leads_partner, with a status
// ix_leads_partner_status, by company ix_leads_partner_company; across
// partners the primary key, ix_leads_status or ix_leads_company. The
// other filters (source, text, dates) are checked on the rows walked.
func leadListQuery(sel string, f ally.LeadFilter, limit int) (string, []any, error) {
	var w where
	if f.PartnerID != "" {
		w.add("l.partner_id = " + w.arg(f.PartnerID))
	}
	if f.Unassigned {
		w.add("l.partner_id IS NULL")
	}
	if f.VisibleTo != "" {
		// The user's book of partners, as in partnerListQuery (see there
		// why a UNION ALL and not an OR); unassigned leads are in no book.
		u := w.arg(f.VisibleTo)
		w.add("l.partner_id IN (SELECT id FROM partners WHERE owner_id = " + u +
			" UNION ALL SELECT id FROM partners WHERE manager_id = " + u +
			" UNION ALL SELECT partner_id FROM partner_grants WHERE user_id = " + u + ")")
	}
	if f.Status != "" {
		w.add("l.status = " + w.arg(string(f.Status)))
	}
	if f.Source != "" {
		w.add("l.source = " + w.arg(f.Source))
	}
	if f.Query != "" {
		w.add(`l.search LIKE ` + w.arg("%"+likeEscape(strings.ToLower(f.Query))+"%") + ` ESCAPE '\'`)
	}
	if !f.From.IsZero() {
		w.add("l.received_at >= " + w.arg(f.From.UnixMilli()))
	}
	if !f.To.IsZero() {
		w.add("l.received_at < " + w.arg(f.To.UnixMilli()))
	}
	order, err := leadOrder(&w, f)
	if err != nil {
		return "", nil, err
	}
	query := sel + w.clause() + " ORDER BY " + order
	if limit > 0 {
		query += " LIMIT " + limitSQL(&w, limit)
	}
	return query, w.args, nil
}

// leadOrder adds the keyset condition for f.After and returns the ORDER BY
// for f.Sort. The company cursor is ally.LeadCursor's "company\x1fid"; the
// row-value comparison lets both engines start the index range right after
// that row, so equal companies neither repeat nor skip.
func leadOrder(w *where, f ally.LeadFilter) (string, error) {
	switch f.Sort {
	case ally.LeadSortNewest:
		if f.After != "" {
			w.add("l.id < " + w.arg(f.After))
		}
		return "l.id DESC", nil
	case ally.LeadSortOldest:
		if f.After != "" {
			w.add("l.id > " + w.arg(f.After))
		}
		return "l.id", nil
	case ally.LeadSortCompany:
		if f.After != "" {
			if !strings.Contains(f.After, "\x1f") {
				return "", errBadCursor
			}
			company, id := ally.SplitLeadCursor(f.After)
			w.add("(l.company_lower, l.id) > (" + w.arg(company) + ", " + w.arg(id) + ")")
		}
		return "l.company_lower, l.id", nil
	}
	return "", errBadSort
}
