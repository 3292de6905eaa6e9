package ally

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RoutingMode says how a rule picks the partner.
type RoutingMode string

// Routing modes: one named partner; round-robin among the partners that
// match; weighted among the partners the rule lists.
const (
	RouteToPartner  RoutingMode = "partner"
	RouteRoundRobin RoutingMode = "round_robin"
	RouteWeighted   RoutingMode = "weighted"
)

// RoutingModes lists the modes.
var RoutingModes = []RoutingMode{RouteToPartner, RouteRoundRobin, RouteWeighted}

// RuleConditions must all hold for a rule to take a lead. An empty list
// matches anything. Country, region and source are the lead's; category and
// tier narrow the partners the rule may pick.
type RuleConditions struct {
	Countries  []string `json:"countries,omitempty"`
	Regions    []string `json:"regions,omitempty"`
	Sources    []string `json:"sources,omitempty"`
	Categories []string `json:"categories,omitempty"`
	TierIDs    []string `json:"tierIds,omitempty"`
}

// MatchLead reports whether the lead's own fields meet the conditions, and
// if not, why not (for the explanation).
func (c *RuleConditions) MatchLead(l *Lead) (bool, string) {
	if len(c.Countries) > 0 && !slices.Contains(c.Countries, l.Country) {
		return false, "country " + orNone(l.Country) + " is not " + strings.Join(c.Countries, ", ")
	}
	if len(c.Regions) > 0 && !slices.ContainsFunc(c.Regions, func(r string) bool { return strings.EqualFold(r, l.Region) }) {
		return false, "region " + orNone(l.Region) + " is not " + strings.Join(c.Regions, ", ")
	}
	if len(c.Sources) > 0 && !slices.Contains(c.Sources, l.Source) {
		return false, "source " + orNone(l.Source) + " is not " + strings.Join(c.Sources, ", ")
	}
	return true, ""
}

