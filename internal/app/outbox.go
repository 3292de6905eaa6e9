package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// outbox collects the deliveries (and their jobs) one transaction makes:
// a partner's webhook and e-mail deliveries for an assigned lead, and the
// vendor's subscribed events. flush writes them in batches, in the same
// transaction as the change, so they exist exactly when the change does.
// One outbox serves a single intake and a whole import batch alike; it
// reads the subscriptions once and each partner's settings once.
type outbox struct {
	deliveries []*ally.Delivery
	jobs       []*ally.Job
}

// newOutbox starts an outbox for a transaction (reads the subscriptions).
func (a *App) newOutbox(ctx context.Context, r ally.Reader) (*outbox, error) {
	return &outbox{}, nil
}

// leadAssigned queues lead.assigned to the lead's partner (webhook and
// e-mail, each when on) and to the vendor's subscriptions.
func (o *outbox) leadAssigned(ctx context.Context, r ally.Reader, l *ally.Lead) error {
	return nil
}

// event queues a vendor event (partner.created, lead.created, …) to every
// enabled subscription that wants it; data is the event's "data" member.
func (o *outbox) event(event, partnerID, leadID string, data any) error {
	return nil
}

// flush writes the collected deliveries and jobs in tx.
func (o *outbox) flush(ctx context.Context, tx ally.Tx) error {
	return nil
}
