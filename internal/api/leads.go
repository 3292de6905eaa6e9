package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Lead handlers: parse, call the application, render. The shapes are in
// leads_json.go.

type listLeadsInput struct {
	Status       string `query:"status" enum:"new,accepted,contacted,qualified,won,lost,rejected" doc:"Only leads with this status."`
	PartnerID    string `query:"partnerId" maxLength:"100" doc:"Only the leads of this partner."`
	Unassigned   bool   `query:"unassigned" doc:"Only the leads no rule could place (the unassigned queue)."`
	Source       string `query:"source" maxLength:"200" doc:"Only leads from this source."`
	Q            string `query:"q" maxLength:"200" doc:"Case-insensitive text in the name, e-mail or company."`
	ReceivedFrom string `query:"receivedFrom" maxLength:"40" doc:"Only leads received at or after this time: RFC 3339, or a date (YYYY-MM-DD, from its start, UTC)."`
	ReceivedTo   string `query:"receivedTo" maxLength:"40" doc:"Only leads received before this time: RFC 3339, or a date (YYYY-MM-DD, up to its end, UTC)."`
	Sort         string `query:"sort" enum:"newest,oldest,company" default:"newest" doc:"newest or oldest by receipt, or company A to Z."`
	Limit        int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size, 1 to 200."`
	Cursor       string `query:"cursor" maxLength:"1000" doc:"The nextCursor of the previous page, with the same sort."`
}

func (s *server) listLeads(ctx context.Context, in *listLeadsInput) (*many[leadJSON], error) {
	f, err := in.filter()
	if err != nil {
		return nil, fail(ctx, err)
	}
	pg, err := s.app.Leads(ctx, actorFrom(ctx), f)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(pg.Items, renderLead), pg.Next), nil
}

// filter turns the query into the application's filter, refusing dates it
// cannot read and a cursor of another sort.
func (in *listLeadsInput) filter() (ally.LeadFilter, error) {
	sort := ally.LeadSort(in.Sort)
	if sort == "newest" {
		sort = ally.LeadSortNewest
	}
	f := ally.LeadFilter{Status: ally.LeadStatus(in.Status), PartnerID: in.PartnerID, Unassigned: in.Unassigned,
		Source: in.Source, Query: in.Q, Sort: sort, Limit: in.Limit}
	var v ally.Validator
	f.From = parseDay(&v, "receivedFrom", in.ReceivedFrom, false)
	f.To = parseDay(&v, "receivedTo", in.ReceivedTo, true)
	v.Check(!in.Unassigned || in.PartnerID == "", "unassigned", "cannot be combined with partnerId")
	if err := v.Err(); err != nil {
		return f, err
	}
	after, err := decodeLeadCursor(in.Cursor, sort)
	f.After = after
	return f, err
}

// parseDay reads an RFC 3339 time or a date. A date means its start, or as
// the end of a range (end), the start of the next day: the range's end is
// not included.
func parseDay(v *ally.Validator, field, s string, end bool) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		v.Add(field, "must be an RFC 3339 time (2026-05-08T12:00:00Z) or a date (2026-05-08)")
		return time.Time{}
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// decodeLeadCursor reads a cursor of the lead list. For the company sort it
// holds the company and the id (ally.LeadCursor), otherwise just the id.
func decodeLeadCursor(c string, sort ally.LeadSort) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	raw := string(b)
	company, id := ally.SplitLeadCursor(raw)
	if err != nil || !ally.HasPrefix(id, ally.PrefixLead) || !ally.PlainText(company) ||
		strings.Contains(raw, "\x1f") != (sort == ally.LeadSortCompany) {
		return "", &ally.Error{Code: ally.ECodeBadRequest, Message: "the cursor is not one this API returned for this sort",
			Fields: []ally.FieldError{{Field: "cursor", Message: "is not a nextCursor from a previous page with the same sort"}}}
	}
	return raw, nil
}

type leadRef struct {
	ID string `path:"id" minLength:"1" maxLength:"100" doc:"The lead's id (lead_…)."`
}

func (s *server) getLead(ctx context.Context, in *leadRef) (*one[leadJSON], error) {
	l, err := s.app.Lead(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, l.Version, renderLeadRouting(l)), nil
}

func (s *server) createLead(ctx context.Context, in *struct{ Body leadCreate }) (*one[leadJSON], error) {
	l, err := s.app.CreateLead(ctx, actorFrom(ctx), in.Body.input())
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusCreated, l.Version, renderLeadRouting(l)), nil
}

type leadAssign struct {
	PartnerID field[string] `json:"partnerId" required:"true" nullable:"true" maxLength:"100" doc:"The partner (ptn_…) to give the lead to; \"\" or null sends it back to the unassigned queue."`
}

func (s *server) assignLead(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"100" doc:"The lead's id (lead_…)."`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    leadAssign
}) (*one[leadJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	l, err := s.app.AssignLead(ctx, actorFrom(ctx), in.ID, *clearable(in.Body.PartnerID), version)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, l.Version, renderLeadRouting(l)), nil
}

type leadStatusChange struct {
	Status string `json:"status" required:"true" enum:"new,accepted,contacted,qualified,won,lost,rejected"`
	Reason string `json:"reason,omitempty" maxLength:"1000" doc:"Why; required for lost and rejected."`
}

func (s *server) setLeadStatus(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"100" doc:"The lead's id (lead_…)."`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    leadStatusChange
}) (*one[leadJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	u := ally.LeadStatusUpdate{Status: ally.LeadStatus(in.Body.Status), Reason: in.Body.Reason}
	l, err := s.app.UpdateLeadStatus(ctx, actorFrom(ctx), in.ID, u, version)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, l.Version, renderLeadRouting(l)), nil
}
