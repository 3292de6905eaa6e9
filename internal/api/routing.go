package api

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// Routing rules: tried by priority, lowest first; the first rule that can
// place a lead wins.

type ruleJSON struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Priority   int                `json:"priority" doc:"Rules are tried lowest first."`
	Enabled    bool               `json:"enabled"`
	Conditions ruleConditionsJSON `json:"conditions"`
	Mode       string             `json:"mode" enum:"partner,round_robin,weighted" doc:"partner: to partnerId; round_robin: in turn among the active partners that match; weighted: among weights, by share."`
	PartnerID  *string            `json:"partnerId" doc:"The partner of a partner rule."`
	Weights    []ruleWeightJSON   `json:"weights" nullable:"false" doc:"The partners of a weighted rule and their shares."`
	DailyCap   int                `json:"dailyCap" doc:"Most leads a partner may receive in a UTC day, from any rule; 0 means no cap."`
	MonthlyCap int                `json:"monthlyCap" doc:"Most leads a partner may receive in a UTC month; 0 means no cap."`
	CreatedAt  Time               `json:"createdAt"`
	UpdatedAt  Time               `json:"updatedAt"`
	Version    int64              `json:"version"`
}

// ruleConditionsJSON must all hold for a rule to take a lead; an empty list
// matches anything.
type ruleConditionsJSON struct {
	Countries  []string `json:"countries" required:"false" nullable:"false" maxItems:"300" maxLength:"10" doc:"The lead's country is one of these (ISO 3166 codes)."`
	Regions    []string `json:"regions" required:"false" nullable:"false" maxItems:"300" maxLength:"200" doc:"The lead's region is one of these (case-insensitive)."`
	Sources    []string `json:"sources" required:"false" nullable:"false" maxItems:"100" maxLength:"200" doc:"The lead's source is one of these."`
	Categories []string `json:"categories" required:"false" nullable:"false" maxItems:"100" maxLength:"64" doc:"Only partners in one of these categories."`
	TierIDs    []string `json:"tierIds" required:"false" nullable:"false" maxItems:"50" maxLength:"100" doc:"Only partners in one of these tiers."`
}

type ruleWeightJSON struct {
	PartnerID string `json:"partnerId" minLength:"1" maxLength:"100"`
	Weight    int    `json:"weight" minimum:"1" maximum:"1000"`
}

func renderRule(r *ally.RoutingRule) ruleJSON {
	c := r.Conditions
	return ruleJSON{ID: r.ID, Name: r.Name, Priority: r.Priority, Enabled: r.Enabled,
		Conditions: ruleConditionsJSON{Countries: nonNil(c.Countries), Regions: nonNil(c.Regions), Sources: nonNil(c.Sources),
			Categories: nonNil(c.Categories), TierIDs: nonNil(c.TierIDs)},
		Mode: string(r.Mode), PartnerID: strOrNil(r.PartnerID),
		Weights: mapItems(r.Weights, func(w ally.RuleWeight) ruleWeightJSON {
			return ruleWeightJSON{PartnerID: w.PartnerID, Weight: w.Weight}
		}),
		DailyCap: r.DailyCap, MonthlyCap: r.MonthlyCap,
		CreatedAt: Time(r.CreatedAt), UpdatedAt: Time(r.UpdatedAt), Version: r.Version}
}

type ruleCreate struct {
	Name       field[string]             `json:"name" required:"true" minLength:"1" maxLength:"200"`
	Priority   field[int]                `json:"priority,omitzero" minimum:"0" maximum:"1000000" doc:"Rules are tried lowest first."`
	Enabled    field[bool]               `json:"enabled,omitzero" doc:"Defaults to true."`
	Conditions field[ruleConditionsJSON] `json:"conditions,omitzero" doc:"Left out, the rule takes any lead."`
	Mode       field[string]             `json:"mode" required:"true" enum:"partner,round_robin,weighted"`
	PartnerID  field[string]             `json:"partnerId,omitzero" nullable:"true" maxLength:"100" doc:"For mode partner."`
	Weights    field[[]ruleWeightJSON]   `json:"weights,omitzero" nullable:"true" maxItems:"100" doc:"For mode weighted: each partner once."`
	DailyCap   field[int]                `json:"dailyCap,omitzero" minimum:"0" maximum:"1000000" doc:"0 means no cap."`
	MonthlyCap field[int]                `json:"monthlyCap,omitzero" minimum:"0" maximum:"100000000" doc:"0 means no cap."`
}

