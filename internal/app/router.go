package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// router places leads inside one transaction. It reads the rules once,
// keeps the partners, counts and round-robin turns it has seen, and writes
// the counter increments and cursors in flush, so an import batch of
// thousands of leads costs a few statements, not a few per lead. A dry
// router (for the rules editor) reads but never takes a turn or a count.
type router struct {
}

// newRouter starts a router over tx (nil tx with dry: read-only, from the store).
func (a *App) newRouter(ctx context.Context, r ally.Reader, dry bool) (*router, error) {
	return &router{}, nil
}

// route places l by the rules: on success it sets l.PartnerID, PartnerName,
// AssignedAt and l.Routing (outcome assigned); when no rule can place it,
// l stays unassigned with l.Routing explaining every rule tried.
func (rt *router) route(ctx context.Context, l *ally.Lead) error {
	return nil
}

// assign gives l to partnerID directly (partnerId on intake, or staff by
// hand), with outcome and by for the explanation; the partner must exist
// and not be archived. It counts towards the partner's caps but is never
// refused by them.
func (rt *router) assign(ctx context.Context, l *ally.Lead, partnerID, outcome, by string) error {
	return nil
}

// flush writes the counts and round-robin cursors taken so far in tx.
func (rt *router) flush(ctx context.Context, tx ally.Tx) error {
	return nil
}
