package store

import (
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// PlanQuery is one query of the store with example arguments, for the
// EXPLAIN test (explain_test.go), which runs in the black-box package so it
// can open PostgreSQL through storetest.
type PlanQuery struct {
	Name  string
	Query string
	Args  []any
	// SortOK says the plan may sort: for a union of index ranges (the
	// user's book of partners), and for a filter in a non-id order, where
	// there is no index per (filter, order) pair and the planner may read
	// the filter's range and sort it rather than walk the order's index.
	SortOK bool
	// Uses lists indexes the plan must read, where "some index" is not enough.
	Uses []string
}

// PlanQueries returns every list, lookup-by-filter and sweep query whose
// plan matters, for engine (the job claim differs per engine).
func PlanQueries(engine string) ([]PlanQuery, error) {
	var out []PlanQuery
	quiet := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		f      ally.PartnerFilter
		sortOK bool
		uses   []string
	}{
		{"all", ally.PartnerFilter{}, false, nil},
		{"after", ally.PartnerFilter{After: "ptn_1"}, false, nil},
		{"status", ally.PartnerFilter{Status: ally.StatusActive, After: "ptn_1"}, false, nil},
		{"tier", ally.PartnerFilter{TierID: "tier_1", After: "ptn_1"}, false, nil},
		{"phase", ally.PartnerFilter{PhaseID: "phase_1", After: "ptn_1"}, false, nil},
		{"owner", ally.PartnerFilter{OwnerID: "user_1", After: "ptn_1"}, false, nil},
		{"category", ally.PartnerFilter{Category: "emea", After: "ptn_1"}, false, nil},
		{"query", ally.PartnerFilter{Query: "acme", After: "ptn_1"}, false, nil},
		{"visible to", ally.PartnerFilter{VisibleTo: "user_1", After: "ptn_1"}, true,
			[]string{"ix_partners_owner", "ix_partners_manager"}},
		{"inactive", ally.PartnerFilter{InactiveBefore: quiet, After: "ptn_1"}, false, nil},
		{"by name", ally.PartnerFilter{Sort: ally.SortName}, false, []string{"ix_partners_name"}},
		{"by name after", ally.PartnerFilter{Sort: ally.SortName, After: "acme\x00ptn_1"}, false, []string{"ix_partners_name"}},
		{"by updated", ally.PartnerFilter{Sort: ally.SortUpdated}, false, []string{"ix_partners_updated"}},
		{"by updated after", ally.PartnerFilter{Sort: ally.SortUpdated, After: "1767225600000\x00ptn_1"}, false, []string{"ix_partners_updated"}},
		{"by name, category", ally.PartnerFilter{Sort: ally.SortName, Category: "emea", After: "acme\x00ptn_1"}, true, nil},
		{"by updated, status", ally.PartnerFilter{Sort: ally.SortUpdated, Status: ally.StatusActive}, true, nil},
		{"by updated, inactive", ally.PartnerFilter{Sort: ally.SortUpdated, InactiveBefore: quiet}, true, nil},
		{"by name, visible to", ally.PartnerFilter{Sort: ally.SortName, VisibleTo: "user_1", After: "acme\x00ptn_1"}, true,
			[]string{"ix_partners_owner", "ix_partners_manager"}},
	} {
		q, args, err := partnerListQuery(tc.f)
		if err != nil {
			return nil, err
		}
		out = append(out, PlanQuery{"partners " + tc.name, q, args, tc.sortOK, tc.uses})
	}
	for name, f := range map[string]ally.AuditFilter{
		"all":     {Before: "aud_9"},
		"partner": {PartnerID: "ptn_1", Before: "aud_9"},
		"actor":   {ActorID: "user_1", Before: "aud_9"},
		"action":  {Action: "partner.updated", Before: "aud_9"},
	} {
		q, args := auditListQuery(f)
		out = append(out, PlanQuery{Name: "audit " + name, Query: q, Args: args})
	}
	for name, f := range map[string]ally.ContactFilter{
		"by partner": {PartnerID: "ptn_1", After: "ctc_1"},
		"by email":   {Email: "ana@acme.example", After: "ctc_1"},
	} {
		q, args := contactListQuery(f)
		out = append(out, PlanQuery{Name: "contacts " + name, Query: q, Args: args, Uses: []string{"ix_contacts_"}})
	}
	out = append(out, PlanQuery{Name: "portal contact by email", Query: portalContactSQL,
		Args: []any{"ana@acme.example"}, Uses: []string{"ux_contacts_portal_email"}})
	for name, f := range map[string]ally.ActivityFilter{
		"internal":     {PartnerID: "ptn_1", Internal: true, Before: "act_9"},
		"shared":       {PartnerID: "ptn_1", Before: "act_9"},
		"shared first": {PartnerID: "ptn_1"},
	} {
		q, args := activityListQuery(f)
		out = append(out, PlanQuery{Name: "activities " + name, Query: q, Args: args, Uses: []string{"ix_activities_partner"}})
	}
	q, args := notificationListQuery(ally.ActorPartner, "ctc_1", 20)
	out = append(out, PlanQuery{Name: "notifications", Query: q, Args: args, Uses: []string{"ix_notifications_recipient"}})
	jobKinds := listArg(engine, []string{"delivery.send", "email.send"})
	out = append(out,
		PlanQuery{Name: "login failures", Query: countLoginFailuresSQL, Args: []any{"ip:192.0.2.1", int64(1)},
			Uses: []string{"ix_login_failures_key"}},
		PlanQuery{Name: "session sweep", Query: deleteExpiredSessionsSQL, Args: []any{int64(1), int64(1)},
			Uses: []string{"ix_sessions_expires", "ix_sessions_last_seen"}},
		PlanQuery{Name: "tokens of subject", Query: deleteTokensOfSQL, Args: []any{"partner_user", "ctc_1", "invite"},
			Uses: []string{"ix_tokens_subject"}},
		PlanQuery{Name: "claim jobs", Query: claimJobsSQL[engine], Args: []any{int64(1), 10, jobKinds, "w1", int64(2)},
			Uses: []string{"ix_jobs_due"}},
	)
	return out, nil
}

// PreparedWrites is how many statements the writer keeps prepared for
// transactions (SQLite; 0 on PostgreSQL, whose driver caches them itself).
func PreparedWrites(db *DB) int {
	if db.writes == nil {
		return 0
	}
	db.writes.mu.RLock()
	defer db.writes.mu.RUnlock()
	return len(db.writes.m)
}
