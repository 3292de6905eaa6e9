package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// AssignLead gives a lead to a partner by hand (staff: from the unassigned
// queue, or a reassignment), explaining it on the lead and enqueuing its
// deliveries. partnerID "" sends the lead back to the unassigned queue.
func (a *App) AssignLead(ctx context.Context, actor ally.Actor, leadID, partnerID string, ifVersion *int64) (*ally.Lead, error) {
	if actor.Kind == ally.ActorPartner {
		return nil, ally.Errorf(ally.ECodeForbidden, "partner users cannot assign leads")
	}
	var l *ally.Lead
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		var err error
		if l, err = a.findVisibleLead(ctx, tx, actor, leadID, ally.ScopeLeadsWrite); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, l.Version); err != nil {
			return err
		}
		before := l.PartnerID
		if partnerID == before {
			return nil // already there: nothing to send again
		}
		if partnerID != "" && !actor.SeesAllPartners() {
			if _, err := a.findVisiblePartner(ctx, tx, actor, partnerID); err != nil {
				return partnerField(err, partnerID)
			}
		}
		rt, err := a.newRouter(ctx, tx, false)
		if err != nil {
			return err
		}
		if partnerID == "" {
			l.PartnerID, l.PartnerName, l.AssignedAt = "", "", time.Time{}
			l.Routing = &ally.RoutingDecision{At: a.clock(), Outcome: ally.RoutedNowhere, By: actor.Label,
				Reason: "Sent back to the unassigned queue by hand by " + actor.Label + "."}
		} else if err := rt.assign(ctx, l, partnerID, ally.RoutedByHand, actor.Label); err != nil {
			return err
		}
		l.Status, l.StatusReason, l.UpdatedAt = ally.LeadNew, "", a.clock()
		if err := tx.UpdateLead(ctx, l); err != nil {
			return err
		}
		ob, err := a.newOutbox(ctx, tx)
		if err != nil {
			return err
		}
		if err := a.afterAssign(ctx, tx, actor, ob, l); err != nil {
			return err
		}
		if err := rt.flush(ctx, tx); err != nil {
			return err
		}
		if err := ob.flush(ctx, tx); err != nil {
			return err
		}
		c := changes{}
		c.str("partnerId", before, l.PartnerID)
		return a.record(ctx, tx, actor, "lead.assign", "lead", l.ID, l.PartnerID, c)
	})
	if err != nil {
		return nil, err
	}
	return shownLead(ctx, a.store, actor, l)
}

// UpdateLeadStatus moves a lead on (partner users: their own leads), with a
// reason for lost and rejected; it lands on the partner's timeline, notifies
// the partner's owner and emits lead.status_changed.
func (a *App) UpdateLeadStatus(ctx context.Context, actor ally.Actor, leadID string, u ally.LeadStatusUpdate, ifVersion *int64) (*ally.Lead, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var l *ally.Lead
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		var err error
		if l, err = a.findVisibleLead(ctx, tx, actor, leadID, ally.ScopeLeadsWrite); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, l.Version); err != nil {
			return err
		}
		if l.PartnerID == "" {
			return ally.Errorf(ally.ECodeConflict, "the lead has no partner yet; assign it first")
		}
		if l.Status == u.Status && l.StatusReason == u.Reason {
			return nil
		}
		before := *l
		l.Status, l.StatusReason, l.UpdatedAt = u.Status, u.Reason, a.clock()
		if err := tx.UpdateLead(ctx, l); err != nil {
			return err
		}
		return a.afterStatus(ctx, tx, actor, l, before)
	})
	if err != nil {
		return nil, err
	}
	return shownLead(ctx, a.store, actor, l)
}

// afterStatus writes what follows a status change: the timeline entry, the
// owner's notification (for the partner's own changes), the vendor's event
// and the audit event.
func (a *App) afterStatus(ctx context.Context, tx ally.Tx, actor ally.Actor, l *ally.Lead, before ally.Lead) error {
	text := "Lead " + l.Name() + " marked " + string(l.Status)
	if l.StatusReason != "" {
		text += ": " + l.StatusReason
	}
	if err := a.addActivity(ctx, tx, actor, l.PartnerID, ally.ActivityStatusChange, text); err != nil {
		return err
	}
	if actor.Kind == ally.ActorPartner {
		p, err := tx.FindPartnerByID(ctx, l.PartnerID)
		if err != nil {
			return err
		}
		if err := a.notify(ctx, tx, p.OwnerID, ally.NotifyActivity, p.Name+": "+text, "/admin/leads/"+l.ID); err != nil {
			return err
		}
	}
	ob, err := a.newOutbox(ctx, tx)
	if err != nil {
		return err
	}
	if err := ob.event(ally.EventLeadStatusChanged, l.ID, NewLeadJSON(l)); err != nil {
		return err
	}
	if err := ob.flush(ctx, tx); err != nil {
		return err
	}
	c := changes{}
	c.str("status", string(before.Status), string(l.Status))
	c.str("reason", before.StatusReason, l.StatusReason)
	return a.record(ctx, tx, actor, "lead.status", "lead", l.ID, l.PartnerID, c)
}
