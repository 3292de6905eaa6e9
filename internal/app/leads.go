package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Lead use cases. Staff and API keys with leads:read see every lead (managers
// and viewers: only leads of partners they may see, never the unassigned
// queue); a partner user sees only its own organization's leads, and only
// when its experience template shows the Leads section.

// CreateLead takes one lead in: validate, route (or assign directly when
// in.PartnerID is set), insert, and enqueue its deliveries and the vendor's
// lead.created / lead.assigned events, all in one transaction: one
// dispatch job that writes the deliveries and the timeline entry a moment
// later (dispatch.go).
func (a *App) CreateLead(ctx context.Context, actor ally.Actor, in ally.LeadInput) (*ally.Lead, error) {
	if actor.Kind == ally.ActorPartner {
		return nil, ally.Errorf(ally.ECodeForbidden, "partner users cannot create leads")
	}
	if err := require(actor, ally.ScopeLeadsWrite); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var l *ally.Lead
	dispatched := false
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if in.PartnerID != "" && !actor.SeesAllPartners() {
			// A restricted user may only direct leads to partners it sees.
			if _, err := a.findVisiblePartner(ctx, tx, actor, in.PartnerID); err != nil {
				return partnerField(err, in.PartnerID)
			}
		}
		rt, err := a.newRouter(ctx, tx, false)
		if err != nil {
			return err
		}
		// A routed lead may end up unassigned, and then only a
		// subscription to lead.created calls for a dispatch: routing reads
		// (and locks) the rules and the subscriptions in one round trip on
		// PostgreSQL. A lead assigned directly is always dispatched.
		var subs []*ally.Subscription
		if in.PartnerID == "" {
			var rules []*ally.RoutingRule
			if rules, subs, err = tx.LockRoutingSetup(ctx); err != nil {
				return err
			}
			rt.setRules(rules)
		}
		l = ally.NewLead(&in, a.clock())
		if in.PartnerID != "" {
			err = rt.assign(ctx, l, in.PartnerID, ally.RoutedDirect, actor.Label)
		} else {
			err = rt.route(ctx, l)
		}
		if err != nil {
			return err
		}
		// Every read is done: the writes from here on go out together
		// (on PostgreSQL, one round trip), the lead before its dispatch.
		if err := tx.CreateLeads(ctx, []*ally.Lead{l}); err != nil {
			return err
		}
		if err := rt.flush(ctx, tx); err != nil {
			return err
		}
		if dispatched, err = a.dispatchLead(ctx, tx, actor, l, subs); err != nil {
			return err
		}
		c := changes{}
		c.str("partnerId", "", l.PartnerID)
		c.add("routing", nil, l.Routing.Outcome)
		return a.record(ctx, tx, actor, "lead.create", "lead", l.ID, l.PartnerID, c)
	})
	if err != nil {
		return nil, err
	}
	if dispatched {
		a.kickJobs()
	}
	return shownLead(ctx, a.store, actor, l)
}

// afterAssign queues an assigned lead's deliveries and its entry on the
// partner's timeline; an unassigned lead needs neither.
func (a *App) afterAssign(ctx context.Context, tx ally.Tx, actor ally.Actor, ob *outbox, l *ally.Lead) error {
	if l.PartnerID == "" {
		return nil
	}
	if err := ob.leadAssigned(ctx, tx, l); err != nil {
		return err
	}
	e := a.entry(actor, l.PartnerID, ally.ActivitySystem, "New lead: "+leadLabel(l))
	e.At = ob.now // a dispatch job's outbox is dated at intake
	return tx.CreateActivity(ctx, e)
}

// leadLabel names a lead on a timeline: "Ada Lovelace (Acme)".
func leadLabel(l *ally.Lead) string {
	if l.Company == "" {
		return l.Name()
	}
	return l.Name() + " (" + l.Company + ")"
}

// partnerField turns "no such partner" into a 422 on partnerId, the field
// that named it.
func partnerField(err error, id string) error {
	if ally.IsNotFound(err) {
		return invalid("partnerId", "no partner \""+id+"\"")
	}
	return err
}

// Lead returns one lead the actor may see (404 otherwise).
func (a *App) Lead(ctx context.Context, actor ally.Actor, id string) (*ally.Lead, error) {
	l, err := a.findVisibleLead(ctx, a.store, actor, id, ally.ScopeLeadsRead)
	if err != nil {
		return nil, err
	}
	return shownLead(ctx, a.store, actor, l)
}

// findVisibleLead reads a lead the actor may see and, for staff and keys,
// holds scope; everything else is 404.
func (a *App) findVisibleLead(ctx context.Context, r ally.Reader, actor ally.Actor, id string, scope ally.Scope) (*ally.Lead, error) {
	if actor.Kind == ally.ActorPartner {
		if _, err := a.portalLeads(ctx, r, actor); err != nil {
			return nil, err
		}
	} else if err := require(actor, scope); err != nil {
		return nil, err
	}
	l, err := r.FindLeadByID(ctx, id)
	if err != nil {
		return nil, notFound(err, "lead", id)
	}
	ok, err := canSeeLead(ctx, r, actor, l)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ally.Errorf(ally.ECodeNotFound, "no lead %q", id)
	}
	return l, nil
}

// canSeeLead: a partner user its own organization's leads; admins and keys
// every lead; managers and viewers the leads of partners they may see.
func canSeeLead(ctx context.Context, r ally.Reader, actor ally.Actor, l *ally.Lead) (bool, error) {
	switch {
	case actor.Kind == ally.ActorPartner:
		return l.PartnerID != "" && l.PartnerID == actor.PartnerID, nil
	case actor.SeesAllPartners():
		return true, nil
	case l.PartnerID == "":
		return false, nil
	}
	p, err := r.FindPartnerByID(ctx, l.PartnerID)
	if err != nil {
		return false, err
	}
	return canSeePartner(ctx, r, actor, p)
}

