package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// PartnerEventJSON is a partner as the vendor's partner.created and
// partner.updated events carry it: enough to find it and see what moved.
type PartnerEventJSON struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Domain     string    `json:"domain,omitempty"`
	Status     string    `json:"status"`
	TierID     string    `json:"tierId,omitempty"`
	PhaseID    string    `json:"phaseId,omitempty"`
	OwnerID    string    `json:"ownerId,omitempty"`
	Categories []string  `json:"categories"`
	UpdatedAt  time.Time `json:"updatedAt"`
	Version    int64     `json:"version"`
}

func newPartnerEventJSON(p *ally.Partner) PartnerEventJSON {
	cats := p.Categories
	if cats == nil {
		cats = []string{}
	}
	return PartnerEventJSON{ID: p.ID, Name: p.Name, Domain: p.Domain, Status: string(p.Status), TierID: p.TierID,
		PhaseID: p.PhaseID, OwnerID: p.OwnerID, Categories: cats, UpdatedAt: p.UpdatedAt, Version: p.Version}
}

// partnerEvent queues event (partner.created or partner.updated) about p
// to the vendor's subscriptions, in the transaction that made the change.
func (a *App) partnerEvent(ctx context.Context, tx ally.Tx, event string, p *ally.Partner) error {
	o, err := a.newOutbox(ctx, tx)
	if err != nil {
		return err
	}
	if err := o.event(event, "", newPartnerEventJSON(p)); err != nil {
		return err
	}
	return o.flush(ctx, tx)
}

// readBackWithEvent reads a partner just written in tx and queues the
// vendor's partner.created or partner.updated event about it, so every
// partner write (staff, API, the partner's own profile edit) emits one.
func (a *App) readBackWithEvent(ctx context.Context, tx ally.Tx, event, id string) (*ally.Partner, error) {
	p, err := tx.FindPartnerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.partnerEvent(ctx, tx, event, p); err != nil {
		return nil, err
	}
	return p, nil
}
