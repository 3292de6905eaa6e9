package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// Subscriptions lists the vendor's event subscriptions (webhooks:read).
func (a *App) Subscriptions(ctx context.Context, actor ally.Actor) ([]*ally.Subscription, error) {
	return nil, errNotBuilt
}

// Subscription returns one subscription (webhooks:read), secret included.
func (a *App) Subscription(ctx context.Context, actor ally.Actor, id string) (*ally.Subscription, error) {
	return nil, errNotBuilt
}

// CreateSubscription adds a subscription with a new signing secret (webhooks:write).
func (a *App) CreateSubscription(ctx context.Context, actor ally.Actor, f ally.SubscriptionFields) (*ally.Subscription, error) {
	return nil, errNotBuilt
}

// UpdateSubscription changes a subscription (webhooks:write).
func (a *App) UpdateSubscription(ctx context.Context, actor ally.Actor, id string, f ally.SubscriptionFields, ifVersion *int64) (*ally.Subscription, error) {
	return nil, errNotBuilt
}

// DeleteSubscription removes a subscription (webhooks:write); its pending
// deliveries fail at their next attempt.
func (a *App) DeleteSubscription(ctx context.Context, actor ally.Actor, id string) error {
	return errNotBuilt
}