// portalLeads returns a partner user's organization when its template
// shows the Leads section (404 otherwise, as for a missing page).
func (a *App) portalLeads(ctx context.Context, r ally.Reader, actor ally.Actor) (*ally.ExperienceTemplate, error) {
	p, err := a.portalPartner(ctx, r, actor)
	if err != nil {
		return nil, err
	}
	t, err := effectiveTemplate(ctx, r, p)
	if err != nil {
		return nil, err
	}
	if !t.Sections.Leads {
		return nil, ally.Errorf(ally.ECodeNotFound, "your portal does not include the leads section")
	}
	return t, nil
}

// shownTo hides the routing explanation, which names other partners, from
// everyone who does not see every partner, without a read: for streams,
// where leadsShownTo would read once per row (EachLead leaves it out).
func shownTo(actor ally.Actor, l *ally.Lead) *ally.Lead {
	if !actor.SeesAllPartners() {
		l.Routing = nil
	}
	return l
}

// Leads lists leads, a keyset page at a time. For a partner user f.PartnerID
// is forced to its own organization.
func (a *App) Leads(ctx context.Context, actor ally.Actor, f ally.LeadFilter) (ally.Page[*ally.Lead], error) {
	f, err := a.leadScope(ctx, actor, f, false)
	if err != nil {
		return ally.Page[*ally.Lead]{}, err
	}
	want := ally.ClampLimit(f.Limit)
	f.Limit = want + 1 // one extra row says whether there is a next page
	ls, err := a.store.FindLeads(ctx, f)
	if err != nil {
		return ally.Page[*ally.Lead]{}, err
	}
	if err := leadsShownTo(ctx, a.store, actor, ls...); err != nil {
		return ally.Page[*ally.Lead]{}, err
	}
	return ally.NewPage(ls, want, func(l *ally.Lead) string { return ally.LeadCursor(l, f.Sort) }), nil
}

// leadScope checks a list or export request and narrows f to what the
// actor may see.
func (a *App) leadScope(ctx context.Context, actor ally.Actor, f ally.LeadFilter, export bool) (ally.LeadFilter, error) {
	if !f.Sort.Valid() {
		return f, ally.Errorf(ally.ECodeBadRequest, "unknown sort %q (newest, oldest or company)", string(f.Sort))
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, ally.Errorf(ally.ECodeBadRequest, "unknown status %q", string(f.Status))
	}
	if actor.Kind == ally.ActorPartner {
		t, err := a.portalLeads(ctx, a.store, actor)
		if err != nil {
			return f, err
		}
		if export && !t.Sections.LeadExport {
			return f, ally.Errorf(ally.ECodeForbidden, "your portal does not include lead export")
		}
		f.PartnerID, f.VisibleTo, f.Unassigned = actor.PartnerID, "", false
		return f, nil
	}
	if err := require(actor, ally.ScopeLeadsRead); err != nil {
		return f, err
	}
	if !actor.SeesAllPartners() {
		if f.Unassigned {
			return f, ally.Errorf(ally.ECodeForbidden, "the unassigned queue is for admins")
		}
		f.VisibleTo = actor.ID
	}
	return f, nil
}

// ExportLeads calls emit for every lead f selects (the whole filtered list,
// not a page), streaming from the database, and records one audit event
// for the export. For partner users the template must enable lead export.
func (a *App) ExportLeads(ctx context.Context, actor ally.Actor, f ally.LeadFilter, emit func(*ally.Lead) error) error {
	f, err := a.leadScope(ctx, actor, f, true)
	if err != nil {
		return err
	}
	f.Limit, f.After = 0, ""
	rows := 0
	err = a.store.EachLead(ctx, f, func(l *ally.Lead) error {
		rows++
		return emit(shownTo(actor, l))
	})
	// Rows that left are on record even when the stream broke off (a
	// client gone away cancels ctx; the record must still land).
	if rows > 0 || err == nil {
		rctx := context.WithoutCancel(ctx)
		if aerr := a.store.Write(rctx, func(tx ally.Tx) error {
			c := changes{}
			c.add("filter", nil, filterRecord(f))
			c.add("rows", nil, rows)
			return a.record(rctx, tx, actor, "lead.export", "lead", "", f.PartnerID, c)
		}); aerr != nil && err == nil {
			err = aerr
		}
	}
	return err
}

// filterRecord is the export's filter as the audit log keeps it.
func filterRecord(f ally.LeadFilter) map[string]any {
	m := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("partnerId", f.PartnerID)
	set("status", string(f.Status))
	set("source", f.Source)
	set("query", f.Query)
	set("sort", string(f.Sort))
	if f.Unassigned {
		m["unassigned"] = true
	}
	if !f.From.IsZero() {
		m["from"] = f.From.UTC().Format(time.RFC3339)
	}
	if !f.To.IsZero() {
		m["to"] = f.To.UTC().Format(time.RFC3339)
	}
	return m
}

// MyLeadStats are the lead numbers on a partner user's dashboard (404 when
// its template hides the Leads section).
func (a *App) MyLeadStats(ctx context.Context, actor ally.Actor) (ally.LeadStats, error) {
	if _, err := a.portalLeads(ctx, a.store, actor); err != nil {
		return ally.LeadStats{}, err
	}
	now := a.clock()
	return a.store.LeadStats(ctx, actor.PartnerID, time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC))
}
