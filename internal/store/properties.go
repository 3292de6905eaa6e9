package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// Property definitions: the CRM and custom properties staff can show in the
// Partner Profile. A small table read whole, in display order.

// CreatePropertyDefinition inserts p with version 1 when p.Version is zero.
// A taken key is an ECodeConflict *ally.Error.
func (t *tx) CreatePropertyDefinition(ctx context.Context, p *ally.PropertyDefinition) error {
	if p.Version == 0 {
		p.Version = 1
	}
	cols, err := propertyValues(p)
	if err != nil {
		return fmt.Errorf("store: create property definition: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO property_definitions (id, version, key, label,
		type, options, source, crm_field, position, updated_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		append(append([]any{p.ID, p.Version}, cols...), millis(p.CreatedAt))...)
	if err != nil {
		return wrapUnlessDomain("create property definition", constraintError(err, propertyUniques))
	}
	return nil
}

// UpdatePropertyDefinition writes p if the stored version is p.Version and
// increments it.
func (t *tx) UpdatePropertyDefinition(ctx context.Context, p *ally.PropertyDefinition) error {
	cols, err := propertyValues(p)
	if err != nil {
		return fmt.Errorf("store: update property definition: %w", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE property_definitions SET key = $3, label = $4,
		type = $5, options = $6, source = $7, crm_field = $8, position = $9, updated_at = $10,
		version = version + 1 WHERE id = $1 AND version = $2`, append([]any{p.ID, p.Version}, cols...)...)
	err = constraintError(err, propertyUniques)
	if err == nil {
		err = t.checkVersioned(ctx, res, "property_definitions", p.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update property definition", err)
	}
	p.Version++
	return nil
}

// propertyValues returns $3 … $10: every column but id, version and created_at.
func propertyValues(p *ally.PropertyDefinition) ([]any, error) {
	opts, err := json.Marshal(p.Options)
	if err != nil {
		return nil, fmt.Errorf("encode property %s options: %w", p.ID, err)
	}
	return []any{p.Key, p.Label, string(p.Type), string(opts), string(p.Source), p.CRMField,
		p.Position, millis(p.UpdatedAt)}, nil
}

// DeletePropertyDefinition removes the definition; an unknown id is
// ally.ErrNotFound. Values already stored under its key on partners stay.
func (t *tx) DeletePropertyDefinition(ctx context.Context, id string) error {
	return execOne(ctx, t.q, "delete property definition", `DELETE FROM property_definitions WHERE id = $1`, id)
}

const propertySelect = `SELECT id, key, label, type, options, source, crm_field, position,
	created_at, updated_at, version FROM property_definitions`

func scanProperty(s scanner) (*ally.PropertyDefinition, error) {
	var p ally.PropertyDefinition
	var typ, opts, source string
	var created, updated sql.NullInt64
	if err := s.Scan(&p.ID, &p.Key, &p.Label, &typ, &opts, &source, &p.CRMField, &p.Position,
		&created, &updated, &p.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(opts), &p.Options); err != nil {
		return nil, fmt.Errorf("decode property %s options: %w", p.ID, err)
	}
	p.Type, p.Source = ally.PropertyType(typ), ally.PropertySource(source)
	p.CreatedAt, p.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &p, nil
}

// FindPropertyDefinitions returns every definition in display order
// (position, then key).
func (q queries) FindPropertyDefinitions(ctx context.Context) ([]*ally.PropertyDefinition, error) {
	return findAll(ctx, q, propertySelect+` ORDER BY position, key`, nil, scanProperty, "find property definitions")
}

// FindPropertyDefinitionByID returns the definition with id, or ally.ErrNotFound.
func (q queries) FindPropertyDefinitionByID(ctx context.Context, id string) (*ally.PropertyDefinition, error) {
	return findOne(q.queryRow(ctx, propertySelect+` WHERE id = $1`, id), scanProperty, "find property definition")
}
