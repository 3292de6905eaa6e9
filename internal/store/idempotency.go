package store

import (
	"context"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Idempotency records let a retried POST with the same Idempotency-Key get
// the first answer. A record is claimed (status 0) before the work runs and
// completed with the response after, inside the work's transaction.

// ClaimIdempotencyKey inserts r as in progress; false means the key is
// already recorded (by this request earlier, or one running now).
func (t *tx) ClaimIdempotencyKey(ctx context.Context, r *ally.IdempotencyRecord) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO idempotency_keys
		(key_id, idem_key, request_hash, status, body, created_at)
		VALUES ($1, $2, $3, 0, NULL, $4) ON CONFLICT DO NOTHING`,
		r.KeyID, r.Key, r.RequestHash, millis(r.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("store: claim idempotency key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim idempotency key: %w", err)
	}
	return n == 1, nil
}

// ReclaimIdempotencyKey takes over a record still in progress and created
// before staleBefore (its request presumably died), giving it r's hash and
// time; false means the record is fresh, completed or gone.
func (t *tx) ReclaimIdempotencyKey(ctx context.Context, r *ally.IdempotencyRecord, staleBefore time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE idempotency_keys SET request_hash = $3, created_at = $4
		WHERE key_id = $1 AND idem_key = $2 AND status = 0 AND created_at < $5`,
		r.KeyID, r.Key, r.RequestHash, millis(r.CreatedAt), staleBefore.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: reclaim idempotency key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: reclaim idempotency key: %w", err)
	}
	return n == 1, nil
}

// CompleteIdempotencyKey stores the response status and body; an unknown
// record is ally.ErrNotFound.
func (t *tx) CompleteIdempotencyKey(ctx context.Context, r *ally.IdempotencyRecord) error {
	res, err := t.q.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, body = $4
		WHERE key_id = $1 AND idem_key = $2`, r.KeyID, r.Key, r.Status, r.Body)
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	if n == 0 {
		return ally.ErrNotFound
	}
	return nil
}

// DeleteIdempotencyKey forgets a record (for example after the work failed,
// so a retry runs again). Deleting a missing record is not an error.
func (t *tx) DeleteIdempotencyKey(ctx context.Context, keyID, idemKey string) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE key_id = $1 AND idem_key = $2`, keyID, idemKey)
	if err != nil {
		return fmt.Errorf("store: delete idempotency key: %w", err)
	}
	return nil
}

// FindIdempotencyRecord returns the record for the key, or ally.ErrNotFound.
func (q queries) FindIdempotencyRecord(ctx context.Context, keyID, idemKey string) (*ally.IdempotencyRecord, error) {
	row := q.queryRow(ctx, `SELECT key_id, idem_key, request_hash, status, body, created_at
		FROM idempotency_keys WHERE key_id = $1 AND idem_key = $2`, keyID, idemKey)
	return findOne(row, func(s scanner) (*ally.IdempotencyRecord, error) {
		var r ally.IdempotencyRecord
		var created int64
		if err := s.Scan(&r.KeyID, &r.Key, &r.RequestHash, &r.Status, &r.Body, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = time.UnixMilli(created).UTC()
		return &r, nil
	}, "find idempotency record")
}
