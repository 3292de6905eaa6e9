package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// newLead returns a lead for the partner ("" for unassigned), not yet stored.
func newLead(partnerID, company, email string) *ally.Lead {
	l := ally.NewLead(&ally.LeadInput{FirstName: "Ana", LastName: "Lima", Email: email, Company: company,
		Country: "BE", Source: "web"}, now())
	if partnerID != "" {
		l.PartnerID, l.AssignedAt = partnerID, l.ReceivedAt
	}
	return l
}

func mustLeads(t testing.TB, db *store.DB, ls ...*ally.Lead) {
	t.Helper()
	mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateLeads(context.Background(), ls) })
}

func leadIDs(ls []*ally.Lead) []string {
	out := []string{}
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}

func TestLeadRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("Acme Resellers")
		mustPartners(t, db, p)
		full := &ally.Lead{ID: ally.NewID(ally.PrefixLead), ExternalID: "crm-17", FirstName: "Ána", LastName: "Ñúñez",
			Email: "ana@buyer.example", Phone: "+32 2 555 01 02", Title: "CTO", Company: "Buyer NV",
			CompanyDomain: "buyer.example", Country: "BE", Region: "Flanders", Source: "event",
			Message: "Call me\nafter 5", Custom: map[string]any{"budget": 1200.5, "tags": []any{"a", "b"}},
			PartnerID: p.ID, Status: ally.LeadLost, StatusReason: "no budget",
			Routing: &ally.RoutingDecision{At: now(), Outcome: ally.RoutedByRule, RuleID: "rule_1", RuleName: "Benelux",
				Mode: ally.RouteRoundRobin, PartnerID: p.ID, PartnerName: p.Name, Reason: "next in turn",
				Rules:      []ally.RuleTrace{{RuleID: "rule_1", RuleName: "Benelux", Matched: true, Reason: "matched"}},
				Candidates: []ally.CandidateTrace{{PartnerID: p.ID, PartnerName: p.Name, Chosen: true, Reason: "next"}}},
			ImportID: "imp_1", ReceivedAt: now().Add(-time.Hour), AssignedAt: now().Add(-time.Minute), UpdatedAt: now()}
		bare := &ally.Lead{ID: ally.NewID(ally.PrefixLead), Email: "x@y.example", Status: ally.LeadNew,
			ReceivedAt: now(), UpdatedAt: now()}
		mustLeads(t, db, full, bare)
		if full.Version != 1 || bare.Version != 1 {
			t.Fatalf("versions %d, %d; want 1", full.Version, bare.Version)
		}
		full.PartnerName = p.Name
		for _, want := range []*ally.Lead{full, bare} {
			got, err := db.FindLeadByID(ctx, want.ID)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("find: %+v, %v\nwant %+v", got, err, want)
			}
		}
		_, err := db.FindLeadByID(ctx, "lead_missing")
		wantIs(t, err, ally.ErrNotFound)
		// EachLead streams the same leads, without the routing explanation.
		var each []*ally.Lead
		if err := db.EachLead(ctx, ally.LeadFilter{Sort: ally.LeadSortOldest}, func(l *ally.Lead) error {
			each = append(each, l)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		streamed := *full
		streamed.Routing = nil
		if want := []*ally.Lead{&streamed, bare}; !reflect.DeepEqual(each, want) {
			t.Errorf("EachLead: %+v\nwant %+v", each, want)
		}

		orphan := newLead("ptn_missing", "X", "o@x.example")
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateLeads(ctx, []*ally.Lead{orphan}) }),
			ally.ECodeInvalid, "the partner does not exist")
		dup := newLead("", "X", "d@x.example")
		dup.ID = bare.ID
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateLeads(ctx, []*ally.Lead{dup}) }), ally.ECodeConflict)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateLeads(ctx, nil) })
	})
}

