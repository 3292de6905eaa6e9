package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// CreateAPIKey stores a key's hash and metadata (never the key itself).
func (t *tx) CreateAPIKey(ctx context.Context, k *ally.APIKey) error {
	scopes, err := json.Marshal(k.Scopes)
	if err != nil {
		return fmt.Errorf("store: create api key: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO api_keys
		(id, name, prefix, hash, scopes, created_by, created_at, last_used_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.Name, k.Prefix, k.Hash, string(scopes), nullIfEmpty(k.CreatedBy),
		millis(k.CreatedAt), millis(k.LastUsedAt), millis(k.RevokedAt))
	if err != nil {
		return wrapUnlessDomain("create api key", constraintError(err, nil))
	}
	return nil
}

// RevokeAPIKey marks the key revoked at at. Revoking a revoked key keeps
// the first time and succeeds; an unknown id is ally.ErrNotFound.
func (t *tx) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := t.q.ExecContext(ctx,
		`UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, millis(at))
	if err != nil {
		return fmt.Errorf("store: revoke api key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var one int
	err = t.q.QueryRowContext(ctx, `SELECT 1 FROM api_keys WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ally.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: revoke api key: %w", err)
	}
	return nil
}

// TouchAPIKey records the key's last use. It runs on its own, outside any
// transaction, on the writer pool; it never moves last_used_at backwards,
// and an unknown key is not an error (this is best effort bookkeeping).
func (db *DB) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := db.writer.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`, id, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: touch api key: %w", err)
	}
	return nil
}

const apiKeySelect = `SELECT id, name, prefix, hash, scopes, created_by, created_at,
	last_used_at, revoked_at FROM api_keys`

func scanAPIKey(s scanner) (*ally.APIKey, error) {
	var k ally.APIKey
	var scopes string
	var createdBy sql.NullString
	var created, used, revoked sql.NullInt64
	if err := s.Scan(&k.ID, &k.Name, &k.Prefix, &k.Hash, &scopes, &createdBy,
		&created, &used, &revoked); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
		return nil, fmt.Errorf("decode api key %s scopes: %w", k.ID, err)
	}
	k.CreatedBy = createdBy.String
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = fromMillis(created), fromMillis(used), fromMillis(revoked)
	return &k, nil
}

// FindAPIKeyByHash returns the key whose hash is hash, revoked or not (the
// caller decides), or ally.ErrNotFound. Every API request makes this call:
// it is one lookup in the unique hash index.
func (q queries) FindAPIKeyByHash(ctx context.Context, hash string) (*ally.APIKey, error) {
	return findOne(q.queryRow(ctx, apiKeySelect+` WHERE hash = $1`, hash), scanAPIKey, "find api key")
}

// FindAPIKeys returns every key, newest first.
func (q queries) FindAPIKeys(ctx context.Context) ([]*ally.APIKey, error) {
	return findAll(ctx, q, apiKeySelect+` ORDER BY created_at DESC, id DESC`, nil, scanAPIKey, "find api keys")
}
