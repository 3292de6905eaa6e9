package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// A routing explanation names every partner a rule considered. Staff who
// see only some partners (managers, viewers) must not learn the others
// from it: for them the partners they do not see are left out of the
// candidates (counted instead) and their names and ids are taken out of
// the reasons.

// aldHiddenPartner stands in for a partner the reader may not see.
const aldHiddenPartner = "a partner you do not see"

// routingView is an explanation as the page shows it.
type routingView struct {
	D      *ally.RoutingDecision
	Hidden int // candidates left out: partners the reader does not see
}

// routingFor returns d as the signed-in staff user may read it.
func (s *server) routingFor(r *http.Request, d *ally.RoutingDecision) (*routingView, error) {
	if d == nil {
		return nil, nil
	}
	if actor(r).SeesAllPartners() {
		return &routingView{D: d}, nil
	}
	picker, err := s.partnerPicker(r)
	if err != nil {
		return nil, err
	}
	visible := map[string]bool{}
	for _, o := range picker.Options {
		visible[o.Value] = true
	}
	return redactRouting(d, visible), nil
}

// redactRouting copies d without the partners outside visible.
func redactRouting(d *ally.RoutingDecision, visible map[string]bool) *routingView {
	out := *d
	v := &routingView{D: &out}
	var hidden []string // names and ids to take out of the reasons
	out.Candidates = nil
	for _, c := range d.Candidates {
		if visible[c.PartnerID] {
			out.Candidates = append(out.Candidates, c)
			continue
		}
		v.Hidden++
		hidden = append(hidden, c.PartnerName, c.PartnerID)
	}
	if d.PartnerID != "" && !visible[d.PartnerID] {
		hidden = append(hidden, d.PartnerName, d.PartnerID)
		out.PartnerID, out.PartnerName = "", aldHiddenPartner
	}
	// Longest first, so a name that contains a shorter one goes whole.
	slices.SortFunc(hidden, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	scrub := func(s string) string {
		for _, h := range hidden {
			if h != "" {
				s = strings.ReplaceAll(s, h, aldHiddenPartner)
			}
		}
		return s
	}
	out.Reason = scrub(d.Reason)
	out.Rules = make([]ally.RuleTrace, len(d.Rules))
	for i, rt := range d.Rules {
		rt.Reason = scrub(rt.Reason)
		out.Rules[i] = rt
	}
	for i := range out.Candidates {
		out.Candidates[i].Reason = scrub(out.Candidates[i].Reason)
	}
	return v
}