// rulePatch is ruleCreate with every member optional.
type rulePatch struct {
	Name       field[string]             `json:"name,omitzero" minLength:"1" maxLength:"200"`
	Priority   field[int]                `json:"priority,omitzero" minimum:"0" maximum:"1000000"`
	Enabled    field[bool]               `json:"enabled,omitzero"`
	Conditions field[ruleConditionsJSON] `json:"conditions,omitzero" doc:"Replaces the conditions whole."`
	Mode       field[string]             `json:"mode,omitzero" enum:"partner,round_robin,weighted"`
	PartnerID  field[string]             `json:"partnerId,omitzero" nullable:"true" maxLength:"100" doc:"null clears it."`
	Weights    field[[]ruleWeightJSON]   `json:"weights,omitzero" nullable:"true" maxItems:"100" doc:"Replaces the list whole; null clears it."`
	DailyCap   field[int]                `json:"dailyCap,omitzero" minimum:"0" maximum:"1000000"`
	MonthlyCap field[int]                `json:"monthlyCap,omitzero" minimum:"0" maximum:"100000000"`
}

func ruleFields(b rulePatch) (ally.RoutingRuleFields, error) {
	var v ally.Validator
	f := ally.RoutingRuleFields{Name: opt(&v, "name", b.Name), Priority: opt(&v, "priority", b.Priority),
		Enabled: opt(&v, "enabled", b.Enabled), PartnerID: clearable(b.PartnerID),
		DailyCap: opt(&v, "dailyCap", b.DailyCap), MonthlyCap: opt(&v, "monthlyCap", b.MonthlyCap)}
	if c := opt(&v, "conditions", b.Conditions); c != nil {
		f.Conditions = &ally.RuleConditions{Countries: c.Countries, Regions: c.Regions, Sources: c.Sources,
			Categories: c.Categories, TierIDs: c.TierIDs}
	}
	if m := opt(&v, "mode", b.Mode); m != nil {
		mode := ally.RoutingMode(*m)
		f.Mode = &mode
	}
	if ws := clearable(b.Weights); ws != nil {
		out := mapItems(*ws, func(w ruleWeightJSON) ally.RuleWeight {
			return ally.RuleWeight{PartnerID: w.PartnerID, Weight: w.Weight}
		})
		f.Weights = &out
	}
	return f, v.Err()
}

type ruleRef struct {
	ID string `path:"id" minLength:"1" maxLength:"100" doc:"The rule's id (rule_…)."`
}

func (s *server) listRules(ctx context.Context, _ *struct{}) (*many[ruleJSON], error) {
	rs, err := s.app.RoutingRules(ctx, actorFrom(ctx))
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(rs, renderRule), ""), nil
}

func (s *server) getRule(ctx context.Context, in *ruleRef) (*one[ruleJSON], error) {
	r, err := s.app.RoutingRule(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, r.Version, renderRule(r)), nil
}

func (s *server) createRule(ctx context.Context, in *struct{ Body ruleCreate }) (*one[ruleJSON], error) {
	f, err := ruleFields(rulePatch(in.Body))
	if err == nil {
		var r *ally.RoutingRule
		if r, err = s.app.CreateRoutingRule(ctx, actorFrom(ctx), f); err == nil {
			return reply(http.StatusCreated, r.Version, renderRule(r)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) patchRule(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"100" doc:"The rule's id (rule_…)."`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    rulePatch
}) (*one[ruleJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := ruleFields(in.Body)
	if err == nil {
		var r *ally.RoutingRule
		if r, err = s.app.UpdateRoutingRule(ctx, actorFrom(ctx), in.ID, f, version); err == nil {
			return reply(http.StatusOK, r.Version, renderRule(r)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) deleteRule(ctx context.Context, in *ruleRef) (*struct{}, error) {
	if err := s.app.DeleteRoutingRule(ctx, actorFrom(ctx), in.ID); err != nil {
		return nil, fail(ctx, err)
	}
	return nil, nil
}

func (s *server) dryRun(ctx context.Context, in *struct{ Body leadCreate }) (*view[routingDecisionJSON], error) {
	d, err := s.app.DryRunRouting(ctx, actorFrom(ctx), in.Body.input())
	if err != nil {
		return nil, fail(ctx, err)
	}
	return show(http.StatusOK, renderRouting(d)), nil
}
