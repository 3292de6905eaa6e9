package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// Subscriptions send the vendor's own systems the events they ask for; a
// handful, read whole by every change that emits an event.

// CreateSubscription inserts s, with version 1 when s.Version is zero.
func (t *tx) CreateSubscription(ctx context.Context, s *ally.Subscription) error {
	if s.Version == 0 {
		s.Version = 1
	}
	cols, err := subscriptionValues(s)
	if err != nil {
		return fmt.Errorf("store: create subscription: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO subscriptions (id, version, url, secret, events,
		description, enabled, off_reason, updated_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		append(append([]any{s.ID, s.Version}, cols...), millis(s.CreatedAt))...)
	if err != nil {
		return wrapUnlessDomain("create subscription", constraintError(err, nil))
	}
	return nil
}

// UpdateSubscription writes every field of s but created_at if the stored
// version is s.Version, then increments s.Version.
func (t *tx) UpdateSubscription(ctx context.Context, s *ally.Subscription) error {
	cols, err := subscriptionValues(s)
	if err != nil {
		return fmt.Errorf("store: update subscription: %w", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE subscriptions SET url = $3, secret = $4, events = $5,
		description = $6, enabled = $7, off_reason = $8, updated_at = $9, version = version + 1
		WHERE id = $1 AND version = $2`, append([]any{s.ID, s.Version}, cols...)...)
	if err == nil {
		err = t.checkVersioned(ctx, res, "subscriptions", s.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update subscription", err)
	}
	s.Version++
	return nil
}

// subscriptionValues returns $3 … $9 of the insert and update.
func subscriptionValues(s *ally.Subscription) ([]any, error) {
	events, err := json.Marshal(s.Events)
	if err != nil {
		return nil, fmt.Errorf("encode subscription %s events: %w", s.ID, err)
	}
	return []any{s.URL, s.Secret, string(events), s.Description, s.Enabled, s.OffReason, millis(s.UpdatedAt)}, nil
}

// DeleteSubscription removes the subscription; its deliveries stay in the
// log. An unknown id is ally.ErrNotFound.
func (t *tx) DeleteSubscription(ctx context.Context, id string) error {
	return execOne(ctx, t.q, "delete subscription", `DELETE FROM subscriptions WHERE id = $1`, id)
}

const subscriptionSelect = `SELECT id, url, secret, events, description, enabled, off_reason,
	created_at, updated_at, version FROM subscriptions`

func scanSubscription(s scanner) (*ally.Subscription, error) {
	var sub ally.Subscription
	var events string
	var created, updated sql.NullInt64
	if err := s.Scan(&sub.ID, &sub.URL, &sub.Secret, &events, &sub.Description, &sub.Enabled,
		&sub.OffReason, &created, &updated, &sub.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &sub.Events); err != nil {
		return nil, fmt.Errorf("decode subscription %s events: %w", sub.ID, err)
	}
	sub.CreatedAt, sub.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &sub, nil
}

// FindSubscriptions returns every subscription, oldest first.
func (q queries) FindSubscriptions(ctx context.Context) ([]*ally.Subscription, error) {
	return findAll(ctx, q, subscriptionsSQL, nil, scanSubscription, "find subscriptions")
}

const subscriptionsSQL = subscriptionSelect + ` ORDER BY id`

// FindSubscriptionByID returns the subscription with id, or ally.ErrNotFound.
func (q queries) FindSubscriptionByID(ctx context.Context, id string) (*ally.Subscription, error) {
	return findOne(q.queryRow(ctx, subscriptionSelect+` WHERE id = $1`, id), scanSubscription, "find subscription")
}
