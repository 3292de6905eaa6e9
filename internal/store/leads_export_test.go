package store

import (
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// PlanExample names stored rows for LeadPlanQueries' arguments, so
// PostgreSQL plans with the selectivity of real values and cursors.
type PlanExample struct {
	PartnerID string
	UserID    string     // sees PartnerID
	Lead      *ally.Lead // somewhere in the middle, for the cursors
	Delivery  string     // a delivery of Lead's, for the delivery cursors
}

// LeadPlanQueries returns the list and lookup queries of the lead half
// with example arguments, for the EXPLAIN test (explain_leads_test.go).
func LeadPlanQueries(engine string, ex PlanExample) ([]PlanQuery, error) {
	var out []PlanQuery
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	lead, company := ex.Lead.ID, ally.LeadCursor(ex.Lead, ally.LeadSortCompany)
	// The trailing spaces tell ix_leads_partner from ix_leads_partner_status.
	pkey, unassigned, unassignedCompany := "sqlite_autoindex_leads_1 ", "ix_leads_partner ", "ix_leads_partner_company "
	if engine == EnginePostgres {
		pkey, unassigned, unassignedCompany = "leads_pkey ", "ix_leads_unassigned ", "ix_leads_unassigned_company "
	}
	for _, tc := range []struct {
		name   string
		f      ally.LeadFilter
		sortOK bool
		uses   string
	}{
		{"partner, newest", ally.LeadFilter{PartnerID: ex.PartnerID, After: lead}, false, "ix_leads_partner "},
		{"partner, newest, first page", ally.LeadFilter{PartnerID: ex.PartnerID}, false, "ix_leads_partner "},
		{"partner, oldest", ally.LeadFilter{PartnerID: ex.PartnerID, Sort: ally.LeadSortOldest, After: lead}, false, "ix_leads_partner "},
		{"partner, company", ally.LeadFilter{PartnerID: ex.PartnerID, Sort: ally.LeadSortCompany, After: company}, false, "ix_leads_partner_company "},
		{"partner, status", ally.LeadFilter{PartnerID: ex.PartnerID, Status: ally.LeadNew, After: lead}, false, "ix_leads_partner_status "},
		{"partner, search, source, dates", ally.LeadFilter{PartnerID: ex.PartnerID, Query: "ana", Source: "web",
			From: day, To: day.AddDate(0, 1, 0), After: lead}, false, "ix_leads_partner "},
		{"unassigned", ally.LeadFilter{Unassigned: true, After: lead}, false, unassigned},
		{"unassigned, company", ally.LeadFilter{Unassigned: true, Sort: ally.LeadSortCompany, After: company}, false, unassignedCompany},
		// By the statistics, the queue's index filtered or its status index.
		{"unassigned, status", ally.LeadFilter{Unassigned: true, Status: ally.LeadNew, After: lead}, false, ""},
		{"all, newest", ally.LeadFilter{After: lead}, false, pkey},
		{"all, oldest", ally.LeadFilter{Sort: ally.LeadSortOldest, After: lead}, false, pkey},
		{"all, company", ally.LeadFilter{Sort: ally.LeadSortCompany, After: company}, false, "ix_leads_company "},
		{"all, status", ally.LeadFilter{Status: ally.LeadWon, After: lead}, false, "ix_leads_status "},
		{"all, status, oldest", ally.LeadFilter{Status: ally.LeadWon, Sort: ally.LeadSortOldest, After: lead}, false, "ix_leads_status "},
		// The user's book of partners: the union of index ranges, as for the partner list.
		{"visible to", ally.LeadFilter{VisibleTo: ex.UserID, After: lead}, true, "ix_partners_owner "},
	} {
		q, args, err := leadListQuery(leadSelect, tc.f, 50)
		if err != nil {
			return nil, err
		}
		pq := PlanQuery{Name: "leads " + tc.name, Query: q, Args: args, SortOK: tc.sortOK}
		if tc.uses != "" {
			pq.Uses = []string{tc.uses}
		}
		out = append(out, pq)
	}
	out = append(out, PlanQuery{Name: "lead stats", Query: leadStatsSQL, Args: []any{ex.PartnerID, day.UnixMilli()},
		Uses: []string{"ix_leads_partner"}})
	q, args := candidateQuery(engine, ally.RuleConditions{TierIDs: []string{"tier_1"}}, ex.PartnerID, 50)
	out = append(out, PlanQuery{Name: "routing candidates", Query: q, Args: args})
	// A category's page walks its range of partner_categories' primary key;
	// several categories' pages are unioned and sorted (limit rows each).
	categoryKey := "USING PRIMARY KEY (category=? AND partner_id>?)"
	if engine == EnginePostgres {
		categoryKey = "partner_categories_pkey"
	}
	q, args = candidateQuery(engine, ally.RuleConditions{Categories: []string{"emea"}, TierIDs: []string{"tier_1"}}, ex.PartnerID, 8)
	out = append(out, PlanQuery{Name: "routing candidates in a category", Query: q, Args: args, Uses: []string{categoryKey}})
	q, args = candidateQuery(engine, ally.RuleConditions{Categories: []string{"emea", "reseller"}}, ex.PartnerID, 8)
	out = append(out, PlanQuery{Name: "routing candidates in categories", Query: q, Args: args, SortOK: true, Uses: []string{categoryKey}})
	for _, tc := range []struct {
		name string
		f    ally.DeliveryFilter
		uses string
	}{
		{"all", ally.DeliveryFilter{After: ex.Delivery}, ""},
		{"partner", ally.DeliveryFilter{PartnerID: ex.PartnerID, After: ex.Delivery}, "ix_deliveries_partner "},
		{"lead", ally.DeliveryFilter{LeadID: ex.Lead.ID}, "ix_deliveries_lead "},
		// A subscription takes a large share: the primary key walked, filtering, may cost less.
		{"subscription", ally.DeliveryFilter{SubscriptionID: "sub_1", After: ex.Delivery}, ""},
		{"subscription, first page", ally.DeliveryFilter{SubscriptionID: "sub_1"}, ""},
		{"status", ally.DeliveryFilter{Status: ally.DeliveryFailed, After: ex.Delivery}, "ix_deliveries_status "},
	} {
		q, args := deliveryListQuery(tc.f)
		pq := PlanQuery{Name: "deliveries " + tc.name, Query: q, Args: args}
		if tc.uses != "" {
			pq.Uses = []string{tc.uses}
		}
		out = append(out, pq)
	}
	q, args = deliveryListQuery(ally.DeliveryFilter{VisibleTo: ex.UserID, After: ex.Delivery})
	out = append(out, PlanQuery{Name: "deliveries visible to", Query: q, Args: args, SortOK: true,
		Uses: []string{"ix_partners_owner "}})
	out = append(out, PlanQuery{Name: "delivery attempts", Query: attemptListSQL, Args: []any{ex.Delivery, 20},
		Uses: []string{"ix_delivery_attempts_delivery "}})
	errorsKey := map[string]string{EngineSQLite: "PRIMARY KEY", EnginePostgres: "import_errors_pkey"}[engine]
	out = append(out,
		PlanQuery{Name: "import errors", Query: importErrorsSQL, Args: []any{"imp_1"}, Uses: []string{errorsKey}},
		PlanQuery{Name: "imports", Query: importSelect + ` ORDER BY id DESC LIMIT $1`, Args: []any{20}})
	return out, nil
}
