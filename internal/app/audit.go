package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// AuditEvents lists audit events newest first.
func (a *App) AuditEvents(ctx context.Context, actor ally.Actor, f ally.AuditFilter) (ally.Page[*ally.AuditEvent], error) {
	if err := require(actor, ally.ScopeAuditRead); err != nil {
		return ally.Page[*ally.AuditEvent]{}, err
	}
	f.Limit = ally.ClampLimit(f.Limit)
	want := f.Limit
	f.Limit++
	es, err := a.store.FindAuditEvents(ctx, f)
	if err != nil {
		return ally.Page[*ally.AuditEvent]{}, err
	}
	return ally.NewPage(es, want, func(e *ally.AuditEvent) string { return e.ID }), nil
}
