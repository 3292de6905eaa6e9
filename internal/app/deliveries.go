package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// DeliveryView is a delivery with its latest attempts, newest first.
type DeliveryView struct {
	Delivery *ally.Delivery
	Attempts []*ally.DeliveryAttempt
}

// DeliverySettings returns a partner's delivery settings (staff with
// deliveries:read, for partners they may see; partner users: their own,
// via MyDeliverySettings). The signing secret is included: the partner
// needs it to verify, staff to help set it up.
func (a *App) DeliverySettings(ctx context.Context, actor ally.Actor, partnerID string) (*ally.DeliverySettings, error) {
	return nil, errNotBuilt
}

// UpdateDeliverySettings changes a partner's settings (deliveries:write);
// the first save makes a signing secret.
func (a *App) UpdateDeliverySettings(ctx context.Context, actor ally.Actor, partnerID string, f ally.DeliverySettingsFields, ifVersion *int64) (*ally.DeliverySettings, error) {
	return nil, errNotBuilt
}

// MyDeliverySettings returns the partner user's own organization's settings;
// the experience template must show the Delivery settings section.
func (a *App) MyDeliverySettings(ctx context.Context, actor ally.Actor) (*ally.DeliverySettings, error) {
	return nil, errNotBuilt
}

// UpdateMyDeliverySettings lets a partner user change its organization's
// settings when the template allows it.
func (a *App) UpdateMyDeliverySettings(ctx context.Context, actor ally.Actor, f ally.DeliverySettingsFields, ifVersion *int64) (*ally.DeliverySettings, error) {
	return nil, errNotBuilt
}

// Deliveries lists deliveries newest first (staff/API: deliveries:read;
// partner users: their own organization's, f.PartnerID forced).
func (a *App) Deliveries(ctx context.Context, actor ally.Actor, f ally.DeliveryFilter) (ally.Page[*ally.Delivery], error) {
	return ally.Page[*ally.Delivery]{}, errNotBuilt
}

// Delivery returns one delivery with its attempts, to those who may see it.
func (a *App) Delivery(ctx context.Context, actor ally.Actor, id string) (*DeliveryView, error) {
	return nil, errNotBuilt
}

// Redeliver queues another attempt at a delivery now, with the same
// webhook-id and body (deliveries:write).
func (a *App) Redeliver(ctx context.Context, actor ally.Actor, id string) (*ally.Delivery, error) {
	return nil, errNotBuilt
}

// HandleDelivery is the job handler of ally.JobDeliver: one attempt at one
// delivery, recorded on it. It is safe to run twice (at least once).
func (a *App) HandleDelivery(ctx context.Context, job *ally.Job) error {
	return errNotBuilt
}
