package web

import (
	"net/http"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// The rule form, for a new rule and for editing one: conditions as comma
// lists and tier checkboxes, the mode with its partner or partner and
// weight rows, caps, priority and whether it is on.

// ruleBlankWeights is how many empty partner and weight rows the form offers.
const ruleBlankWeights = 3

// ruleForm is the form as typed, kept when it is shown again.
type ruleForm struct {
	Name, Priority, DailyCap, MonthlyCap    string
	Enabled                                 bool
	Countries, Regions, Sources, Categories string
	Tiers                                   []option
	Mode                                    string
	Partner                                 string // an id, or a name typed in a search box
	Weights                                 []ruleWeightRow
}

// ruleWeightRow is one partner and its weight, as typed.
type ruleWeightRow struct {
	Partner, Weight string
}

type ruleFormData struct {
	Rule     *ally.RoutingRule // nil for a new rule
	Form     ruleForm
	Version  int64
	Errs     formErrs
	Partners aldPicker
	Modes    []option
	CanWrite bool
}

func (s *server) adminRuleNewPage(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RequireScope(actor(r), ally.ScopeRoutingWrite); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	form := ruleForm{Priority: "100", DailyCap: "0", MonthlyCap: "0", Enabled: true, Mode: string(ally.RouteToPartner)}
	s.renderRuleForm(w, r, http.StatusOK, nil, form, 0, formErrs{})
}

func (s *server) adminRuleEditPage(w http.ResponseWriter, r *http.Request) {
	rule, err := s.app.RoutingRule(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	c := rule.Conditions
	form := ruleForm{Name: rule.Name, Priority: itoa(rule.Priority), DailyCap: itoa(rule.DailyCap), MonthlyCap: itoa(rule.MonthlyCap),
		Enabled: rule.Enabled, Countries: strings.Join(c.Countries, ", "), Regions: strings.Join(c.Regions, ", "),
		Sources: strings.Join(c.Sources, ", "), Categories: strings.Join(c.Categories, ", "),
		Mode: string(rule.Mode), Partner: rule.PartnerID}
	for _, wt := range rule.Weights {
		form.Weights = append(form.Weights, ruleWeightRow{wt.PartnerID, itoa(wt.Weight)})
	}
	s.renderRuleForm(w, r, http.StatusOK, rule, form, rule.Version, formErrs{})
}

// renderRuleForm shows the form with the tiers ticked as form has them
// (the ids of c.TierIDs when first shown) and blank weight rows to add to.
func (s *server) renderRuleForm(w http.ResponseWriter, r *http.Request, status int, rule *ally.RoutingRule, form ruleForm, version int64, e formErrs) {
	picker, err := s.partnerPicker(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	tiers, err := s.app.Tiers(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	if form.Tiers == nil && rule != nil {
		for _, id := range rule.Conditions.TierIDs {
			form.Tiers = append(form.Tiers, option{Value: id, Checked: true})
		}
	}
	form.Tiers = tierChecks(tiers, form.Tiers)
	if picker.Search {
		form.Partner = picker.label(form.Partner)
		for i := range form.Weights {
			form.Weights[i].Partner = picker.label(form.Weights[i].Partner)
		}
	}
	for range ruleBlankWeights {
		form.Weights = append(form.Weights, ruleWeightRow{})
	}
	modes := make([]option, len(ally.RoutingModes))
	for i, m := range ally.RoutingModes {
		modes[i] = option{Value: string(m), Checked: string(m) == form.Mode}
	}
	title := "New routing rule"
	if rule != nil {
		title = "Rule " + rule.Name
	}
	s.render(w, r, status, "admin/rule", view{Title: title, Data: ruleFormData{Rule: rule, Form: form, Version: version, Errs: e,
		Partners: picker, Modes: modes, CanWrite: aldCanWrite(r, ally.ScopeRoutingWrite)}})
}

// tierChecks makes the tier checkboxes, ticked where picked ticks them.
func tierChecks(tiers []*ally.Tier, picked []option) []option {
	out := make([]option, len(tiers))
	for i, t := range tiers {
		out[i] = option{Value: t.ID, Label: t.Name}
		for _, p := range picked {
			out[i].Checked = out[i].Checked || (p.Checked && p.Value == t.ID)
		}
	}
	return out
}

func (s *server) adminRuleCreate(w http.ResponseWriter, r *http.Request) {
	s.saveRule(w, r, nil)
}

func (s *server) adminRuleUpdate(w http.ResponseWriter, r *http.Request) {
	rule, err := s.app.RoutingRule(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.saveRule(w, r, rule)
}

// saveRule reads the form, checks it against the rule it makes (every
// problem at once) and creates or updates the rule.
func (s *server) saveRule(w http.ResponseWriter, r *http.Request, cur *ally.RoutingRule) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	fields, form, err := s.ruleFields(r, f)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	version := f.version()
	again := func(status int, e formErrs) {
		v := int64(0)
		if version != nil {
			v = *version
		}
		s.renderRuleForm(w, r, status, cur, form, v, e)
	}
	check := ally.RoutingRule{}
	if cur != nil {
		check = *cur
	}
	fields.Apply(&check)
	if err := f.check(check.Validate()); err != nil {
		s.formFailed(w, r, err, again)
		return
	}
	if cur == nil {
		_, err = s.app.CreateRoutingRule(r.Context(), actor(r), fields)
	} else {
		_, err = s.app.UpdateRoutingRule(r.Context(), actor(r), cur.ID, fields, version)
	}
	if err != nil {
		s.formFailed(w, r, err, again)
		return
	}
	flash := "created"
	if cur != nil {
		flash = "saved"
	}
	redirect(w, r, "/admin/rules", flash)
}

// ruleFields reads the form into the rule's fields (all of them given),
// noting on f what cannot be parsed, and keeps the form as typed.
func (s *server) ruleFields(r *http.Request, f *formInput) (ally.RoutingRuleFields, ruleForm, error) {
	form := ruleForm{Name: f.text("name"), Priority: f.text("priority"), DailyCap: f.text("dailyCap"), MonthlyCap: f.text("monthlyCap"),
		Enabled: f.text("enabled") != "", Countries: f.text("countries"), Regions: f.text("regions"), Sources: f.text("sources"),
		Categories: f.text("categories"), Mode: f.text("mode"), Partner: f.text("partner")}
	for _, id := range f.r.PostForm["tier"] {
		form.Tiers = append(form.Tiers, option{Value: id, Checked: true})
	}
	mode := ally.RoutingMode(form.Mode)
	fields := ally.RoutingRuleFields{Name: &form.Name, Enabled: &form.Enabled, Mode: &mode,
		Priority: f.number("priority", "priority"), DailyCap: f.number("dailyCap", "dailyCap"), MonthlyCap: f.number("monthlyCap", "monthlyCap"),
		Conditions: &ally.RuleConditions{Countries: admSplitList(form.Countries), Regions: admSplitList(form.Regions),
			Sources: admSplitList(form.Sources), Categories: admSplitList(form.Categories), TierIDs: f.r.PostForm["tier"]}}
	partnerID := ""
	weights := []ally.RuleWeight{}
	// Only the chosen mode's partner fields count: the others may hold
	// what was typed before the mode was changed.
	switch mode {
	case ally.RouteToPartner:
		id, msg, err := s.resolvePartner(r, form.Partner)
		if err != nil {
			return fields, form, err
		}
		if msg != "" {
			f.errs["partnerId"] = msg
		}
		partnerID = id
	case ally.RouteWeighted:
		var err error
		if weights, err = s.ruleWeights(r, f, &form); err != nil {
			return fields, form, err
		}
	}
	fields.PartnerID, fields.Weights = &partnerID, &weights
	return fields, form, nil
}

// ruleWeights reads the partner and weight rows; rows left empty are skipped.
func (s *server) ruleWeights(r *http.Request, f *formInput, form *ruleForm) ([]ally.RuleWeight, error) {
	partners, values := f.r.PostForm["weight.partner"], f.r.PostForm["weight.value"]
	out := []ally.RuleWeight{}
	for i, p := range partners {
		row := ruleWeightRow{Partner: strings.TrimSpace(p)}
		if i < len(values) {
			row.Weight = strings.TrimSpace(values[i])
		}
		if row.Partner == "" && row.Weight == "" {
			continue
		}
		form.Weights = append(form.Weights, row)
		id, msg, err := s.resolvePartner(r, row.Partner)
		if err != nil {
			return nil, err
		}
		n, ok := parseWeight(row.Weight)
		switch {
		case msg != "":
			f.errs["weights"] = msg
		case id == "":
			f.errs["weights"] = "each row needs a partner"
		case !ok:
			f.errs["weights"] = "each weight must be a whole number from 1 to 1000"
		}
		out = append(out, ally.RuleWeight{PartnerID: id, Weight: n})
	}
	return out, nil
}

// parseWeight reads a weight; empty is 1, the even share.
func parseWeight(s string) (int, bool) {
	if s == "" {
		return 1, true
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1000 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= 1 && n <= 1000
}
