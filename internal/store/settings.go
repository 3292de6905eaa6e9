package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// Settings are one row (id 1) holding ally.Settings as JSON: they are read
// and saved whole, and a new field needs no migration.

// FindSettings returns the saved settings, or zero Settings when none were saved.
func (q queries) FindSettings(ctx context.Context) (*ally.Settings, error) {
	var data string
	err := q.queryRow(ctx, `SELECT data FROM settings WHERE id = 1`).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return &ally.Settings{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: find settings: %w", err)
	}
	var s ally.Settings
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		return nil, fmt.Errorf("store: decode settings: %w", err)
	}
	return &s, nil
}

// SaveSettings replaces the settings with s.
func (t *tx) SaveSettings(ctx context.Context, s *ally.Settings) error {
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("store: save settings: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO settings (id, data) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`, string(data))
	if err != nil {
		return fmt.Errorf("store: save settings: %w", err)
	}
	return nil
}

// sealedSecretsSQL takes one value beginning with $1 from each column that
// keeps a secret. Each scan stops at its first match; a table without one
// is read through, once, at start.
var sealedSecretsSQL = `SELECT v FROM (SELECT webhook_secret AS v FROM delivery_settings WHERE substr(webhook_secret, 1, length(CAST($1 AS TEXT))) = $1 LIMIT 1) d
	UNION ALL SELECT v FROM (SELECT secret AS v FROM subscriptions WHERE substr(secret, 1, length(CAST($1 AS TEXT))) = $1 LIMIT 1) s
	UNION ALL SELECT v FROM (SELECT totp_secret AS v FROM users WHERE substr(totp_secret, 1, length(CAST($1 AS TEXT))) = $1 LIMIT 1) u`

// FindSealedSecrets returns up to one secret beginning with prefix from
// each table that keeps secrets, for a check at start that the node's key
// opens them.
func (q queries) FindSealedSecrets(ctx context.Context, prefix string) ([]string, error) {
	return findStrings(ctx, q, sealedSecretsSQL, []any{prefix}, "find sealed secrets")
}
