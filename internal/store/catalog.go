package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// The catalog: tiers, phases and experience templates (templates.go). Small
// tables, read whole and ordered for display; written with the same
// optimistic version check as partners. Names are not unique.

// CreateTier inserts t as given, with version 1 when t.Version is zero.
func (t *tx) CreateTier(ctx context.Context, tr *ally.Tier) error {
	if tr.Version == 0 {
		tr.Version = 1
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO tiers
		(id, name, rank, price_per_lead_cents, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		tr.ID, tr.Name, tr.Rank, tr.PricePerLeadCents, millis(tr.CreatedAt), millis(tr.UpdatedAt), tr.Version)
	if err != nil {
		return wrapUnlessDomain("create tier", constraintError(err, nil))
	}
	return nil
}

// UpdateTier writes tr if the stored version is tr.Version and increments it.
func (t *tx) UpdateTier(ctx context.Context, tr *ally.Tier) error {
	res, err := t.q.ExecContext(ctx, `UPDATE tiers SET name = $3, rank = $4,
		price_per_lead_cents = $5, updated_at = $6, version = version + 1
		WHERE id = $1 AND version = $2`,
		tr.ID, tr.Version, tr.Name, tr.Rank, tr.PricePerLeadCents, millis(tr.UpdatedAt))
	if err == nil {
		err = t.checkVersioned(ctx, res, "tiers", tr.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update tier", err)
	}
	tr.Version++
	return nil
}

const tierSelect = `SELECT id, name, rank, price_per_lead_cents, created_at, updated_at, version FROM tiers`

func scanTier(s scanner) (*ally.Tier, error) {
	var tr ally.Tier
	var created, updated sql.NullInt64
	if err := s.Scan(&tr.ID, &tr.Name, &tr.Rank, &tr.PricePerLeadCents, &created, &updated, &tr.Version); err != nil {
		return nil, err
	}
	tr.CreatedAt, tr.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &tr, nil
}

// FindTierByID returns the tier with id, or ally.ErrNotFound.
func (q queries) FindTierByID(ctx context.Context, id string) (*ally.Tier, error) {
	return findOne(q.queryRow(ctx, tierSelect+` WHERE id = $1`, id), scanTier, "find tier")
}

// FindTiers returns every tier, best (highest rank) first, then by name.
func (q queries) FindTiers(ctx context.Context) ([]*ally.Tier, error) {
	return findAll(ctx, q, tierSelect+` ORDER BY rank DESC, name, id`, nil, scanTier, "find tiers")
}

// CreatePhase inserts p as given, with version 1 when p.Version is zero.
func (t *tx) CreatePhase(ctx context.Context, p *ally.Phase) error {
	if p.Version == 0 {
		p.Version = 1
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO phases
		(id, name, position, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.Name, p.Position, millis(p.CreatedAt), millis(p.UpdatedAt), p.Version)
	if err != nil {
		return wrapUnlessDomain("create phase", constraintError(err, nil))
	}
	return nil
}

// UpdatePhase writes p if the stored version is p.Version and increments it.
func (t *tx) UpdatePhase(ctx context.Context, p *ally.Phase) error {
	res, err := t.q.ExecContext(ctx, `UPDATE phases SET name = $3, position = $4,
		updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2`,
		p.ID, p.Version, p.Name, p.Position, millis(p.UpdatedAt))
	if err == nil {
		err = t.checkVersioned(ctx, res, "phases", p.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update phase", err)
	}
	p.Version++
	return nil
}

const phaseSelect = `SELECT id, name, position, created_at, updated_at, version FROM phases`

func scanPhase(s scanner) (*ally.Phase, error) {
	var p ally.Phase
	var created, updated sql.NullInt64
	if err := s.Scan(&p.ID, &p.Name, &p.Position, &created, &updated, &p.Version); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &p, nil
}

// FindPhaseByID returns the phase with id, or ally.ErrNotFound.
func (q queries) FindPhaseByID(ctx context.Context, id string) (*ally.Phase, error) {
	return findOne(q.queryRow(ctx, phaseSelect+` WHERE id = $1`, id), scanPhase, "find phase")
}

// FindPhases returns every phase in lifecycle order (position, then name).
func (q queries) FindPhases(ctx context.Context) ([]*ally.Phase, error) {
	return findAll(ctx, q, phaseSelect+` ORDER BY position, name, id`, nil, scanPhase, "find phases")
}

// findOne scans a single row, turning no row into ally.ErrNotFound.
func findOne[T any](row *sql.Row, scan func(scanner) (*T, error), op string) (*T, error) {
	v, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ally.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	return v, nil
}

// findAll scans every row of a query; an empty result is an empty slice.
func findAll[T any](ctx context.Context, q queries, query string, args []any, scan func(scanner) (*T, error), op string) ([]*T, error) {
	out := []*T{}
	if err := eachRow(ctx, q, query, args, collect(&out, scan), op); err != nil {
		return nil, err
	}
	return out, nil
}

// findStrings reads a query's one text column.
func findStrings(ctx context.Context, q queries, query string, args []any, op string) ([]string, error) {
	out := []string{}
	err := eachRow(ctx, q, query, args, func(s scanner) error {
		var v string
		if err := s.Scan(&v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, op)
	return out, err
}

// eachRow calls each on every row of a query, in order.
func eachRow(ctx context.Context, q queries, query string, args []any, each func(scanner) error, op string) error {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return fmt.Errorf("store: %s: %w", op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return nil
}
