package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Sessions live in the database so every node sees a sign-in and a sign-out
// at once. Only the SHA-256 of the cookie's token is stored.

// CreateSession inserts s. LastSeenAt defaults to CreatedAt; a session
// without an absolute expiry is refused, since the sweep could never end it.
func (t *tx) CreateSession(ctx context.Context, s *ally.Session) error {
	if s.ExpiresAt.IsZero() {
		return fmt.Errorf("store: create session: no expiry")
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, kind, subject_id,
		partner_id, totp_pending, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		s.ID, s.TokenHash, string(s.Kind), s.SubjectID, s.PartnerID, s.TOTPPending,
		millis(s.CreatedAt), millis(s.LastSeenAt), millis(s.ExpiresAt), s.IP, s.UserAgent)
	if err != nil {
		return wrapUnlessDomain("create session", constraintError(err, nil))
	}
	return nil
}

// TouchSession sets the session's last_seen_at to at. It never moves it
// backwards (two requests may finish out of order), and it leaves
// TOTPPending alone: the app ends a pending session and starts a new one
// when the code is right. An unknown id is not an error: the session was
// signed out or swept meanwhile, and the next lookup will say so.
func (t *tx) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2
		WHERE id = $1 AND last_seen_at < $2`, id, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session. It is idempotent: signing out twice, or
// after the sweep removed the session, succeeds.
func (t *tx) DeleteSession(ctx context.Context, id string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsOf ends every session of the subject except keepID ("" keeps
// none), as after a password change or when access is taken away.
func (t *tx) DeleteSessionsOf(ctx context.Context, kind ally.ActorKind, subjectID, keepID string) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE kind = $1 AND subject_id = $2 AND id <> $3`,
		string(kind), subjectID, keepID)
	if err != nil {
		return fmt.Errorf("store: delete sessions of subject: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their absolute expiry or not
// seen since idleBefore and returns how many it removed. Each condition has
// its own index, so the sweep reads only what it deletes.
func (t *tx) DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int, error) {
	res, err := t.q.ExecContext(ctx, deleteExpiredSessionsSQL, now.UnixMilli(), idleBefore.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return int(n), nil
}

const deleteExpiredSessionsSQL = `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`

// FindSessionByTokenHash returns the session whose token hashes to hash, or
// ally.ErrNotFound. It returns expired sessions too: the caller compares
// ExpiresAt and LastSeenAt with its clock and idle limit.
func (q queries) FindSessionByTokenHash(ctx context.Context, hash string) (*ally.Session, error) {
	row := q.queryRow(ctx, `SELECT id, token_hash, kind, subject_id, partner_id, totp_pending,
		created_at, last_seen_at, expires_at, ip, user_agent FROM sessions WHERE token_hash = $1`, hash)
	return findOne(row, func(s scanner) (*ally.Session, error) {
		var ses ally.Session
		var kind string
		var created, seen, expires sql.NullInt64
		if err := s.Scan(&ses.ID, &ses.TokenHash, &kind, &ses.SubjectID, &ses.PartnerID,
			&ses.TOTPPending, &created, &seen, &expires, &ses.IP, &ses.UserAgent); err != nil {
			return nil, err
		}
		ses.Kind = ally.ActorKind(kind)
		ses.CreatedAt, ses.LastSeenAt, ses.ExpiresAt = fromMillis(created), fromMillis(seen), fromMillis(expires)
		return &ses, nil
	}, "find session")
}

// RecordLoginFailure counts one failed sign-in for key (an account or an
// IP address) at at.
func (t *tx) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets the key's failures, as after a good sign-in.
func (t *tx) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// CountLoginFailures counts the key's failures at or after since: one range
// of the (key, at) index.
func (q queries) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := q.queryRow(ctx, countLoginFailuresSQL, key, since.UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count login failures: %w", err)
	}
	return n, nil
}

const countLoginFailuresSQL = `SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2`
