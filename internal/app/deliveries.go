package app

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/webhook"
)

// DeliveryView is a delivery with its latest attempts, newest first.
type DeliveryView struct {
	Delivery *ally.Delivery
	Attempts []*ally.DeliveryAttempt
}

// maxAttemptsShown bounds the attempts a delivery's page lists.
const maxAttemptsShown = 100

// DeliverySettings returns a partner's delivery settings (staff with
// deliveries:read, for partners they may see; partner users: their own,
// via MyDeliverySettings). The signing secret is included: the partner
// needs it to verify, staff to help set it up.
func (a *App) DeliverySettings(ctx context.Context, actor ally.Actor, partnerID string) (*ally.DeliverySettings, error) {
	if err := require(actor, ally.ScopeDeliveriesRead); err != nil {
		return nil, err
	}
	p, err := a.findVisiblePartner(ctx, a.store, actor, partnerID)
	if err != nil {
		return nil, err
	}
	return a.openDeliverySettings(a.store.FindDeliverySettings(ctx, p.ID))
}

// UpdateDeliverySettings changes a partner's settings (deliveries:write);
// the first save makes a signing secret.
func (a *App) UpdateDeliverySettings(ctx context.Context, actor ally.Actor, partnerID string, f ally.DeliverySettingsFields, ifVersion *int64) (*ally.DeliverySettings, error) {
	if err := require(actor, ally.ScopeDeliveriesWrite); err != nil {
		return nil, err
	}
	var out *ally.DeliverySettings
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.findVisiblePartner(ctx, tx, actor, partnerID)
		if err != nil {
			return err
		}
		out, err = a.saveDeliverySettings(ctx, tx, actor, p, f, ifVersion)
		return err
	})
	return out, err
}

// MyDeliverySettings returns the partner user's own organization's settings;
// the experience template must show the Delivery settings section.
func (a *App) MyDeliverySettings(ctx context.Context, actor ally.Actor) (*ally.DeliverySettings, error) {
	p, err := a.portalDeliveryPartner(ctx, a.store, actor)
	if err != nil {
		return nil, err
	}
	return a.openDeliverySettings(a.store.FindDeliverySettings(ctx, p.ID))
}

// UpdateMyDeliverySettings lets a partner user change its organization's
// settings when the template allows it.
func (a *App) UpdateMyDeliverySettings(ctx context.Context, actor ally.Actor, f ally.DeliverySettingsFields, ifVersion *int64) (*ally.DeliverySettings, error) {
	var out *ally.DeliverySettings
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.portalDeliveryPartner(ctx, tx, actor)
		if err != nil {
			return err
		}
		out, err = a.saveDeliverySettings(ctx, tx, actor, p, f, ifVersion)
		return err
	})
	return out, err
}

// portalDeliveryPartner is the partner user's organization, when its
// template shows the Delivery settings section (no door reads or edits a
// hidden section).
func (a *App) portalDeliveryPartner(ctx context.Context, r ally.Reader, actor ally.Actor) (*ally.Partner, error) {
	p, err := a.portalPartner(ctx, r, actor)
	if err != nil {
		return nil, err
	}
	t, err := effectiveTemplate(ctx, r, p)
	if err != nil {
		return nil, err
	}
	if !t.Sections.DeliverySettings {
		return nil, ally.Errorf(ally.ECodeNotFound, "your portal does not include the delivery settings section")
	}
	return p, nil
}