// MatchPartner reports whether a partner meets the category and tier
// conditions, and if not, why not.
func (c *RuleConditions) MatchPartner(p *RoutingCandidate) (bool, string) {
	if len(c.Categories) > 0 && !slices.ContainsFunc(p.Categories, func(cat string) bool { return slices.Contains(c.Categories, cat) }) {
		return false, "not in category " + strings.Join(c.Categories, ", ")
	}
	if len(c.TierIDs) > 0 && !slices.Contains(c.TierIDs, p.TierID) {
		return false, "not in the rule's tiers"
	}
	return true, ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// RuleWeight is one partner's share in a weighted rule.
type RuleWeight struct {
	PartnerID string `json:"partnerId"`
	Weight    int    `json:"weight"`
}

// RoutingRule places leads that meet its conditions. Rules are tried by
// priority, lowest number first; the first rule that can place a lead wins.
type RoutingRule struct {
	ID         string
	Name       string
	Priority   int
	Enabled    bool
	Conditions RuleConditions
	Mode       RoutingMode
	PartnerID  string       // RouteToPartner
	Weights    []RuleWeight // RouteWeighted
	// Caps per partner, counting every lead the partner received that day
	// or month (UTC), whatever rule placed it; 0 means no cap.
	DailyCap   int
	MonthlyCap int
	// Cursor is the last partner a round-robin rule picked.
	Cursor    string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// RoutingRuleFields is a create or an update; nil leaves a field alone.
type RoutingRuleFields struct {
	Name       *string         `json:"name"`
	Priority   *int            `json:"priority"`
	Enabled    *bool           `json:"enabled"`
	Conditions *RuleConditions `json:"conditions"`
	Mode       *RoutingMode    `json:"mode"`
	PartnerID  *string         `json:"partnerId"`
	Weights    *[]RuleWeight   `json:"weights"`
	DailyCap   *int            `json:"dailyCap"`
	MonthlyCap *int            `json:"monthlyCap"`
}

// Apply copies the given fields onto r.
func (f *RoutingRuleFields) Apply(r *RoutingRule) {
	if f.Name != nil {
		r.Name = strings.TrimSpace(*f.Name)
	}
	if f.Priority != nil {
		r.Priority = *f.Priority
	}
	if f.Enabled != nil {
		r.Enabled = *f.Enabled
	}
	if f.Conditions != nil {
		r.Conditions = f.Conditions.normalized()
	}
	if f.Mode != nil {
		r.Mode = *f.Mode
	}
	if f.PartnerID != nil {
		r.PartnerID = strings.TrimSpace(*f.PartnerID)
	}
	if f.Weights != nil {
		r.Weights = slices.Clone(*f.Weights)
	}
	if f.DailyCap != nil {
		r.DailyCap = *f.DailyCap
	}
	if f.MonthlyCap != nil {
		r.MonthlyCap = *f.MonthlyCap
	}
}

func (c RuleConditions) normalized() RuleConditions {
	clean := func(in []string, f func(string) string) []string {
		out := []string{}
		for _, s := range in {
			if s = f(strings.TrimSpace(s)); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	same := func(s string) string { return s }
	return RuleConditions{
		Countries:  clean(c.Countries, strings.ToUpper),
		Regions:    clean(c.Regions, same),
		Sources:    clean(c.Sources, strings.ToLower),
		Categories: clean(c.Categories, same),
		TierIDs:    clean(c.TierIDs, same),
	}
}

// Validate checks a whole rule (after Apply).
func (r *RoutingRule) Validate() error {
	var v Validator
	n := utf8.RuneCountInString(r.Name)
	v.Check(n >= 1 && n <= 200 && PlainText(r.Name), "name", "must be 1 to 200 characters of text")
	v.Check(r.Priority >= 0 && r.Priority <= 1_000_000, "priority", "must be between 0 and 1,000,000")
	v.Check(slices.Contains(RoutingModes, r.Mode), "mode", "must be partner, round_robin or weighted")
	for _, c := range r.Conditions.Countries {
		if len(c) != 2 {
			v.Add("conditions.countries", "%q is not a two-letter country code", truncate(c, 20))
			break
		}
	}
	all := slices.Concat(r.Conditions.Countries, r.Conditions.Regions, r.Conditions.Sources, r.Conditions.Categories, r.Conditions.TierIDs)
	v.Check(len(all) <= 500, "conditions", "may list at most 500 values")
	for _, s := range all {
		if !PlainText(s) || utf8.RuneCountInString(s) > MaxLeadText {
			v.Add("conditions", "values must be at most 200 characters of text")
			break
		}
	}
	switch r.Mode {
	case RouteToPartner:
		v.Check(HasPrefix(r.PartnerID, PrefixPartner), "partnerId", "is required: the partner that gets the leads")
	case RouteWeighted:
		v.Check(len(r.Weights) >= 1 && len(r.Weights) <= 100, "weights", "must list 1 to 100 partners")
		seen := map[string]bool{}
		for _, w := range r.Weights {
			if !HasPrefix(w.PartnerID, PrefixPartner) || w.Weight < 1 || w.Weight > 1000 || seen[w.PartnerID] {
				v.Add("weights", "each entry needs a partner id (once) and a weight from 1 to 1000")
				break
			}
			seen[w.PartnerID] = true
		}
	}
	v.Check(r.DailyCap >= 0 && r.MonthlyCap >= 0, "dailyCap", "caps must be 0 (none) or more")
	return v.Err()
}

// RoutingDecision explains how a lead came to its partner, or why it did
// not: every rule tried and every partner considered, in order.
type RoutingDecision struct {
	At          time.Time        `json:"at"`
	Outcome     string           `json:"outcome"` // assigned, unassigned, direct, manual
	RuleID      string           `json:"ruleId,omitempty"`
	RuleName    string           `json:"ruleName,omitempty"`
	Mode        RoutingMode      `json:"mode,omitempty"`
	PartnerID   string           `json:"partnerId,omitempty"`
	PartnerName string           `json:"partnerName,omitempty"`
	Reason      string           `json:"reason"`
	By          string           `json:"by,omitempty"` // who assigned by hand
	Rules       []RuleTrace      `json:"rules,omitempty"`
	Candidates  []CandidateTrace `json:"candidates,omitempty"`
	// Hidden counts the candidates left out of a copy redacted for staff
	// who do not see those partners (never stored: 0 on every saved decision).
	Hidden int `json:"hidden,omitempty"`
}

// Routing outcomes.
const (
	RoutedByRule   = "assigned"
	RoutedNowhere  = "unassigned"
	RoutedDirect   = "direct" // partnerId given on intake
	RoutedByHand   = "manual" // staff assigned or reassigned
	MaxTraceLength = 25       // rules and candidates kept on a decision
)

// RuleTrace is one rule tried for a lead.
type RuleTrace struct {
	RuleID   string `json:"ruleId"`
	RuleName string `json:"ruleName"`
	Matched  bool   `json:"matched"`
	Reason   string `json:"reason"`
}

// CandidateTrace is one partner a rule considered.
type CandidateTrace struct {
	PartnerID   string `json:"partnerId"`
	PartnerName string `json:"partnerName"`
	Chosen      bool   `json:"chosen"`
	Reason      string `json:"reason"`
}

// LeadCount is what a partner received in one day and one month, for caps.
type LeadCount struct {
	Day   int
	Month int
}

// CountPeriods names the UTC day and month of t as the lead counters key them.
func CountPeriods(t time.Time) (day, month string) {
	t = t.UTC()
	return t.Format("2006-01-02"), t.Format("2006-01")
}

// RoutingCandidate is a partner as routing needs it.
type RoutingCandidate struct {
	ID         string
	Name       string
	Status     PartnerStatus
	TierID     string
	Categories []string
}
