package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// Deliveries are written in bulk in the transaction of the change that
// causes them (the outbox), then updated by the job that attempts them;
// every attempt is kept. Lists are newest first by id (a ULID: creation order).

var errNoDeliveryRef = &ally.Error{Code: ally.ECodeInvalid, Message: "the delivery's partner or lead does not exist"}

var deliveryInsert = newBatchInsert("deliveries", "", "id text", "event text", "channel text",
	"partner_id text", "lead_id text", "subscription_id text", "target text", "payload bytea",
	"status text", "attempts integer", "next_attempt_at bigint", "last_status_code integer",
	"last_error text", "created_at bigint", "updated_at bigint", "delivered_at bigint")

// CreateDeliveries inserts ds in bulk (insertMany). An unknown partner or
// lead is ECodeInvalid.
func (t *tx) CreateDeliveries(ctx context.Context, ds []*ally.Delivery) error {
	return t.insertMany(ctx, deliveryInsert, len(ds), func(i int, dst []any) ([]any, error) {
		d := ds[i]
		var payload any
		if len(d.Payload) > 0 {
			payload = d.Payload
		}
		return append(dst, d.ID, d.Event, string(d.Channel), nullIfEmpty(d.PartnerID), nullIfEmpty(d.LeadID),
			nullIfEmpty(d.SubscriptionID), d.Target, payload, string(d.Status), int64(d.Attempts),
			millis(d.NextAttemptAt), int64(d.LastStatusCode), validText(d.LastError), millis(d.CreatedAt),
			millis(d.UpdatedAt), millis(d.DeliveredAt)), nil
	}, func(err error) error {
		return wrapUnlessDomain("create deliveries", badRef(constraintError(err, nil), errNoDeliveryRef))
	})
}

// UpdateDelivery writes what an attempt changes: status, attempts, next
// attempt, last status code and error, updated and delivered times. An
// unknown id is ally.ErrNotFound.
func (t *tx) UpdateDelivery(ctx context.Context, d *ally.Delivery) error {
	d.LastError = validText(d.LastError)
	return execOne(ctx, t.q, "update delivery", `UPDATE deliveries SET status = $2, attempts = $3,
		next_attempt_at = $4, last_status_code = $5, last_error = $6, updated_at = $7, delivered_at = $8
		WHERE id = $1`, d.ID, string(d.Status), d.Attempts, millis(d.NextAttemptAt), d.LastStatusCode,
		d.LastError, millis(d.UpdatedAt), millis(d.DeliveredAt))
}

