package store

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
)

// TestListQueriesUseIndexes checks with EXPLAIN QUERY PLAN that every
// partner and audit list filter reads through an index on SQLite: no full
// scan of partners or audit_events, and no sort step (the index gives id order).
func TestListQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := Open(ctx, Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "plan.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Statistics as a populated database would have them, so the planner
	// chooses as it will in production rather than for empty tables.
	if _, err := db.writer.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}

	type plan struct {
		name, query string
		args        []any
		sortOK      bool // the OR of two indexes needs a sort of its few rows
	}
	var plans []plan
	for name, f := range map[string]ally.PartnerFilter{
		"all":        {},
		"after":      {After: "ptn_1"},
		"status":     {Status: ally.StatusActive, After: "ptn_1"},
		"tier":       {TierID: "tier_1", After: "ptn_1"},
		"phase":      {PhaseID: "phase_1", After: "ptn_1"},
		"owner":      {OwnerID: "user_1", After: "ptn_1"},
		"category":   {Category: "emea", After: "ptn_1"},
		"query":      {Query: "acme", After: "ptn_1"},
		"visible to": {VisibleTo: "user_1", After: "ptn_1"},
	} {
		q, args, err := partnerListQuery(f)
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, plan{"partners " + name, q, args, f.VisibleTo != ""})
	}
	for name, f := range map[string]ally.AuditFilter{
		"all":     {Before: "aud_9"},
		"partner": {PartnerID: "ptn_1", Before: "aud_9"},
		"actor":   {ActorID: "user_1", Before: "aud_9"},
		"action":  {Action: "partner.updated", Before: "aud_9"},
	} {
		q, args := auditListQuery(f)
		plans = append(plans, plan{"audit " + name, q, args, false})
	}
	for _, p := range plans {
		rows, err := db.writer.QueryContext(ctx, "EXPLAIN QUERY PLAN "+p.query, p.args...)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		rows.Close()
		all := strings.Join(steps, "; ")
		for _, s := range steps {
			scan := strings.HasPrefix(s, "SCAN ") && !strings.Contains(s, "USING") && !strings.HasPrefix(s, "SCAN CONSTANT")
			if scan || (!p.sortOK && strings.Contains(s, "TEMP B-TREE")) {
				t.Errorf("%s: %q in plan %s", p.name, s, all)
			}
		}
		t.Logf("%s: %s", p.name, all)
	}
}
