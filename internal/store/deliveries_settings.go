package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// FindDeliverySettings returns the partner's delivery settings, or zero
// settings (PartnerID set, Version 0) when none were saved.
func (q queries) FindDeliverySettings(ctx context.Context, partnerID string) (*ally.DeliverySettings, error) {
	s := ally.DeliverySettings{PartnerID: partnerID}
	var emails string
	var updated sql.NullInt64
	err := q.queryRow(ctx, `SELECT webhook_url, webhook_secret, webhook_on, webhook_off_reason,
		email_to, email_on, updated_at, version FROM delivery_settings WHERE partner_id = $1`, partnerID).
		Scan(&s.WebhookURL, &s.WebhookSecret, &s.WebhookOn, &s.WebhookOffReason, &emails, &s.EmailOn, &updated, &s.Version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return &s, nil
	case err != nil:
		return nil, fmt.Errorf("store: find delivery settings: %w", err)
	}
	if err := json.Unmarshal([]byte(emails), &s.EmailTo); err != nil {
		return nil, fmt.Errorf("store: decode delivery settings of %s: %w", partnerID, err)
	}
	s.UpdatedAt = fromMillis(updated)
	return &s, nil
}

// SaveDeliverySettings writes s if the stored version is s.Version (0: none
// saved yet), then increments s.Version. A stale version, including a
// first save that another beat, is ally.ErrVersionMismatch; an unknown
// partner ECodeInvalid. Neither statement fails on a lost race, so the
// transaction stays usable on PostgreSQL.
func (t *tx) SaveDeliverySettings(ctx context.Context, s *ally.DeliverySettings) error {
	emails, err := json.Marshal(s.EmailTo)
	if err != nil {
		return fmt.Errorf("store: encode delivery settings of %s: %w", s.PartnerID, err)
	}
	args := []any{s.PartnerID, s.Version, s.WebhookURL, s.WebhookSecret, s.WebhookOn, s.WebhookOffReason,
		string(emails), s.EmailOn, millis(s.UpdatedAt)}
	query := `UPDATE delivery_settings SET webhook_url = $3, webhook_secret = $4, webhook_on = $5,
		webhook_off_reason = $6, email_to = $7, email_on = $8, updated_at = $9, version = version + 1
		WHERE partner_id = $1 AND version = $2`
	if s.Version == 0 {
		query = `INSERT INTO delivery_settings (partner_id, version, webhook_url, webhook_secret,
			webhook_on, webhook_off_reason, email_to, email_on, updated_at)
			VALUES ($1, $2 + 1, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (partner_id) DO NOTHING`
	}
	res, err := t.q.ExecContext(ctx, query, args...)
	if err != nil {
		return wrapUnlessDomain("save delivery settings", badRef(constraintError(err, nil), errNoPartner))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: save delivery settings: %w", err)
	}
	if n == 0 {
		return ally.ErrVersionMismatch
	}
	s.Version++
	return nil
}
