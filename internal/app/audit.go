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

// exportBatch is how many audit events an export reads per query: memory
// stays flat however long the log is.
const exportBatch = 500

// ExportAuditEvents streams every audit event matching f, newest first, to
// emit, one keyset page at a time. The export itself is audited.
func (a *App) ExportAuditEvents(ctx context.Context, actor ally.Actor, f ally.AuditFilter, emit func(*ally.AuditEvent) error) error {
	if err := require(actor, ally.ScopeAuditRead); err != nil {
		return err
	}
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		c := changes{}
		c.add("filter", nil, map[string]string{"partnerId": f.PartnerID, "actorId": f.ActorID, "action": f.Action})
		return a.record(ctx, tx, actor, "audit.exported", "audit", "", f.PartnerID, c)
	})
	if err != nil {
		return err
	}
	f.Limit = exportBatch
	for {
		es, err := a.store.FindAuditEvents(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := emit(e); err != nil {
				return err
			}
		}
		if len(es) < exportBatch {
			return nil
		}
		f.Before = es[len(es)-1].ID
	}
}
