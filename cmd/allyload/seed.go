package main

import (
	"context"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// seed writes n partners straight through the store, in batches, and returns
// their ids. It bypasses the application layer on purpose: this is fixture
// data for a benchmark, and going through app would cost an audit row each.
func seed(ctx context.Context, cfg store.Config, n int) ([]string, error) {
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	statuses := []ally.PartnerStatus{ally.StatusActive, ally.StatusActive, ally.StatusOnboarding, ally.StatusDormant, ally.StatusActive}
	categories := []string{"Reseller", "Distributor", "Referral", "Technology", "MSP"}
	ids := make([]string, 0, n)
	now := time.Now().UTC().Truncate(time.Millisecond)
	const batch = 5000
	for start := 0; start < n; start += batch {
		err := db.Write(ctx, func(tx ally.Tx) error {
			for i := start; i < min(n, start+batch); i++ {
				p := &ally.Partner{
					ID:           ally.NewID(ally.PrefixPartner),
					Name:         fmt.Sprintf("Partner %06d Solutions", i),
					Domain:       fmt.Sprintf("partner%06d.example", i),
					Website:      fmt.Sprintf("https://partner%06d.example", i),
					Status:       statuses[i%len(statuses)],
					PortalAccess: ally.AccessRestrictedUsers,
					Categories:   []string{categories[i%len(categories)]},
					ExternalID:   fmt.Sprintf("crm-%06d", i),
					PartnerCRMProperties: map[string]any{
						"industry": "Software", "country": "BE", "employeeCount": float64(10 + i%500),
					},
					CompanyCRMProperties: map[string]any{"domain": fmt.Sprintf("partner%06d.example", i)},
					CustomProperties:     map[string]any{},
					CreatedAt:            now, UpdatedAt: now, Version: 1,
				}
				if err := tx.CreatePartner(ctx, p); err != nil {
					return err
				}
				ids = append(ids, p.ID)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Fresh statistics on PostgreSQL, as autovacuum would have on a database
	// that has run a while; otherwise the measurement races the first
	// automatic ANALYZE. Not on SQLite: Ally never analyzes it, and with
	// statistics the API's GET ran at half the rate here (the bare SELECT did
	// not change; cause not yet found), so the numbers would describe a
	// setup nobody runs.
	if db.Engine() == store.EnginePostgres {
		if _, err := db.SQLDB().ExecContext(ctx, "ANALYZE"); err != nil {
			return nil, fmt.Errorf("analyze: %w", err)
		}
	}
	return ids, nil
}
