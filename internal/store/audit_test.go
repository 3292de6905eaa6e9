package store_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestAuditEvents(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		staff := ally.Actor{Kind: ally.ActorStaff, ID: "user_a", Label: "a@vendor.example", IP: "192.0.2.1", UserAgent: "test/1"}
		system := ally.System("cli")
		base := now()
		var events []*ally.AuditEvent
		mustWrite(t, db, func(tx ally.Tx) error {
			for i := range 30 {
				actor, action, partner := staff, "partner.updated", "ptn_one"
				if i%3 == 0 {
					actor, action = system, "partner.created"
				}
				if i%2 == 0 {
					partner = "ptn_two"
				}
				// Ids made here, in order, so id order is creation order even within a millisecond.
				e := ally.NewAuditEvent(actor, action, "partner", partner, base.Add(time.Duration(i)*time.Second))
				e.ID = fmt.Sprintf("aud_%026d", i)
				e.PartnerID = partner
				e.Changes = map[string]ally.Change{"name": {Before: "Old", After: fmt.Sprint("New ", i)}, "n": {Before: nil, After: 2.0}}
				if err := tx.CreateAuditEvent(ctx, e); err != nil {
					return err
				}
				events = append(events, e)
			}
			return nil
		})
		slices.Reverse(events) // newest first

		for _, tc := range []struct {
			name string
			f    ally.AuditFilter
			want func(*ally.AuditEvent) bool
		}{
			{"all", ally.AuditFilter{}, func(*ally.AuditEvent) bool { return true }},
			{"partner", ally.AuditFilter{PartnerID: "ptn_one"}, func(e *ally.AuditEvent) bool { return e.PartnerID == "ptn_one" }},
			{"actor", ally.AuditFilter{ActorID: "user_a"}, func(e *ally.AuditEvent) bool { return e.ActorID == "user_a" }},
			{"action", ally.AuditFilter{Action: "partner.created"}, func(e *ally.AuditEvent) bool { return e.Action == "partner.created" }},
			{"partner and action", ally.AuditFilter{PartnerID: "ptn_two", Action: "partner.updated"},
				func(e *ally.AuditEvent) bool { return e.PartnerID == "ptn_two" && e.Action == "partner.updated" }},
		} {
			var want []*ally.AuditEvent
			for _, e := range events {
				if tc.want(e) {
					want = append(want, e)
				}
			}
			// Page through 4 at a time.
			var got []*ally.AuditEvent
			f := tc.f
			f.Limit = 4
			for range 20 {
				page, err := db.FindAuditEvents(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
				if len(page) < 4 {
					break
				}
				f.Before = page[len(page)-1].ID
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %d events, want %d", tc.name, len(got), len(want))
				for i := range min(len(got), len(want)) {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("first difference:\n got %+v\nwant %+v", got[i], want[i])
						break
					}
				}
			}
		}
		page, err := db.FindAuditEvents(ctx, ally.AuditFilter{})
		if err != nil || len(page) != 30 {
			t.Errorf("default limit: %d, %v", len(page), err)
		}
	})
}
