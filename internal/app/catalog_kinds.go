package app

import (
	"context"
	"slices"

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
	refs:     checkProfileKeys,
	apply: func(t *ally.ExperienceTemplate, f *ally.ExperienceTemplateFields, c changes) {
		setIf(c, "name", &t.Name, f.Name)
		setIf(c, "sections", &t.Sections, f.Sections)
		if f.Profile != nil && !slices.Equal(t.Profile, *f.Profile) {
			c.add("profile", t.Profile, *f.Profile)
			t.Profile = slices.Clone(*f.Profile)
		}
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

var properties = &catalog[ally.PropertyDefinition, ally.PropertyFields]{
	kind: "property", prefix: ally.PrefixProperty, read: ally.ScopeTemplatesRead, write: ally.ScopeTemplatesWrite,
	find: func(ctx context.Context, r ally.Reader, id string) (*ally.PropertyDefinition, error) {
		return r.FindPropertyDefinitionByID(ctx, id)
	},
	list: func(ctx context.Context, r ally.Reader) ([]*ally.PropertyDefinition, error) {
		return r.FindPropertyDefinitions(ctx)
	},
	validate: (*ally.PropertyFields).Validate,
	apply: func(p *ally.PropertyDefinition, f *ally.PropertyFields, c changes) {
		setIf(c, "key", &p.Key, f.Key)
		setIf(c, "label", &p.Label, f.Label)
		setIf(c, "type", &p.Type, f.Type)
		setIf(c, "source", &p.Source, f.Source)
		setIf(c, "crmField", &p.CRMField, f.CRMField)
		setIf(c, "position", &p.Position, f.Position)
		if f.Options != nil && !slices.Equal(p.Options, *f.Options) {
			c.add("options", p.Options, *f.Options)
			p.Options = slices.Clone(*f.Options)
		}
	},
	meta: func(p *ally.PropertyDefinition) meta { return meta{&p.ID, &p.CreatedAt, &p.UpdatedAt, &p.Version} },
	create: func(ctx context.Context, tx ally.Tx, p *ally.PropertyDefinition) error {
		return tx.CreatePropertyDefinition(ctx, p)
	},
	update: func(ctx context.Context, tx ally.Tx, p *ally.PropertyDefinition) error {
		return tx.UpdatePropertyDefinition(ctx, p)
	},
}

// PropertyDefinitions lists the CRM and custom properties, in order.
func (a *App) PropertyDefinitions(ctx context.Context, actor ally.Actor) ([]*ally.PropertyDefinition, error) {
	return properties.all(ctx, a, actor)
}

// PropertyDefinition returns one property definition.
func (a *App) PropertyDefinition(ctx context.Context, actor ally.Actor, id string) (*ally.PropertyDefinition, error) {
	return properties.get(ctx, a, actor, id)
}

// CreatePropertyDefinition adds a CRM or custom property.
func (a *App) CreatePropertyDefinition(ctx context.Context, actor ally.Actor, f ally.PropertyFields) (*ally.PropertyDefinition, error) {
	return properties.add(ctx, a, actor, f)
}

// UpdatePropertyDefinition changes a property definition; ifVersion makes it conditional.
func (a *App) UpdatePropertyDefinition(ctx context.Context, actor ally.Actor, id string, f ally.PropertyFields, ifVersion *int64) (*ally.PropertyDefinition, error) {
	return properties.change(ctx, a, actor, id, f, ifVersion)
}

// DeletePropertyDefinition removes a property definition. Templates that
// list it stop showing it; partners keep their stored values.
func (a *App) DeletePropertyDefinition(ctx context.Context, actor ally.Actor, id string) error {
	if err := require(actor, ally.ScopeTemplatesWrite); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := tx.FindPropertyDefinitionByID(ctx, id)
		if err != nil {
			return notFound(err, "property", id)
		}
		if err := tx.DeletePropertyDefinition(ctx, id); err != nil {
			return err
		}
		c := changes{}
		c.str("key", p.Key, "")
		return a.record(ctx, tx, actor, "property.deleted", "property", id, "", c)
	})
}

// checkProfileKeys refuses a template profile naming a property that does not exist.
func checkProfileKeys(ctx context.Context, r ally.Reader, f *ally.ExperienceTemplateFields) error {
	if f.Profile == nil {
		return nil
	}
	defs, err := r.FindPropertyDefinitions(ctx)
	if err != nil {
		return err
	}
	var v ally.Validator
	for _, pf := range *f.Profile {
		if _, ok := lookupProperty(defs, pf.Key); !ok {
			v.Add("profile", "no property %q", pf.Key)
		}
	}
	return v.Err()
}

// lookupProperty finds a core or defined property by key.
func lookupProperty(defs []*ally.PropertyDefinition, key string) (ally.PropertyDefinition, bool) {
	for _, p := range ally.CoreProperties {
		if p.Key == key {
			return p, true
		}
	}
	for _, p := range defs {
		if p.Key == key {
			return *p, true
		}
	}
	return ally.PropertyDefinition{}, false
}
