package api

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// Tiers, phases and experience templates: small lists, returned whole.

type catalogID struct {
	ID string `path:"id" minLength:"1" maxLength:"100"`
}

type tierJSON struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	Rank              int    `json:"rank" doc:"Higher is better."`
	PricePerLeadCents int64  `json:"pricePerLeadCents" doc:"Price per delivered lead, in minor units of the vendor's currency."`
	CreatedAt         Time   `json:"createdAt"`
	UpdatedAt         Time   `json:"updatedAt"`
	Version           int64  `json:"version"`
}

func renderTier(t *ally.Tier) tierJSON {
	return tierJSON{ID: t.ID, Name: t.Name, Rank: t.Rank, PricePerLeadCents: t.PricePerLeadCents,
		CreatedAt: Time(t.CreatedAt), UpdatedAt: Time(t.UpdatedAt), Version: t.Version}
}

type tierCreate struct {
	Name              field[string] `json:"name" required:"true" minLength:"1" maxLength:"100"`
	Rank              field[int]    `json:"rank,omitzero" minimum:"0" maximum:"1000" doc:"Higher is better."`
	PricePerLeadCents field[int64]  `json:"pricePerLeadCents,omitzero" minimum:"0" maximum:"100000000"`
}

// tierPatch is tierCreate with every member optional.
type tierPatch struct {
	Name              field[string] `json:"name,omitzero" minLength:"1" maxLength:"100"`
	Rank              field[int]    `json:"rank,omitzero" minimum:"0" maximum:"1000" doc:"Higher is better."`
	PricePerLeadCents field[int64]  `json:"pricePerLeadCents,omitzero" minimum:"0" maximum:"100000000"`
}

func tierFields(b tierPatch) (ally.TierFields, error) {
	var v ally.Validator
	f := ally.TierFields{Name: opt(&v, "name", b.Name), Rank: opt(&v, "rank", b.Rank),
		PricePerLeadCents: opt(&v, "pricePerLeadCents", b.PricePerLeadCents)}
	return f, v.Err()
}

func (s *server) listTiers(ctx context.Context, _ *struct{}) (*many[tierJSON], error) {
	ts, err := s.app.Tiers(ctx, actorFrom(ctx))
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(ts, renderTier), ""), nil
}

func (s *server) getTier(ctx context.Context, in *catalogID) (*one[tierJSON], error) {
	t, err := s.app.Tier(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, t.Version, renderTier(t)), nil
}

