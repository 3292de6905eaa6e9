package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

var tiers = &catalog[ally.Tier, ally.TierFields]{
	kind: "tier", prefix: ally.PrefixTier, read: ally.ScopeTiersRead, write: ally.ScopeTiersWrite,
	find: func(ctx context.Context, r ally.Reader, id string) (*ally.Tier, error) {
		return r.FindTierByID(ctx, id)
	},
	list:     func(ctx context.Context, r ally.Reader) ([]*ally.Tier, error) { return r.FindTiers(ctx) },
	validate: (*ally.TierFields).Validate,
	apply: func(t *ally.Tier, f *ally.TierFields, c changes) {
		setIf(c, "name", &t.Name, f.Name)
		setIf(c, "rank", &t.Rank, f.Rank)
		setIf(c, "pricePerLeadCents", &t.PricePerLeadCents, f.PricePerLeadCents)
	},
	meta:   func(t *ally.Tier) meta { return meta{&t.ID, &t.CreatedAt, &t.UpdatedAt, &t.Version} },
	create: func(ctx context.Context, tx ally.Tx, t *ally.Tier) error { return tx.CreateTier(ctx, t) },
	update: func(ctx context.Context, tx ally.Tx, t *ally.Tier) error { return tx.UpdateTier(ctx, t) },
}

var phases = &catalog[ally.Phase, ally.PhaseFields]{
	kind: "phase", prefix: ally.PrefixPhase, read: ally.ScopePhasesRead, write: ally.ScopePhasesWrite,
	find: func(ctx context.Context, r ally.Reader, id string) (*ally.Phase, error) {
		return r.FindPhaseByID(ctx, id)
	},
	list:     func(ctx context.Context, r ally.Reader) ([]*ally.Phase, error) { return r.FindPhases(ctx) },
	validate: (*ally.PhaseFields).Validate,
	apply: func(p *ally.Phase, f *ally.PhaseFields, c changes) {
		setIf(c, "name", &p.Name, f.Name)
		setIf(c, "position", &p.Position, f.Position)
	},
	meta:   func(p *ally.Phase) meta { return meta{&p.ID, &p.CreatedAt, &p.UpdatedAt, &p.Version} },
	create: func(ctx context.Context, tx ally.Tx, p *ally.Phase) error { return tx.CreatePhase(ctx, p) },
	update: func(ctx context.Context, tx ally.Tx, p *ally.Phase) error { return tx.UpdatePhase(ctx, p) },
}

var templates = &catalog[ally.ExperienceTemplate, ally.ExperienceTemplateFields]{
	kind: "experience_template", prefix: ally.PrefixExperienceTemplate, read: ally.ScopeTemplatesRead, write: ally.ScopeTemplatesWrite,
	find: func(ctx context.Context, r ally.Reader, id string) (*ally.ExperienceTemplate, error) {
		return r.FindExperienceTemplateByID(ctx, id)
	},
	list: func(ctx context.Context, r ally.Reader) ([]*ally.ExperienceTemplate, error) {
		return r.FindExperienceTemplates(ctx)
	},
	validate: (*ally.ExperienceTemplateFields).Validate,
	apply: func(t *ally.ExperienceTemplate, f *ally.ExperienceTemplateFields, c changes) {
		setIf(c, "name", &t.Name, f.Name)
	},
	meta: func(t *ally.ExperienceTemplate) meta { return meta{&t.ID, &t.CreatedAt, &t.UpdatedAt, &t.Version} },
	create: func(ctx context.Context, tx ally.Tx, t *ally.ExperienceTemplate) error {
		return tx.CreateExperienceTemplate(ctx, t)
	},
	update: func(ctx context.Context, tx ally.Tx, t *ally.ExperienceTemplate) error {
		return tx.UpdateExperienceTemplate(ctx, t)
	},
}

// Tier returns one tier.
func (a *App) Tier(ctx context.Context, actor ally.Actor, id string) (*ally.Tier, error) {
	return tiers.get(ctx, a, actor, id)
}

// Tiers lists every tier, best first.
func (a *App) Tiers(ctx context.Context, actor ally.Actor) ([]*ally.Tier, error) {
	return tiers.all(ctx, a, actor)
}

// CreateTier adds a tier.
func (a *App) CreateTier(ctx context.Context, actor ally.Actor, f ally.TierFields) (*ally.Tier, error) {
	return tiers.add(ctx, a, actor, f)
}

// UpdateTier changes a tier; ifVersion makes it conditional.
func (a *App) UpdateTier(ctx context.Context, actor ally.Actor, id string, f ally.TierFields, ifVersion *int64) (*ally.Tier, error) {
	return tiers.change(ctx, a, actor, id, f, ifVersion)
}

// Phase returns one phase.
func (a *App) Phase(ctx context.Context, actor ally.Actor, id string) (*ally.Phase, error) {
	return phases.get(ctx, a, actor, id)
}

// Phases lists every phase in order.
func (a *App) Phases(ctx context.Context, actor ally.Actor) ([]*ally.Phase, error) {
	return phases.all(ctx, a, actor)
}

// CreatePhase adds a phase.
func (a *App) CreatePhase(ctx context.Context, actor ally.Actor, f ally.PhaseFields) (*ally.Phase, error) {
	return phases.add(ctx, a, actor, f)
}

// UpdatePhase changes a phase; ifVersion makes it conditional.
func (a *App) UpdatePhase(ctx context.Context, actor ally.Actor, id string, f ally.PhaseFields, ifVersion *int64) (*ally.Phase, error) {
	return phases.change(ctx, a, actor, id, f, ifVersion)
}

// ExperienceTemplate returns one template.
func (a *App) ExperienceTemplate(ctx context.Context, actor ally.Actor, id string) (*ally.ExperienceTemplate, error) {
	return templates.get(ctx, a, actor, id)
}

// ExperienceTemplates lists every template by name.
func (a *App) ExperienceTemplates(ctx context.Context, actor ally.Actor) ([]*ally.ExperienceTemplate, error) {
	return templates.all(ctx, a, actor)
}

// CreateExperienceTemplate adds a template.
func (a *App) CreateExperienceTemplate(ctx context.Context, actor ally.Actor, f ally.ExperienceTemplateFields) (*ally.ExperienceTemplate, error) {
	return templates.add(ctx, a, actor, f)
}

// UpdateExperienceTemplate changes a template; ifVersion makes it conditional.
func (a *App) UpdateExperienceTemplate(ctx context.Context, actor ally.Actor, id string, f ally.ExperienceTemplateFields, ifVersion *int64) (*ally.ExperienceTemplate, error) {
	return templates.change(ctx, a, actor, id, f, ifVersion)
}
