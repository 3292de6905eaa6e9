package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// TestAuditEventsBetween checks the date bounds of the audit list: Since is
// inclusive, Until exclusive, both combine with the other filters and with
// paging, on both engines.
func TestAuditEventsBetween(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		day := time.Date(2026, 5, 8, 0, 0, 0, 0, time.UTC)
		// Ten events an hour apart from 20:00 on 7 May: three on the 7th, seven on the 8th.
		mustWrite(t, db, func(tx ally.Tx) error {
			for i := range 10 {
				at := day.Add(time.Duration(i-4) * time.Hour)
				e := ally.NewAuditEvent(ally.System("test"), "partner.updated", "partner", "ptn_x", at)
				e.ID = fmt.Sprintf("aud_%026d", i)
				if i%2 == 0 {
					e.PartnerID = "ptn_even"
				}
				if err := tx.CreateAuditEvent(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		ids := func(f ally.AuditFilter) []string {
			t.Helper()
			var out []string
			f.Limit = 2
			for range 20 {
				page, err := db.FindAuditEvents(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page {
					out = append(out, e.ID[len(e.ID)-1:])
				}
				if len(page) < f.Limit {
					break
				}
				f.Before = page[len(page)-1].ID
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    ally.AuditFilter
			want string
		}{
			{"since is inclusive", ally.AuditFilter{Since: day}, "[9 8 7 6 5 4]"},
			{"until is exclusive", ally.AuditFilter{Until: day}, "[3 2 1 0]"},
			{"one day", ally.AuditFilter{Since: day.Add(-24 * time.Hour), Until: day}, "[3 2 1 0]"},
			{"an hour's window", ally.AuditFilter{Since: day.Add(time.Hour), Until: day.Add(3 * time.Hour)}, "[6 5]"},
			{"with a partner", ally.AuditFilter{PartnerID: "ptn_even", Since: day}, "[8 6 4]"},
			{"empty window", ally.AuditFilter{Since: day, Until: day}, "[]"},
		} {
			if got := fmt.Sprint(ids(tc.f)); got != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
			}
		}
	})
}
