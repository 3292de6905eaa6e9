package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// DefaultQuietDays is the "going quiet" threshold when the settings hold none.
const DefaultQuietDays = 60

// QuietPartners lists partners (not archived) with no portal sign-in or
// timeline activity for days days (0: the configured threshold).
func (a *App) QuietPartners(ctx context.Context, actor ally.Actor, days int, f ally.PartnerFilter) (ally.Page[*ally.Partner], int, error) {
	if days <= 0 {
		s, err := a.store.FindSettings(ctx)
		if err != nil {
			return ally.Page[*ally.Partner]{}, 0, err
		}
		days = s.QuietDays
		if days <= 0 {
			days = DefaultQuietDays
		}
	}
	f.InactiveBefore = a.clock().Add(-time.Duration(days) * 24 * time.Hour)
	if f.Status == ally.StatusArchived {
		f.Status = ""
	}
	page, err := a.Partners(ctx, actor, f)
	return page, days, err
}

// ArchivePartners archives several partners, each in its own transaction so
// one the actor may not touch does not stop the rest. It returns how many
// were archived and the first error.
func (a *App) ArchivePartners(ctx context.Context, actor ally.Actor, ids []string) (int, error) {
	n := 0
	var first error
	for _, id := range ids {
		if _, err := a.ArchivePartner(ctx, actor, id, UpdatePartnerOptions{}); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
	}
	return n, first
}
