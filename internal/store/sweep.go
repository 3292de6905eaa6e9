package store

import (
	"context"
	"fmt"
	"time"
)

// TouchPartnerActivity records that a partner was active (a portal sign-in,
// a timeline entry) without a version bump: activity is not an edit, and
// must not make a staff user's open form stale.
func (t *tx) TouchPartnerActivity(ctx context.Context, id string, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE partners SET last_activity_at = $2
		WHERE id = $1 AND (last_activity_at IS NULL OR last_activity_at < $2)`, id, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: touch partner activity: %w", err)
	}
	return nil
}

// Sweep deletes what has outlived its use: login failures older than
// failuresBefore, tokens that expired or were used before tokensBefore, and
// jobs finished before jobsBefore. It returns how many rows went.
func (t *tx) Sweep(ctx context.Context, failuresBefore, tokensBefore, jobsBefore time.Time) (int, error) {
	total := 0
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{`DELETE FROM login_failures WHERE at < $1`, failuresBefore.UnixMilli()},
		{`DELETE FROM tokens WHERE expires_at < $1 OR (used_at IS NOT NULL AND used_at < $1)`, tokensBefore.UnixMilli()},
		{`DELETE FROM jobs WHERE state <> 'pending' AND finished_at < $1`, jobsBefore.UnixMilli()},
	} {
		res, err := t.q.ExecContext(ctx, q.sql, q.arg)
		if err != nil {
			return total, fmt.Errorf("store: sweep: %w", err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}
