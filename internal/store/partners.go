package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// CreatePartner inserts p as given (the caller sets CreatedAt and UpdatedAt),
// with version 1 when p.Version is zero, and indexes its categories.
// A taken domain or externalId is an ECodeConflict *ally.Error.
func (t *tx) CreatePartner(ctx context.Context, p *ally.Partner) error {
	if p.Version == 0 {
		p.Version = 1
	}
	cols, err := partnerValues(p)
	if err != nil {
		return fmt.Errorf("store: create partner: %w", err)
	}
	args := append(append([]any{p.ID, p.Version}, cols...), millis(p.CreatedAt))
	_, err = t.q.ExecContext(ctx, `INSERT INTO partners (id, version,
		name, name_lower, domain, website, logo_url, phone, description, status, archived_from,
		tier_id, phase_id, owner_id, manager_id, champion_contact_id, primary_contact_id,
		experience_template_id, portal_access, categories, external_id, external_id_type,
		external_company_id, partner_crm_properties, company_crm_properties, custom_properties,
		last_activity_at, updated_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
		$19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)`, args...)
	if err := constraintError(err, partnerUniques); err != nil {
		return wrapUnlessDomain("create partner", err)
	}
	if err := t.addCategories(ctx, p.ID, p.Categories); err != nil {
		return fmt.Errorf("store: create partner: %w", err)
	}
	return nil
}

// UpdatePartner writes every field of p if the stored version is p.Version,
// then increments p.Version. A stale version is ally.ErrVersionMismatch, a
// missing partner ally.ErrNotFound. CreatedAt is not rewritten.
func (t *tx) UpdatePartner(ctx context.Context, p *ally.Partner) error {
	cols, err := partnerValues(p)
	if err != nil {
		return fmt.Errorf("store: update partner: %w", err)
	}
	args := append([]any{p.ID, p.Version}, cols...)
	res, err := t.q.ExecContext(ctx, `UPDATE partners SET
		name = $3, name_lower = $4, domain = $5, website = $6, logo_url = $7, phone = $8,
		description = $9, status = $10, archived_from = $11, tier_id = $12, phase_id = $13,
		owner_id = $14, manager_id = $15, champion_contact_id = $16, primary_contact_id = $17,
		experience_template_id = $18, portal_access = $19, categories = $20, external_id = $21,
		external_id_type = $22, external_company_id = $23, partner_crm_properties = $24,
		company_crm_properties = $25, custom_properties = $26, last_activity_at = $27,
		updated_at = $28, version = version + 1
		WHERE id = $1 AND version = $2`, args...)
	if err := constraintError(err, partnerUniques); err != nil {
		return wrapUnlessDomain("update partner", err)
	}
	if err := t.checkVersioned(ctx, res, "partners", p.ID); err != nil {
		return wrapUnlessDomain("update partner", err)
	}
	if err := t.syncCategories(ctx, p.ID, p.Categories); err != nil {
		return fmt.Errorf("store: update partner: %w", err)
	}
	p.Version++
	return nil
}

// partnerValues returns the values for $3 … $28 of the insert and update:
// every column but id, version and created_at.
func partnerValues(p *ally.Partner) ([]any, error) {
	var js [4]string
	for i, v := range []any{p.Categories, p.PartnerCRMProperties, p.CompanyCRMProperties, p.CustomProperties} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode partner %s: %w", p.ID, err)
		}
		js[i] = string(b)
	}
	return []any{
		p.Name, strings.ToLower(p.Name), nullIfEmpty(p.Domain), p.Website, p.LogoURL, p.Phone,
		p.Description, string(p.Status), string(p.ArchivedFrom),
		nullIfEmpty(p.TierID), nullIfEmpty(p.PhaseID), nullIfEmpty(p.OwnerID), nullIfEmpty(p.ManagerID),
		nullIfEmpty(p.ChampionContactID), nullIfEmpty(p.PrimaryContactID),
		nullIfEmpty(p.ExperienceTemplateID), string(p.PortalAccess), js[0],
		nullIfEmpty(p.ExternalID), p.ExternalIDType, p.ExternalCompanyID, js[1], js[2], js[3],
		millis(p.LastActivityAt), millis(p.UpdatedAt),
	}, nil
}

// addCategories indexes a new partner's categories.
func (t *tx) addCategories(ctx context.Context, partnerID string, cats []string) error {
	for _, c := range cats {
		if _, err := t.q.ExecContext(ctx,
			`INSERT INTO partner_categories (category, partner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			c, partnerID); err != nil {
			return fmt.Errorf("index category: %w", err)
		}
	}
	return nil
}

// syncCategories brings the category index in line with cats, touching only
// the rows that changed (usually none: one indexed read).
func (t *tx) syncCategories(ctx context.Context, partnerID string, cats []string) error {
	rows, err := t.q.QueryContext(ctx,
		`SELECT category FROM partner_categories WHERE partner_id = $1`, partnerID)
	if err != nil {
		return fmt.Errorf("read categories: %w", err)
	}
	var have []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return fmt.Errorf("read categories: %w", err)
		}
		have = append(have, c)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read categories: %w", err)
	}
	for _, c := range have {
		if !slices.Contains(cats, c) {
			if _, err := t.q.ExecContext(ctx,
				`DELETE FROM partner_categories WHERE category = $1 AND partner_id = $2`, c, partnerID); err != nil {
				return fmt.Errorf("unindex category: %w", err)
			}
		}
	}
	var add []string
	for _, c := range cats {
		if !slices.Contains(have, c) {
			add = append(add, c)
		}
	}
	return t.addCategories(ctx, partnerID, add)
}

// checkVersioned interprets the result of an optimistic UPDATE … WHERE id
// AND version: one row is success; none means a stale version if the row
// exists and not found otherwise. table is one of ours, never user input.
func (q queries) checkVersioned(ctx context.Context, res sql.Result, table, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var one int
	err = q.q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ally.ErrNotFound
	case err != nil:
		return err
	}
	return ally.ErrVersionMismatch
}

// wrapUnlessDomain returns *ally.Error values as they are, so callers can
// compare them and show their messages, and wraps anything else with the
// operation's name.
func wrapUnlessDomain(op string, err error) error {
	if _, ok := err.(*ally.Error); ok {
		return err
	}
	return fmt.Errorf("store: %s: %w", op, err)
}