// saveDeliverySettings applies f to p's settings in tx: validated, a
// signing secret made on the first save or when asked, stored sealed
// (secrets.go), audited (secrets masked) and put on the partner's timeline.
func (a *App) saveDeliverySettings(ctx context.Context, tx ally.Tx, actor ally.Actor, p *ally.Partner, f ally.DeliverySettingsFields, ifVersion *int64) (*ally.DeliverySettings, error) {
	cur, err := tx.FindDeliverySettings(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(ifVersion, cur.Version); err != nil {
		return nil, err
	}
	f.Normalize()
	if err := f.Validate(cur); err != nil {
		return nil, err
	}
	if cur.WebhookSecret, err = a.openReplaced(webhookSecretOf(p.ID), cur.WebhookSecret, f.RotateSecret); err != nil {
		return nil, err
	}
	next := *cur
	next.EmailTo = slices.Clone(cur.EmailTo)
	applyDeliverySettings(&next, f)
	if next.WebhookSecret == "" || f.RotateSecret {
		next.WebhookSecret = webhook.NewSecret()
	}
	diff := deliverySettingsChanges(cur, &next)
	if len(diff) == 0 {
		return cur, nil
	}
	next.UpdatedAt = a.clock()
	next.WebhookSecret = a.secrets.Seal(next.WebhookSecret)
	if err := tx.SaveDeliverySettings(ctx, &next); err != nil {
		return nil, err
	}
	if err := a.record(ctx, tx, actor, "delivery_settings.updated", "partner", p.ID, p.ID, diff); err != nil {
		return nil, err
	}
	text := actor.Label + " changed the lead delivery settings: " + strings.Join(slices.Sorted(maps.Keys(diff)), ", ")
	if err := a.addActivity(ctx, tx, actor, p.ID, ally.ActivitySystem, text); err != nil {
		return nil, err
	}
	return a.openDeliverySettings(tx.FindDeliverySettings(ctx, p.ID))
}

func applyDeliverySettings(s *ally.DeliverySettings, f ally.DeliverySettingsFields) {
	if f.WebhookURL != nil {
		s.WebhookURL = *f.WebhookURL
	}
	if f.WebhookOn != nil {
		// A person decided: Ally's reason for turning it off no longer stands.
		s.WebhookOn, s.WebhookOffReason = *f.WebhookOn, ""
	}
	if s.WebhookURL == "" {
		s.WebhookOn = false
	}
	if f.EmailTo != nil {
		s.EmailTo = *f.EmailTo
	}
	if f.EmailOn != nil {
		s.EmailOn = *f.EmailOn
	}
	if len(s.EmailTo) == 0 {
		s.EmailOn = false
	}
}

// deliverySettingsChanges lists what differs, by API names; secrets are masked.
func deliverySettingsChanges(b, a *ally.DeliverySettings) map[string]ally.Change {
	c := changes{}
	c.str("webhookUrl", b.WebhookURL, a.WebhookURL)
	if b.WebhookSecret != a.WebhookSecret {
		c.add("webhookSecret", nullIfEmpty(maskSecret(b.WebhookSecret)), maskSecret(a.WebhookSecret))
	}
	if b.WebhookOn != a.WebhookOn {
		c.add("webhookEnabled", b.WebhookOn, a.WebhookOn)
	}
	c.str("webhookOffReason", b.WebhookOffReason, a.WebhookOffReason)
	if !slices.Equal(b.EmailTo, a.EmailTo) {
		c.add("emailRecipients", b.EmailTo, a.EmailTo)
	}
	if b.EmailOn != a.EmailOn {
		c.add("emailEnabled", b.EmailOn, a.EmailOn)
	}
	return c
}

// Deliveries lists deliveries newest first (staff/API: deliveries:read;
// partner users: their own organization's, f.PartnerID forced).
func (a *App) Deliveries(ctx context.Context, actor ally.Actor, f ally.DeliveryFilter) (ally.Page[*ally.Delivery], error) {
	if err := a.scopeDeliveryFilter(ctx, actor, &f); err != nil {
		return ally.Page[*ally.Delivery]{}, err
	}
	f.Limit = ally.ClampLimit(f.Limit)
	want := f.Limit
	f.Limit++
	ds, err := a.store.FindDeliveries(ctx, f)
	if err != nil {
		return ally.Page[*ally.Delivery]{}, err
	}
	return ally.NewPage(ds, want, func(d *ally.Delivery) string { return d.ID }), nil
}

// scopeDeliveryFilter narrows f to what the actor may see: a partner user
// its own organization's deliveries (never the vendor's subscription
// deliveries, which have no partner), a manager or viewer the partners
// they may see.
func (a *App) scopeDeliveryFilter(ctx context.Context, actor ally.Actor, f *ally.DeliveryFilter) error {
	if actor.Kind == ally.ActorPartner {
		p, err := a.portalPartner(ctx, a.store, actor)
		if err != nil {
			return err
		}
		f.PartnerID, f.SubscriptionID, f.VisibleTo = p.ID, "", ""
		return nil
	}
	if err := require(actor, ally.ScopeDeliveriesRead); err != nil {
		return err
	}
	if f.PartnerID != "" {
		p, err := a.findVisiblePartner(ctx, a.store, actor, f.PartnerID)
		if err != nil {
			return err
		}
		f.PartnerID = p.ID
	}
	if !actor.SeesAllPartners() {
		f.VisibleTo, f.SubscriptionID = actor.ID, ""
	}
	return nil
}

// Delivery returns one delivery with its attempts, to those who may see it.
func (a *App) Delivery(ctx context.Context, actor ally.Actor, id string) (*DeliveryView, error) {
	if actor.Kind != ally.ActorPartner {
		if err := require(actor, ally.ScopeDeliveriesRead); err != nil {
			return nil, err
		}
	}
	d, err := a.visibleDelivery(ctx, a.store, actor, id)
	if err != nil {
		return nil, err
	}
	atts, err := a.store.FindDeliveryAttempts(ctx, d.ID, maxAttemptsShown)
	if err != nil {
		return nil, err
	}
	return &DeliveryView{Delivery: d, Attempts: atts}, nil
}

// DeliveryViews lists the deliveries f selects (as Deliveries does, with
// the same checks) with each one's latest attemptsEach attempts, read in
// one query for the whole list rather than one per delivery.
func (a *App) DeliveryViews(ctx context.Context, actor ally.Actor, f ally.DeliveryFilter, attemptsEach int) ([]*DeliveryView, error) {
	page, err := a.Deliveries(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(page.Items))
	views := make(map[string]*DeliveryView, len(page.Items))
	out := make([]*DeliveryView, len(page.Items))
	for i, d := range page.Items {
		ids[i] = d.ID
		out[i] = &DeliveryView{Delivery: d, Attempts: []*ally.DeliveryAttempt{}}
		views[d.ID] = out[i]
	}
	atts, err := a.store.FindAttemptsOfDeliveries(ctx, ids, attemptsEach)
	if err != nil {
		return nil, err
	}
	for _, at := range atts {
		views[at.DeliveryID].Attempts = append(views[at.DeliveryID].Attempts, at)
	}
	return out, nil
}

// visibleDelivery reads a delivery and hides it behind 404 from actors who
// may not see its partner. Vendor deliveries (no partner) are for those
// who see every partner.
func (a *App) visibleDelivery(ctx context.Context, r ally.Reader, actor ally.Actor, id string) (*ally.Delivery, error) {
	d, err := r.FindDeliveryByID(ctx, id)
	if err != nil {
		return nil, notFound(err, "delivery", id)
	}
	var ok bool
	switch {
	case d.PartnerID == "":
		ok = actor.SeesAllPartners()
	case actor.Kind == ally.ActorPartner:
		ok = d.PartnerID == actor.PartnerID
	default:
		_, err := a.findVisiblePartner(ctx, r, actor, d.PartnerID)
		if err != nil && !ally.IsNotFound(err) {
			return nil, err
		}
		ok = err == nil
	}
	if !ok {
		return nil, ally.Errorf(ally.ECodeNotFound, "no delivery %q", id)
	}
	return d, nil
}

// Redeliver queues another attempt at a delivery now, with the same
// webhook-id and body (deliveries:write). It is one attempt: if it fails,
// a delivery that was still being retried keeps its schedule, and one that
// had ended stays failed.
func (a *App) Redeliver(ctx context.Context, actor ally.Actor, id string) (*ally.Delivery, error) {
	if err := require(actor, ally.ScopeDeliveriesWrite); err != nil {
		return nil, err
	}
	var d *ally.Delivery
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		var err error
		if d, err = a.visibleDelivery(ctx, tx, actor, id); err != nil {
			return err
		}
		now := a.clock()
		args := deliveryArgs{DeliveryID: d.ID, Manual: true, KeepSchedule: d.Status == ally.DeliveryPending}
		before := d.Status
		if !args.KeepSchedule {
			d.Status, d.NextAttemptAt = ally.DeliveryPending, now
		}
		d.UpdatedAt = now
		if err := tx.UpdateDelivery(ctx, d); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, newDeliveryJob(args, now)); err != nil {
			return err
		}
		c := changes{}
		c.str("status", string(before), string(d.Status))
		return a.record(ctx, tx, actor, "delivery.redeliver", "delivery", d.ID, d.PartnerID, c)
	})
	return d, err
}
