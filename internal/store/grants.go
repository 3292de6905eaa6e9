package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// Grants let a staff user see a partner they neither own nor manage. The
// partner list's VisibleTo filter reads them (partners_find.go).

// CreateGrant grants g.UserID access to g.PartnerID. It is idempotent:
// granting again succeeds and keeps the first grant's time. An unknown user
// or partner is ECodeInvalid.
func (t *tx) CreateGrant(ctx context.Context, g *ally.Grant) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO partner_grants (user_id, partner_id, created_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, g.UserID, g.PartnerID, millis(g.CreatedAt))
	if err != nil {
		return wrapUnlessDomain("create grant", badRef(constraintError(err, nil), errNoUserOrPartner))
	}
	return nil
}

// DeleteGrant takes the grant away. It is idempotent, like CreateGrant:
// removing a grant that is not there succeeds, so "make it so" calls from
// the admin UI need no read first.
func (t *tx) DeleteGrant(ctx context.Context, userID, partnerID string) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM partner_grants WHERE user_id = $1 AND partner_id = $2`,
		userID, partnerID)
	if err != nil {
		return fmt.Errorf("store: delete grant: %w", err)
	}
	return nil
}

func scanGrant(s scanner) (*ally.Grant, error) {
	var g ally.Grant
	var created sql.NullInt64
	if err := s.Scan(&g.UserID, &g.PartnerID, &created); err != nil {
		return nil, err
	}
	g.CreatedAt = fromMillis(created)
	return &g, nil
}

// FindGrants returns the user's grants by partner id (the primary key's order).
func (q queries) FindGrants(ctx context.Context, userID string) ([]*ally.Grant, error) {
	return findAll(ctx, q, `SELECT user_id, partner_id, created_at FROM partner_grants
		WHERE user_id = $1 ORDER BY partner_id`, []any{userID}, scanGrant, "find grants")
}

// FindPartnerGrants returns the grants on a partner by user id.
func (q queries) FindPartnerGrants(ctx context.Context, partnerID string) ([]*ally.Grant, error) {
	return findAll(ctx, q, `SELECT user_id, partner_id, created_at FROM partner_grants
		WHERE partner_id = $1 ORDER BY user_id`, []any{partnerID}, scanGrant, "find partner grants")
}
