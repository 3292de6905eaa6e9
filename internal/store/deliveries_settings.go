package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

const settingsSelect = `SELECT partner_id, webhook_url, webhook_secret, webhook_on, webhook_off_reason,
	email_to, email_on, updated_at, version FROM delivery_settings`

// FindDeliverySettings returns the partner's delivery settings, or zero
// settings (PartnerID set, Version 0) when none were saved.
func (q queries) FindDeliverySettings(ctx context.Context, partnerID string) (*ally.DeliverySettings, error) {
	s, err := scanSettings(q.queryRow(ctx, settingsSelect+` WHERE partner_id = $1`, partnerID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return &ally.DeliverySettings{PartnerID: partnerID}, nil
	case err != nil:
		return nil, fmt.Errorf("store: find delivery settings: %w", err)
	}
	return s, nil
}

// FindDeliverySettingsFor returns the partners' delivery settings by
// partner id, in one query, with zero settings for those that saved none:
// an import batch's outbox reads every partner it delivers to at once.
func (q queries) FindDeliverySettingsFor(ctx context.Context, partnerIDs []string) (map[string]*ally.DeliverySettings, error) {
	out := make(map[string]*ally.DeliverySettings, len(partnerIDs))
	switch len(partnerIDs) {
	case 0:
		return out, nil
	case 1: // a single intake: the plain point read
		s, err := q.FindDeliverySettings(ctx, partnerIDs[0])
		if err != nil {
			return nil, err
		}
		out[s.PartnerID] = s
		return out, nil
	}
	var w where
	w.add(inList(q.engine, &w, "partner_id", partnerIDs))
	found, err := findAll(ctx, q, settingsSelect+w.clause(), w.args, scanSettings, "find delivery settings")
	if err != nil {
		return nil, err
	}
	for _, id := range partnerIDs {
		out[id] = &ally.DeliverySettings{PartnerID: id}
	}
	for _, s := range found {
		out[s.PartnerID] = s
	}
	return out, nil
}

func scanSettings(sc scanner) (*ally.DeliverySettings, error) {
	var s ally.DeliverySettings
	var emails string
	var updated sql.NullInt64
	if err := sc.Scan(&s.PartnerID, &s.WebhookURL, &s.WebhookSecret, &s.WebhookOn, &s.WebhookOffReason,
		&emails, &s.EmailOn, &updated, &s.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(emails), &s.EmailTo); err != nil {
		return nil, fmt.Errorf("decode delivery settings of %s: %w", s.PartnerID, err)
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