func (s *server) createTier(ctx context.Context, in *struct{ Body tierCreate }) (*one[tierJSON], error) {
	f, err := tierFields(tierPatch(in.Body))
	if err == nil {
		var t *ally.Tier
		if t, err = s.app.CreateTier(ctx, actorFrom(ctx), f); err == nil {
			return reply(http.StatusCreated, t.Version, renderTier(t)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) patchTier(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"100"`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    tierPatch
}) (*one[tierJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := tierFields(in.Body)
	if err == nil {
		var t *ally.Tier
		if t, err = s.app.UpdateTier(ctx, actorFrom(ctx), in.ID, f, version); err == nil {
			return reply(http.StatusOK, t.Version, renderTier(t)), nil
		}
	}
	return nil, fail(ctx, err)
}

type phaseJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Position  int    `json:"position" doc:"Phases are shown in this order."`
	CreatedAt Time   `json:"createdAt"`
	UpdatedAt Time   `json:"updatedAt"`
	Version   int64  `json:"version"`
}

func renderPhase(p *ally.Phase) phaseJSON {
	return phaseJSON{ID: p.ID, Name: p.Name, Position: p.Position,
		CreatedAt: Time(p.CreatedAt), UpdatedAt: Time(p.UpdatedAt), Version: p.Version}
}

type phaseCreate struct {
	Name     field[string] `json:"name" required:"true" minLength:"1" maxLength:"100"`
	Position field[int]    `json:"position,omitzero" minimum:"0" maximum:"1000"`
}

type phasePatch struct {
	Name     field[string] `json:"name,omitzero" minLength:"1" maxLength:"100"`
	Position field[int]    `json:"position,omitzero" minimum:"0" maximum:"1000"`
}

func phaseFields(name field[string], position field[int]) (ally.PhaseFields, error) {
	var v ally.Validator
	f := ally.PhaseFields{Name: opt(&v, "name", name), Position: opt(&v, "position", position)}
	return f, v.Err()
}

func (s *server) listPhases(ctx context.Context, _ *struct{}) (*many[phaseJSON], error) {
	ps, err := s.app.Phases(ctx, actorFrom(ctx))
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(ps, renderPhase), ""), nil
}

func (s *server) getPhase(ctx context.Context, in *catalogID) (*one[phaseJSON], error) {
	p, err := s.app.Phase(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, p.Version, renderPhase(p)), nil
}

func (s *server) createPhase(ctx context.Context, in *struct{ Body phaseCreate }) (*one[phaseJSON], error) {
	f, err := phaseFields(in.Body.Name, in.Body.Position)
	if err == nil {
		var p *ally.Phase
		if p, err = s.app.CreatePhase(ctx, actorFrom(ctx), f); err == nil {
			return reply(http.StatusCreated, p.Version, renderPhase(p)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) patchPhase(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"100"`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    phasePatch
}) (*one[phaseJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := phaseFields(in.Body.Name, in.Body.Position)
	if err == nil {
		var p *ally.Phase
		if p, err = s.app.UpdatePhase(ctx, actorFrom(ctx), in.ID, f, version); err == nil {
			return reply(http.StatusOK, p.Version, renderPhase(p)), nil
		}
	}
	return nil, fail(ctx, err)
}

type experienceTemplateJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt Time   `json:"createdAt"`
	UpdatedAt Time   `json:"updatedAt"`
	Version   int64  `json:"version"`
}

func renderTemplate(t *ally.ExperienceTemplate) experienceTemplateJSON {
	return experienceTemplateJSON{ID: t.ID, Name: t.Name, CreatedAt: Time(t.CreatedAt), UpdatedAt: Time(t.UpdatedAt), Version: t.Version}
}

type experienceTemplateCreate struct {
	Name field[string] `json:"name" required:"true" minLength:"1" maxLength:"100"`
}

type experienceTemplatePatch struct {
	Name field[string] `json:"name,omitzero" minLength:"1" maxLength:"100"`
}

func templateFields(name field[string]) (ally.ExperienceTemplateFields, error) {
	var v ally.Validator
	f := ally.ExperienceTemplateFields{Name: opt(&v, "name", name)}
	return f, v.Err()
}

func (s *server) listTemplates(ctx context.Context, _ *struct{}) (*many[experienceTemplateJSON], error) {
	ts, err := s.app.ExperienceTemplates(ctx, actorFrom(ctx))
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(ts, renderTemplate), ""), nil
}

func (s *server) getTemplate(ctx context.Context, in *catalogID) (*one[experienceTemplateJSON], error) {
	t, err := s.app.ExperienceTemplate(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, t.Version, renderTemplate(t)), nil
}

func (s *server) createTemplate(ctx context.Context, in *struct{ Body experienceTemplateCreate }) (*one[experienceTemplateJSON], error) {
	f, err := templateFields(in.Body.Name)
	if err == nil {
		var t *ally.ExperienceTemplate
		if t, err = s.app.CreateExperienceTemplate(ctx, actorFrom(ctx), f); err == nil {
			return reply(http.StatusCreated, t.Version, renderTemplate(t)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) patchTemplate(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"100"`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    experienceTemplatePatch
}) (*one[experienceTemplateJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := templateFields(in.Body.Name)
	if err == nil {
		var t *ally.ExperienceTemplate
		if t, err = s.app.UpdateExperienceTemplate(ctx, actorFrom(ctx), in.ID, f, version); err == nil {
			return reply(http.StatusOK, t.Version, renderTemplate(t)), nil
		}
	}
	return nil, fail(ctx, err)
}
