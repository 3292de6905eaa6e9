package app

import (
	"context"
	"slices"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/webhook"
)

// Subscriptions lists the vendor's event subscriptions (webhooks:read).
// A list shows no secret: one ALLY_SECRET_KEY does not open is left
// empty rather than failing the list, so its subscription can be found
// and its secret rotated.
func (a *App) Subscriptions(ctx context.Context, actor ally.Actor) ([]*ally.Subscription, error) {
	if err := require(actor, ally.ScopeWebhooksRead); err != nil {
		return nil, err
	}
	subs, err := a.store.FindSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		s.Secret, _ = a.secrets.Open(s.Secret)
	}
	return subs, nil
}

// Subscription returns one subscription (webhooks:read), secret included.
func (a *App) Subscription(ctx context.Context, actor ally.Actor, id string) (*ally.Subscription, error) {
	if err := require(actor, ally.ScopeWebhooksRead); err != nil {
		return nil, err
	}
	s, err := a.store.FindSubscriptionByID(ctx, id)
	return a.openSubscription(s, notFound(err, "subscription", id))
}

// CreateSubscription adds a subscription with a new signing secret (webhooks:write).
// It is enabled unless f says otherwise.
func (a *App) CreateSubscription(ctx context.Context, actor ally.Actor, f ally.SubscriptionFields) (*ally.Subscription, error) {
	if err := require(actor, ally.ScopeWebhooksWrite); err != nil {
		return nil, err
	}
	now := a.clock()
	s := &ally.Subscription{ID: ally.NewID(ally.PrefixSubscription), Events: []string{}, Enabled: true,
		Secret: webhook.NewSecret(), CreatedAt: now, UpdatedAt: now, Version: 1}
	f.Apply(s)
	if err := s.Validate(); err != nil {
		return nil, err
	}
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		sealed := *s
		sealed.Secret = a.secrets.Seal(s.Secret)
		if err := tx.CreateSubscription(ctx, &sealed); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "subscription.created", "subscription", s.ID, "", subscriptionChanges(&ally.Subscription{}, s))
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// UpdateSubscription changes a subscription (webhooks:write).
func (a *App) UpdateSubscription(ctx context.Context, actor ally.Actor, id string, f ally.SubscriptionFields, ifVersion *int64) (*ally.Subscription, error) {
	if err := require(actor, ally.ScopeWebhooksWrite); err != nil {
		return nil, err
	}
	var out *ally.Subscription
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		cur, err := tx.FindSubscriptionByID(ctx, id)
		if err != nil {
			return notFound(err, "subscription", id)
		}
		if err := checkVersion(ifVersion, cur.Version); err != nil {
			return err
		}
		if cur.Secret, err = a.openReplaced(subscriptionSecretOf(id), cur.Secret, f.RotateSecret); err != nil {
			return err
		}
		next := *cur
		next.Events = slices.Clone(cur.Events)
		f.Apply(&next)
		if err := next.Validate(); err != nil {
			return err
		}
		if f.RotateSecret {
			next.Secret = webhook.NewSecret()
		}
		diff := subscriptionChanges(cur, &next)
		if len(diff) == 0 {
			out = cur
			return nil
		}
		next.UpdatedAt = a.clock()
		next.Secret = a.secrets.Seal(next.Secret)
		if err := tx.UpdateSubscription(ctx, &next); err != nil {
			return err
		}
		if err := a.record(ctx, tx, actor, "subscription.updated", "subscription", id, "", diff); err != nil {
			return err
		}
		out, err = a.openSubscription(tx.FindSubscriptionByID(ctx, id))
		return err
	})
	return out, err
}

// DeleteSubscription removes a subscription (webhooks:write); its pending
// deliveries fail at their next attempt.
func (a *App) DeleteSubscription(ctx context.Context, actor ally.Actor, id string) error {
	if err := require(actor, ally.ScopeWebhooksWrite); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		cur, err := tx.FindSubscriptionByID(ctx, id)
		if err != nil {
			return notFound(err, "subscription", id)
		}
		// Going: a secret the key does not open is no reason to stay.
		cur.Secret, _ = a.openReplaced(subscriptionSecretOf(id), cur.Secret, true)
		if err := tx.DeleteSubscription(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "subscription.deleted", "subscription", id, "", subscriptionChanges(cur, &ally.Subscription{}))
	})
}

// subscriptionChanges lists what differs, by API names; the secret masked.
func subscriptionChanges(b, a *ally.Subscription) map[string]ally.Change {
	c := changes{}
	c.str("url", b.URL, a.URL)
	if !slices.Equal(b.Events, a.Events) {
		c.add("events", b.Events, a.Events)
	}
	c.str("description", b.Description, a.Description)
	if b.Enabled != a.Enabled {
		c.add("enabled", b.Enabled, a.Enabled)
	}
	c.str("offReason", b.OffReason, a.OffReason)
	if b.Secret != a.Secret {
		c.add("secret", nullIfEmpty(maskSecret(b.Secret)), nullIfEmpty(maskSecret(a.Secret)))
	}
	return c
}
