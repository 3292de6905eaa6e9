package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// sectionsJSON and profileFieldJSON fix the stored JSON names of
// ally.Sections and ally.ProfileField, so renaming a Go field can never
// silently drop what is stored. They convert to and from the domain types
// directly (tags do not count in a conversion), so a field added there
// fails to compile here until it is added to both.
type sectionsJSON struct {
	Dashboard        bool `json:"dashboard"`
	Profile          bool `json:"profile"`
	Leads            bool `json:"leads"`
	LeadExport       bool `json:"leadExport"`
	Deals            bool `json:"deals"`
	Invoices         bool `json:"invoices"`
	DeliverySettings bool `json:"deliverySettings"`
}

type profileFieldJSON struct {
	Key      string `json:"key"`
	Editable bool   `json:"editable"`
}

// templateJSON encodes the sections and profile of e. An empty profile is
// stored as null and reads back nil, whether it was nil or empty.
func templateJSON(e *ally.ExperienceTemplate) (sections, profile string, err error) {
	s, err := json.Marshal(sectionsJSON(e.Sections))
	if err != nil {
		return "", "", fmt.Errorf("encode experience template %s: %w", e.ID, err)
	}
	var fields []profileFieldJSON
	for _, f := range e.Profile {
		fields = append(fields, profileFieldJSON(f))
	}
	p, err := json.Marshal(fields)
	if err != nil {
		return "", "", fmt.Errorf("encode experience template %s: %w", e.ID, err)
	}
	return string(s), string(p), nil
}

// CreateExperienceTemplate inserts e as given, with version 1 when e.Version is zero.
func (t *tx) CreateExperienceTemplate(ctx context.Context, e *ally.ExperienceTemplate) error {
	if e.Version == 0 {
		e.Version = 1
	}
	sections, profile, err := templateJSON(e)
	if err != nil {
		return fmt.Errorf("store: create experience template: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO experience_templates
		(id, name, sections, profile, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.ID, e.Name, sections, profile, millis(e.CreatedAt), millis(e.UpdatedAt), e.Version)
	if err != nil {
		return wrapUnlessDomain("create experience template", constraintError(err, nil))
	}
	return nil
}

// UpdateExperienceTemplate writes e if the stored version is e.Version and increments it.
func (t *tx) UpdateExperienceTemplate(ctx context.Context, e *ally.ExperienceTemplate) error {
	sections, profile, err := templateJSON(e)
	if err != nil {
		return fmt.Errorf("store: update experience template: %w", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE experience_templates SET name = $3,
		sections = $4, profile = $5, updated_at = $6, version = version + 1
		WHERE id = $1 AND version = $2`,
		e.ID, e.Version, e.Name, sections, profile, millis(e.UpdatedAt))
	if err == nil {
		err = t.checkVersioned(ctx, res, "experience_templates", e.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update experience template", err)
	}
	e.Version++
	return nil
}

const templateSelect = `SELECT id, name, sections, profile, created_at, updated_at, version
	FROM experience_templates`

func scanTemplate(s scanner) (*ally.ExperienceTemplate, error) {
	var e ally.ExperienceTemplate
	var sectionsText, profileText string
	var created, updated sql.NullInt64
	if err := s.Scan(&e.ID, &e.Name, &sectionsText, &profileText, &created, &updated, &e.Version); err != nil {
		return nil, err
	}
	var sections sectionsJSON
	var fields []profileFieldJSON
	if err := json.Unmarshal([]byte(sectionsText), &sections); err != nil {
		return nil, fmt.Errorf("decode experience template %s sections: %w", e.ID, err)
	}
	if err := json.Unmarshal([]byte(profileText), &fields); err != nil {
		return nil, fmt.Errorf("decode experience template %s profile: %w", e.ID, err)
	}
	e.Sections = ally.Sections(sections)
	for _, f := range fields {
		e.Profile = append(e.Profile, ally.ProfileField(f))
	}
	e.CreatedAt, e.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &e, nil
}

// FindExperienceTemplateByID returns the template with id, or ally.ErrNotFound.
func (q queries) FindExperienceTemplateByID(ctx context.Context, id string) (*ally.ExperienceTemplate, error) {
	return findOne(q.queryRow(ctx, templateSelect+` WHERE id = $1`, id), scanTemplate, "find experience template")
}

// FindExperienceTemplates returns every template by name.
func (q queries) FindExperienceTemplates(ctx context.Context) ([]*ally.ExperienceTemplate, error) {
	return findAll(ctx, q, templateSelect+` ORDER BY name, id`, nil, scanTemplate, "find experience templates")
}
