package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Tokens are single-use secrets sent by e-mail (invites, password resets,
// sign-up and e-mail change proofs). Only the hash is stored, as the key.

// CreateToken inserts t. A hash already stored is an ECodeConflict.
func (t *tx) CreateToken(ctx context.Context, tk *ally.Token) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO tokens (hash, purpose, subject_kind, subject_id,
		partner_id, email, data, created_at, expires_at, used_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tk.Hash, string(tk.Purpose), string(tk.SubjectKind), tk.SubjectID, tk.PartnerID,
		tk.Email, tk.Data, millis(tk.CreatedAt), tk.ExpiresAt.UnixMilli(), millis(tk.UsedAt))
	if err != nil {
		return wrapUnlessDomain("create token", constraintError(err, nil))
	}
	return nil
}

// UseToken marks the token used at now and returns it, if it has this
// purpose, is unused and has not expired; anything else is ally.ErrNotFound
// (the caller cannot tell an unknown link from a spent one, nor needs to).
//
// The check and the mark are one UPDATE, so single use holds across
// connections and nodes: on PostgreSQL a second transaction waits for the
// first's row lock and then finds used_at set; on SQLite the one writer
// runs them one after the other.
func (t *tx) UseToken(ctx context.Context, hash string, purpose ally.TokenPurpose, now time.Time) (*ally.Token, error) {
	row := t.q.QueryRowContext(ctx, `UPDATE tokens SET used_at = $3
		WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
		RETURNING `+tokenColumns, hash, string(purpose), now.UnixMilli())
	return findOne(row, scanToken, "use token")
}

// DeleteTokensOf removes the subject's unused tokens of purpose, as when an
// invite is revoked or a new reset link replaces the old. Used tokens stay
// as a record of what was done.
func (t *tx) DeleteTokensOf(ctx context.Context, purpose ally.TokenPurpose, subjectKind ally.ActorKind, subjectID string) error {
	_, err := t.q.ExecContext(ctx, deleteTokensOfSQL, string(subjectKind), subjectID, string(purpose))
	if err != nil {
		return fmt.Errorf("store: delete tokens: %w", err)
	}
	return nil
}

const deleteTokensOfSQL = `DELETE FROM tokens WHERE subject_kind = $1 AND subject_id = $2
	AND purpose = $3 AND used_at IS NULL`

const tokenColumns = `hash, purpose, subject_kind, subject_id, partner_id, email, data,
	created_at, expires_at, used_at`

func scanToken(s scanner) (*ally.Token, error) {
	var tk ally.Token
	var purpose, kind string
	var created, expires, used sql.NullInt64
	if err := s.Scan(&tk.Hash, &purpose, &kind, &tk.SubjectID, &tk.PartnerID, &tk.Email,
		&tk.Data, &created, &expires, &used); err != nil {
		return nil, err
	}
	tk.Purpose, tk.SubjectKind = ally.TokenPurpose(purpose), ally.ActorKind(kind)
	tk.CreatedAt, tk.ExpiresAt, tk.UsedAt = fromMillis(created), fromMillis(expires), fromMillis(used)
	return &tk, nil
}

// FindTokenByHash returns the token, used, expired or not (to show a page
// before using it), or ally.ErrNotFound.
func (q queries) FindTokenByHash(ctx context.Context, hash string) (*ally.Token, error) {
	return findOne(q.queryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash),
		scanToken, "find token")
}
