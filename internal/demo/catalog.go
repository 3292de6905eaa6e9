package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/allyprm/ally/internal/ally"
)

type tierSpec struct {
	name  string
	rank  int
	price int64 // cents per delivered lead
}

// tierSpecs are the demo tiers, lowest first. Higher tiers pay less per delivered lead.
func tierSpecs() []tierSpec {
	return []tierSpec{
		{"Registered", 10, 7500},
		{"Silver", 20, 6000},
		{"Gold", 30, 4500},
		{"Platinum", 40, 3000},
	}
}

// phaseSpecs are the demo lifecycle phases, in order.
func phaseSpecs() []string { return []string{"Recruit", "Onboard", "Enable", "Grow", "Mature"} }

// templateSpecs are the demo experience templates: resellers and the like
// get the full portal (first), referral partners a smaller one (second).
func templateSpecs() []string { return []string{"Standard partner portal", "Referral partner portal"} }

func (s *seeder) seedTiers(ctx context.Context, _ *rand.Rand) error {
	have, err := s.app.Tiers(ctx, s.actor)
	if err != nil {
		return fmt.Errorf("demo: listing tiers: %w", err)
	}
	for _, spec := range tierSpecs() {
		t := findByName(have, spec.name, func(t *ally.Tier) string { return t.Name })
		if t == nil {
			t, err = s.app.CreateTier(ctx, s.actor, ally.TierFields{Name: &spec.name, Rank: &spec.rank, PricePerLeadCents: &spec.price})
			if err != nil {
				return fmt.Errorf("demo: creating tier %s: %w", spec.name, err)
			}
		}
		s.tiers = append(s.tiers, t)
	}
	s.res.Tiers = len(s.tiers)
	return nil
}

func (s *seeder) seedPhases(ctx context.Context, _ *rand.Rand) error {
	have, err := s.app.Phases(ctx, s.actor)
	if err != nil {
		return fmt.Errorf("demo: listing phases: %w", err)
	}
	for i, name := range phaseSpecs() {
		p := findByName(have, name, func(p *ally.Phase) string { return p.Name })
		if p == nil {
			pos := i + 1
			p, err = s.app.CreatePhase(ctx, s.actor, ally.PhaseFields{Name: &name, Position: &pos})
			if err != nil {
				return fmt.Errorf("demo: creating phase %s: %w", name, err)
			}
		}
		s.phases = append(s.phases, p)
	}
	s.res.Phases = len(s.phases)
	return nil
}

func (s *seeder) seedTemplates(ctx context.Context, _ *rand.Rand) error {
	have, err := s.app.ExperienceTemplates(ctx, s.actor)
	if err != nil {
		return fmt.Errorf("demo: listing experience templates: %w", err)
	}
	for _, name := range templateSpecs() {
		t := findByName(have, name, func(t *ally.ExperienceTemplate) string { return t.Name })
		if t == nil {
			t, err = s.app.CreateExperienceTemplate(ctx, s.actor, ally.ExperienceTemplateFields{Name: &name})
			if err != nil {
				return fmt.Errorf("demo: creating experience template %s: %w", name, err)
			}
		}
		s.templates = append(s.templates, t)
	}
	s.res.Templates = len(s.templates)
	return nil
}

func findByName[T any](xs []*T, name string, nameOf func(*T) string) *T {
	for _, x := range xs {
		if nameOf(x) == name {
			return x
		}
	}
	return nil
}