func TestUpdateLead(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("P")
		mustPartners(t, db, p)
		l := newLead("", "Old Co", "old@x.example")
		l.ImportID = "imp_9"
		mustLeads(t, db, l)
		received := l.ReceivedAt

		l.FirstName, l.Email, l.Company, l.Custom = "Bea", "bea@new.example", "New Co", map[string]any{"k": "v"}
		l.PartnerID, l.Status, l.StatusReason = p.ID, ally.LeadRejected, "spam"
		l.Routing = &ally.RoutingDecision{At: now(), Outcome: ally.RoutedByHand, PartnerID: p.ID, Reason: "by hand", By: "Staff"}
		l.AssignedAt, l.UpdatedAt = now().Add(time.Second), now().Add(time.Second)
		l.ReceivedAt, l.ImportID = received.Add(-time.Hour), "imp_other" // not rewritten
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateLead(ctx, l) })
		if l.Version != 2 {
			t.Fatalf("version %d, want 2", l.Version)
		}
		want := *l
		want.ReceivedAt, want.ImportID, want.PartnerName = received, "imp_9", p.Name
		if got, err := db.FindLeadByID(ctx, l.ID); err != nil || !reflect.DeepEqual(got, &want) {
			t.Errorf("after update: %+v, %v\nwant %+v", got, err, &want)
		}
		// The search text follows the new name and company.
		if got, _ := db.FindLeads(ctx, ally.LeadFilter{Query: "new co"}); len(got) != 1 {
			t.Errorf("search after update: %d leads", len(got))
		}

		stale := want
		stale.Version = 1
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateLead(ctx, &stale) }), ally.ErrVersionMismatch)
		missing := want
		missing.ID = "lead_missing"
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateLead(ctx, &missing) }), ally.ErrNotFound)
		bad := want
		bad.PartnerID = "ptn_missing"
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateLead(ctx, &bad) }),
			ally.ECodeInvalid, "the partner does not exist")

		// Back to the unassigned queue.
		l.PartnerID, l.AssignedAt, l.Routing = "", time.Time{}, nil
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateLead(ctx, l) })
		if got, err := db.FindLeads(ctx, ally.LeadFilter{Unassigned: true}); err != nil || len(got) != 1 ||
			got[0].PartnerName != "" || got[0].Routing != nil || !got[0].AssignedAt.IsZero() {
			t.Errorf("unassigned again: %+v, %v", got, err)
		}
	})
}

// TestCreateLeadsInBulk writes more leads than several statements take,
// in one call, and reads every one back once.
func TestCreateLeadsInBulk(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		p := newPartner("Bulk")
		mustPartners(t, db, p)
		var ls []*ally.Lead
		for i := range 1234 {
			ls = append(ls, newLead(p.ID, fmt.Sprintf("Co %04d", i), fmt.Sprintf("l%d@x.example", i)))
		}
		mustLeads(t, db, ls...)
		var got []string
		err := db.EachLead(t.Context(), ally.LeadFilter{PartnerID: p.ID, Sort: ally.LeadSortOldest},
			func(l *ally.Lead) error {
				got = append(got, l.ID)
				return nil
			})
		if err != nil || !reflect.DeepEqual(got, leadIDs(ls)) {
			t.Fatalf("read back %d leads, %v; want %d in order", len(got), err, len(ls))
		}
	})
}

func TestLeadStats(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		p, q := newPartner("P"), newPartner("Q")
		mustPartners(t, db, p, q)
		month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		var ls []*ally.Lead
		for i, s := range []ally.LeadStatus{ally.LeadNew, ally.LeadAccepted, ally.LeadContacted, ally.LeadQualified,
			ally.LeadWon, ally.LeadLost, ally.LeadRejected} {
			l := newLead(p.ID, "C", fmt.Sprintf("s%d@x.example", i))
			l.Status = s
			l.ReceivedAt = month.Add(time.Duration(i-3) * 24 * time.Hour) // three before the month
			ls = append(ls, l)
		}
		ls = append(ls, newLead(q.ID, "C", "other@x.example"), newLead("", "C", "none@x.example"))
		mustLeads(t, db, ls...)
		got, err := db.LeadStats(t.Context(), p.ID, month)
		if want := (ally.LeadStats{Total: 7, ThisMonth: 4, Open: 4}); err != nil || got != want {
			t.Errorf("stats %+v, %v; want %+v", got, err, want)
		}
		got, err = db.LeadStats(t.Context(), "ptn_none", month)
		if err != nil || got != (ally.LeadStats{}) {
			t.Errorf("no leads: %+v, %v", got, err)
		}
	})
}

// TestLeadCustomFields round-trips custom fields of every shape: text
// only (the common case, read without the JSON decoder) with the
// characters JSON escapes or that look like its syntax, and mixed values.
func TestLeadCustomFields(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		cases := []map[string]any{
			nil,
			{},
			{"campaign": "q4"},
			{"a": "", "": "empty key", "b": "x"},
			{"syntax": `{"k":"v"},:`, "quote": `say "hi"`, "slash": `C:\temp`, "html": "<b>&amp;</b>"},
			{"unicode": "Ñúñez ✓ 日本", "control": "tab\there\nline"},
			{"budget": 1200.5, "tags": []any{"a", "b"}, "ok": true, "none": nil, "nested": map[string]any{"k": "v"}},
		}
		var ls []*ally.Lead
		for i, c := range cases {
			l := newLead("", "C", fmt.Sprintf("c%d@x.example", i))
			l.Custom = c
			ls = append(ls, l)
		}
		mustLeads(t, db, ls...)
		for i, l := range ls {
			got, err := db.FindLeadByID(t.Context(), l.ID)
			if err != nil || !reflect.DeepEqual(got.Custom, cases[i]) {
				t.Errorf("custom %#v read back as %#v, %v", cases[i], got.Custom, err)
			}
		}
	})
}
