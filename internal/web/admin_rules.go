package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// The routing rules: a list by priority, the first rule that can place a
// lead taking it. The form is in admin_rules_form.go, the dry run in
// admin_rules_dryrun.go.

// ruleRow is a rule as the list shows it.
type ruleRow struct {
	*ally.RoutingRule
	Conditions string // one line: "country DE, AT · source web"
	Target     string
}

type rulesData struct {
	Rules     []ruleRow
	CanWrite  bool
	ShowQueue bool
}

func (s *server) adminRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.app.RoutingRules(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	names, err := s.ruleNames(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := rulesData{CanWrite: aldCanWrite(r, ally.ScopeRoutingWrite), ShowQueue: actor(r).SeesAllPartners()}
	for _, rule := range rules {
		d.Rules = append(d.Rules, ruleRow{RoutingRule: rule, Conditions: names.conditions(rule.Conditions), Target: names.target(rule)})
	}
	s.render(w, r, http.StatusOK, "admin/rules", view{Title: "Routing rules", Data: d})
}

// ruleNameBook names the partners and tiers rules refer to by id.
type ruleNameBook struct {
	partners map[string]string
	tiers    map[string]string
}

func (s *server) ruleNames(r *http.Request) (ruleNameBook, error) {
	b := ruleNameBook{partners: map[string]string{}, tiers: map[string]string{}}
	picker, err := s.partnerPicker(r)
	if err != nil {
		return b, err
	}
	for _, o := range picker.Options {
		b.partners[o.Value] = o.Label
	}
	tiers, err := s.app.Tiers(r.Context(), actor(r))
	if err != nil {
		return b, err
	}
	for _, t := range tiers {
		b.tiers[t.ID] = t.Name
	}
	return b, nil
}

func (b ruleNameBook) partner(id string) string {
	if n, ok := b.partners[id]; ok {
		return n
	}
	return id
}

// conditions writes a rule's conditions on one line; none reads "any lead".
func (b ruleNameBook) conditions(c ally.RuleConditions) string {
	tiers := make([]string, len(c.TierIDs))
	for i, id := range c.TierIDs {
		tiers[i] = id
		if n, ok := b.tiers[id]; ok {
			tiers[i] = n
		}
	}
	var parts []string
	for _, p := range []struct {
		label string
		list  []string
	}{{"country", c.Countries}, {"region", c.Regions}, {"source", c.Sources}, {"partner category", c.Categories}, {"tier", tiers}} {
		if len(p.list) > 0 {
			parts = append(parts, p.label+" "+strings.Join(p.list, ", "))
		}
	}
	if len(parts) == 0 {
		return "any lead"
	}
	return strings.Join(parts, " · ")
}

// target says where a rule sends the leads it takes.
func (b ruleNameBook) target(rule *ally.RoutingRule) string {
	switch rule.Mode {
	case ally.RouteToPartner:
		return b.partner(rule.PartnerID)
	case ally.RouteWeighted:
		parts := make([]string, len(rule.Weights))
		for i, w := range rule.Weights {
			parts[i] = b.partner(w.PartnerID) + " (" + strconv.Itoa(w.Weight) + ")"
		}
		return strings.Join(parts, ", ")
	}
	return "each matching active partner in turn"
}

// adminRuleDelete removes a rule; leads it placed keep their partner.
func (s *server) adminRuleDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DeleteRoutingRule(r.Context(), actor(r), r.PathValue("id")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/rules", "deleted")
}