// CreateDeliveryAttempt records one try at a delivery. The receiver's
// answer is outside text: invalid UTF-8 and NUL bytes (which PostgreSQL's
// text refuses) are replaced, so a bad answer is kept, not lost.
func (t *tx) CreateDeliveryAttempt(ctx context.Context, a *ally.DeliveryAttempt) error {
	a.Response, a.Error = validText(a.Response), validText(a.Error)
	_, err := t.q.ExecContext(ctx, `INSERT INTO delivery_attempts (id, delivery_id, at, target,
		status_code, response, error, duration_ms, ok) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, a.DeliveryID, millis(a.At), a.Target, a.StatusCode, a.Response, a.Error, a.DurationMS, a.OK)
	if err != nil {
		return wrapUnlessDomain("create delivery attempt", badRef(constraintError(err, nil),
			&ally.Error{Code: ally.ECodeInvalid, Message: "the delivery does not exist"}))
	}
	return nil
}

// validText makes outside text storable on both engines: valid UTF-8
// without NUL bytes.
func validText(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
}

const deliverySelect = `SELECT id, event, channel, partner_id, lead_id, subscription_id, target,
	payload, status, attempts, next_attempt_at, last_status_code, last_error, created_at,
	updated_at, delivered_at FROM deliveries`

func scanDelivery(s scanner) (*ally.Delivery, error) {
	var d ally.Delivery
	var channel, status string
	var partner, lead, sub sql.NullString
	var next, created, updated, delivered sql.NullInt64
	if err := s.Scan(&d.ID, &d.Event, &channel, &partner, &lead, &sub, &d.Target, &d.Payload, &status,
		&d.Attempts, &next, &d.LastStatusCode, &d.LastError, &created, &updated, &delivered); err != nil {
		return nil, err
	}
	d.Channel, d.Status = ally.DeliveryChannel(channel), ally.DeliveryStatus(status)
	d.PartnerID, d.LeadID, d.SubscriptionID = partner.String, lead.String, sub.String
	d.NextAttemptAt, d.CreatedAt, d.UpdatedAt, d.DeliveredAt = fromMillis(next), fromMillis(created), fromMillis(updated), fromMillis(delivered)
	return &d, nil
}

// FindDeliveryByID returns the delivery with id, or ally.ErrNotFound.
func (q queries) FindDeliveryByID(ctx context.Context, id string) (*ally.Delivery, error) {
	return findOne(q.queryRow(ctx, deliverySelect+` WHERE id = $1`, id), scanDelivery, "find delivery")
}

// FindDeliveries returns up to f.Limit (default 50) deliveries before the
// id f.After, newest first: one backwards range of the partner, lead,
// subscription or status index, or of the primary key.
func (q queries) FindDeliveries(ctx context.Context, f ally.DeliveryFilter) ([]*ally.Delivery, error) {
	query, args := deliveryListQuery(f)
	return findAll(ctx, q, query, args, scanDelivery, "find deliveries")
}

func deliveryListQuery(f ally.DeliveryFilter) (string, []any) {
	var w where
	if f.PartnerID != "" {
		w.add("partner_id = " + w.arg(f.PartnerID))
	}
	if f.LeadID != "" {
		w.add("lead_id = " + w.arg(f.LeadID))
	}
	if f.SubscriptionID != "" {
		w.add("subscription_id = " + w.arg(f.SubscriptionID))
	}
	if f.Status != "" {
		w.add("status = " + w.arg(string(f.Status)))
	}
	if f.VisibleTo != "" {
		// The user's book of partners, as for leads; vendor events (no
		// partner) are in no book.
		u := w.arg(f.VisibleTo)
		w.add("partner_id IN (SELECT id FROM partners WHERE owner_id = " + u +
			" UNION ALL SELECT id FROM partners WHERE manager_id = " + u +
			" UNION ALL SELECT partner_id FROM partner_grants WHERE user_id = " + u + ")")
	}
	if f.After != "" {
		w.add("id < " + w.arg(f.After))
	}
	return deliverySelect + w.clause() + " ORDER BY id DESC LIMIT " + limitSQL(&w, pageLimit(f.Limit)), w.args
}

// FindDeliveryAttempts returns the delivery's latest limit (default 50)
// attempts, newest first.
func (q queries) FindDeliveryAttempts(ctx context.Context, deliveryID string, limit int) ([]*ally.DeliveryAttempt, error) {
	return findAll(ctx, q, attemptListSQL, []any{deliveryID, pageLimit(limit)}, scanAttempt, "find delivery attempts")
}

// FindAttemptsOfDeliveries returns the latest limitEach (default 50)
// attempts of each delivery in one query, so a page listing deliveries with
// their attempts reads them once, not once per delivery. Each delivery's
// rows are a range of ix_delivery_attempts_delivery, numbered newest first.
func (q queries) FindAttemptsOfDeliveries(ctx context.Context, deliveryIDs []string, limitEach int) ([]*ally.DeliveryAttempt, error) {
	if len(deliveryIDs) == 0 {
		return []*ally.DeliveryAttempt{}, nil
	}
	args := make([]any, 0, len(deliveryIDs)+1)
	args = append(args, pageLimit(limitEach))
	marks := make([]string, len(deliveryIDs))
	for i, id := range deliveryIDs {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	query := `SELECT id, delivery_id, at, target, status_code, response, error, duration_ms, ok FROM (
		SELECT *, ROW_NUMBER() OVER (PARTITION BY delivery_id ORDER BY id DESC) AS n
		FROM delivery_attempts WHERE delivery_id IN (` + strings.Join(marks, ", ") + `)) latest
		WHERE n <= $1 ORDER BY delivery_id, id DESC`
	return findAll(ctx, q, query, args, scanAttempt, "find attempts of deliveries")
}

func scanAttempt(s scanner) (*ally.DeliveryAttempt, error) {
	var a ally.DeliveryAttempt
	var at sql.NullInt64
	if err := s.Scan(&a.ID, &a.DeliveryID, &at, &a.Target, &a.StatusCode, &a.Response, &a.Error,
		&a.DurationMS, &a.OK); err != nil {
		return nil, err
	}
	a.At = fromMillis(at)
	return &a, nil
}

const attemptListSQL = `SELECT id, delivery_id, at, target, status_code, response, error,
	duration_ms, ok FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id DESC LIMIT $2`
