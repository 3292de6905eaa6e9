package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// Activity (a partner's timeline) and notifications (messages to one
// person). Both are append-mostly and read newest first by id, which is a
// ULID and so time order.

// CreateActivity appends a to its partner's timeline; an unknown partner is
// ECodeInvalid.
func (t *tx) CreateActivity(ctx context.Context, a *ally.Activity) error {
	return t.later(ctx, func(err error) error {
		return wrapUnlessDomain("create activity", badRef(constraintError(err, nil), errNoPartner))
	}, `INSERT INTO activities
		(id, partner_id, kind, text, actor_kind, actor_id, actor_label, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.ID, a.PartnerID, string(a.Kind), a.Text, string(a.ActorKind), a.ActorID, a.ActorLabel, millis(a.At))
}

// FindActivities returns up to f.Limit (default 50) entries before f.Before,
// newest first. Notes are internal: without f.Internal they are left out,
// whoever asks, so a partner user's timeline cannot show one by mistake.
func (q queries) FindActivities(ctx context.Context, f ally.ActivityFilter) ([]*ally.Activity, error) {
	query, args := activityListQuery(f)
	return findAll(ctx, q, query, args, func(s scanner) (*ally.Activity, error) {
		var a ally.Activity
		var kind, actorKind string
		var at sql.NullInt64
		if err := s.Scan(&a.ID, &a.PartnerID, &kind, &a.Text, &actorKind, &a.ActorID, &a.ActorLabel, &at); err != nil {
			return nil, err
		}
		a.Kind, a.ActorKind, a.At = ally.ActivityKind(kind), ally.ActorKind(actorKind), fromMillis(at)
		return &a, nil
	}, "find activities")
}

// activityListQuery builds the timeline query; (partner_id, id) read
// backwards gives the page in order, with notes filtered on the way.
func activityListQuery(f ally.ActivityFilter) (string, []any) {
	var w where
	if f.PartnerID != "" {
		w.add("partner_id = " + w.arg(f.PartnerID))
	}
	if !f.Internal {
		w.add("kind <> " + w.arg(string(ally.ActivityNote)))
	}
	if f.Before != "" {
		w.add("id < " + w.arg(f.Before))
	}
	return `SELECT id, partner_id, kind, text, actor_kind, actor_id, actor_label, at FROM activities` +
		w.clause() + ` ORDER BY id DESC LIMIT ` + limitSQL(&w, pageLimit(f.Limit)), w.args
}

// CreateNotification stores n for its recipient.
func (t *tx) CreateNotification(ctx context.Context, n *ally.Notification) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO notifications
		(id, recipient_kind, recipient_id, kind, text, link, is_read, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		n.ID, string(n.RecipientKind), n.RecipientID, n.Kind, n.Text, n.Link, n.Read, millis(n.CreatedAt))
	if err != nil {
		return wrapUnlessDomain("create notification", constraintError(err, nil))
	}
	return nil
}

// MarkNotificationsRead marks every unread notification of the recipient read.
func (t *tx) MarkNotificationsRead(ctx context.Context, recipientKind ally.ActorKind, recipientID string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE notifications SET is_read = $3
		WHERE recipient_kind = $1 AND recipient_id = $2 AND is_read = $4`,
		string(recipientKind), recipientID, true, false)
	if err != nil {
		return fmt.Errorf("store: mark notifications read: %w", err)
	}
	return nil
}

// FindNotifications returns the recipient's latest limit (default 50)
// notifications, newest first: one backwards range of the recipient index.
func (q queries) FindNotifications(ctx context.Context, recipientKind ally.ActorKind, recipientID string, limit int) ([]*ally.Notification, error) {
	query, args := notificationListQuery(recipientKind, recipientID, limit)
	return findAll(ctx, q, query, args, func(s scanner) (*ally.Notification, error) {
		var n ally.Notification
		var kind string
		var created sql.NullInt64
		if err := s.Scan(&n.ID, &kind, &n.RecipientID, &n.Kind, &n.Text, &n.Link, &n.Read, &created); err != nil {
			return nil, err
		}
		n.RecipientKind, n.CreatedAt = ally.ActorKind(kind), fromMillis(created)
		return &n, nil
	}, "find notifications")
}

func notificationListQuery(kind ally.ActorKind, id string, limit int) (string, []any) {
	return `SELECT id, recipient_kind, recipient_id, kind, text, link, is_read, created_at
		FROM notifications WHERE recipient_kind = $1 AND recipient_id = $2
		ORDER BY id DESC LIMIT $3`, []any{string(kind), id, pageLimit(limit)}
}
