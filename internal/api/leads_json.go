package api

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// leadJSON is a lead as webhooks send it (app.LeadJSON), with the API's
// timestamps, and on the single-lead answers the routing explanation. API
// keys are the vendor's, so the explanation, which names other partners,
// may be shown.
type leadJSON struct {
	app.LeadJSON
	ReceivedAt Time                 `json:"receivedAt"`
	AssignedAt *Time                `json:"assignedAt,omitempty" doc:"When the lead reached its partner; absent while unassigned."`
	UpdatedAt  Time                 `json:"updatedAt"`
	Routing    *routingDecisionJSON `json:"routing,omitempty" doc:"How the lead came to its partner, or why it did not; on single-lead answers."`
}

func renderLead(l *ally.Lead) leadJSON {
	return leadJSON{LeadJSON: app.NewLeadJSON(l), ReceivedAt: Time(l.ReceivedAt), AssignedAt: timeOrNil(l.AssignedAt), UpdatedAt: Time(l.UpdatedAt)}
}

// renderLeadRouting is renderLead with the routing explanation.
func renderLeadRouting(l *ally.Lead) leadJSON {
	j := renderLead(l)
	if l.Routing != nil {
		r := renderRouting(l.Routing)
		j.Routing = &r
	}
	return j
}

// routingDecisionJSON explains a routing decision: every rule tried and every
// partner considered, in order.
type routingDecisionJSON struct {
	At          Time                 `json:"at"`
	Outcome     string               `json:"outcome" enum:"assigned,unassigned,direct,manual" doc:"assigned: a rule placed it; unassigned: no rule could; direct: partnerId given on intake; manual: assigned by hand."`
	RuleID      *string              `json:"ruleId" doc:"The rule that placed the lead."`
	RuleName    *string              `json:"ruleName"`
	Mode        *string              `json:"mode" doc:"The placing rule's mode: partner, round_robin or weighted."`
	PartnerID   *string              `json:"partnerId" doc:"The partner chosen, or null."`
	PartnerName *string              `json:"partnerName"`
	Reason      string               `json:"reason" doc:"Why this partner, or why none, in words."`
	By          *string              `json:"by" doc:"Who assigned by hand."`
	Rules       []ruleTraceJSON      `json:"rules" nullable:"false" doc:"Each rule tried, in priority order."`
	Candidates  []candidateTraceJSON `json:"candidates" nullable:"false" doc:"Each partner the placing rule (or the last rule tried) considered."`
}

type ruleTraceJSON struct {
	RuleID   string `json:"ruleId"`
	RuleName string `json:"ruleName"`
	Matched  bool   `json:"matched" doc:"Whether the rule placed the lead."`
	Reason   string `json:"reason"`
}

type candidateTraceJSON struct {
	PartnerID   string `json:"partnerId"`
	PartnerName string `json:"partnerName"`
	Chosen      bool   `json:"chosen"`
	Reason      string `json:"reason" doc:"Why chosen, or why passed over: not active, over a cap, another's turn …"`
}

func renderRouting(d *ally.RoutingDecision) routingDecisionJSON {
	return routingDecisionJSON{
		At: Time(d.At), Outcome: d.Outcome, RuleID: strOrNil(d.RuleID), RuleName: strOrNil(d.RuleName),
		Mode: strOrNil(string(d.Mode)), PartnerID: strOrNil(d.PartnerID), PartnerName: strOrNil(d.PartnerName),
		Reason: d.Reason, By: strOrNil(d.By),
		Rules: mapItems(d.Rules, func(r ally.RuleTrace) ruleTraceJSON {
			return ruleTraceJSON{RuleID: r.RuleID, RuleName: r.RuleName, Matched: r.Matched, Reason: r.Reason}
		}),
		Candidates: mapItems(d.Candidates, func(c ally.CandidateTrace) candidateTraceJSON {
			return candidateTraceJSON{PartnerID: c.PartnerID, PartnerName: c.PartnerName, Chosen: c.Chosen, Reason: c.Reason}
		}),
	}
}

// leadCreate is a lead as it arrives (ally.LeadInput); the dry run takes it too.
type leadCreate struct {
	ExternalID    string         `json:"externalId,omitempty" maxLength:"200" doc:"Your own id for the lead."`
	FirstName     string         `json:"firstName,omitempty" maxLength:"200"`
	LastName      string         `json:"lastName,omitempty" maxLength:"200"`
	Email         string         `json:"email,omitempty" maxLength:"254" doc:"Required, unless the lead has a name and a company."`
	Phone         string         `json:"phone,omitempty" maxLength:"50"`
	Title         string         `json:"title,omitempty" maxLength:"200"`
	Company       string         `json:"company,omitempty" maxLength:"200"`
	CompanyDomain string         `json:"companyDomain,omitempty" maxLength:"255" doc:"The company's domain, e.g. acme.example."`
	Country       string         `json:"country,omitempty" maxLength:"10" doc:"Two-letter ISO 3166 code, e.g. BE."`
	Region        string         `json:"region,omitempty" maxLength:"200" doc:"State, province or sales region."`
	Source        string         `json:"source,omitempty" maxLength:"200" doc:"Where the lead came from: web, event, referral …"`
	Message       string         `json:"message,omitempty" maxLength:"5000" doc:"What the lead asked for."`
	Custom        map[string]any `json:"custom,omitempty" maxProperties:"200" doc:"Your own fields: names of letters, digits and _, values text, numbers, booleans or lists of them."`
	PartnerID     string         `json:"partnerId,omitempty" maxLength:"100" doc:"Assigns the lead to this partner directly, skipping the routing rules."`
}

func (b *leadCreate) input() ally.LeadInput {
	return ally.LeadInput{ExternalID: b.ExternalID, FirstName: b.FirstName, LastName: b.LastName, Email: b.Email,
		Phone: b.Phone, Title: b.Title, Company: b.Company, CompanyDomain: b.CompanyDomain, Country: b.Country,
		Region: b.Region, Source: b.Source, Message: b.Message, Custom: b.Custom, PartnerID: b.PartnerID}
}

// view is the output of a single object without a version (deliveries,
// imports): status and body, no ETag.
type view[T any] struct {
	Status int
	Body   single[T]
}

func show[T any](status int, v T) *view[T] {
	return &view[T]{Status: status, Body: single[T]{Data: v}}
}

// respondsInstead documents that an operation answers status where handle
// assumed from: a POST that creates nothing (200), or one that only queues
// work (202).
func respondsInstead(api huma.API, method, path, from, status, desc string) {
	op := operation(api.OpenAPI().Paths[path], method)
	r := op.Responses[from]
	r.Description = desc
	op.Responses[status] = r
	delete(op.Responses, from)
}
