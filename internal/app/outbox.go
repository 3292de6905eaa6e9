package app

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// outbox collects the deliveries (and their jobs) one transaction makes:
// a partner's webhook and e-mail deliveries for an assigned lead, and the
// vendor's subscribed events. flush writes them in batches, in the same
// transaction as the change, so they exist exactly when the change does
// (a single intake leaves that to its dispatch job: dispatch.go).
// One outbox serves a single intake and a whole import batch alike; it
// reads the subscriptions once and each partner's settings once
// (readSettings: a batch's partners in one query).
type outbox struct {
	now        time.Time
	subs       []*ally.Subscription              // enabled ones
	settings   map[string]*ally.DeliverySettings // by partner id, read once each
	deliveries []*ally.Delivery
	jobs       []*ally.Job
}

// deliveryMaxAttempts is far more than the attempts that fit in the
// delivery window: the window, not the count, ends the retries.
const deliveryMaxAttempts = 200

// deliveryArgs are a delivery job's arguments. Manual marks a redelivery
// by hand: one attempt, no retries; KeepSchedule says the delivery was
// still being retried, so a failed manual attempt leaves it pending.
type deliveryArgs struct {
	DeliveryID   string `json:"deliveryId"`
	Manual       bool   `json:"manual,omitempty"`
	KeepSchedule bool   `json:"keepSchedule,omitempty"`
}

// eventBody is what every delivery sends: Standard Webhooks' suggested shape.
type eventBody struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// newOutbox starts an outbox for a transaction (reads the subscriptions).
func (a *App) newOutbox(ctx context.Context, r ally.Reader) (*outbox, error) {
	subs, err := r.FindSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	return a.outboxOf(subs), nil
}

// outboxFor starts an outbox for the deliveries of many leads: the
// subscriptions and the leads' partners' settings read at once.
func (a *App) outboxFor(ctx context.Context, r ally.Reader, leads []*ally.Lead) (*outbox, error) {
	ob, err := a.newOutbox(ctx, r)
	if err != nil {
		return nil, err
	}
	return ob, ob.readSettings(ctx, r, leads)
}

// outboxOf starts an outbox over subscriptions already read.
func (a *App) outboxOf(subs []*ally.Subscription) *outbox {
	o := &outbox{now: a.clock(), settings: map[string]*ally.DeliverySettings{}}
	for _, s := range subs {
		if s.Enabled {
			o.subs = append(o.subs, s)
		}
	}
	return o
}

// leadAssigned queues lead.assigned to the lead's partner (webhook and
// e-mail, each when on) and to the vendor's subscriptions.
func (o *outbox) leadAssigned(ctx context.Context, r ally.Reader, l *ally.Lead) error {
	if l.PartnerID == "" {
		return nil
	}
	if err := o.readSettings(ctx, r, []*ally.Lead{l}); err != nil {
		return err
	}
	set := o.settings[l.PartnerID]
	hook, email := set.WebhookOn && set.WebhookURL != "", set.EmailOn && len(set.EmailTo) > 0
	if !hook && !email && !o.wanted(ally.EventLeadAssigned) {
		return nil // nobody to tell: no body to build
	}
	// The body holds the lead as it is now, and no routing explanation:
	// that names other partners.
	payload, err := o.payload(ally.EventLeadAssigned, NewLeadJSON(l))
	if err != nil {
		return err
	}
	if hook {
		o.add(&ally.Delivery{Event: ally.EventLeadAssigned, Channel: ally.ChannelWebhook, PartnerID: l.PartnerID,
			LeadID: l.ID, Target: set.WebhookURL, Payload: payload})
	}
	if email {
		o.add(&ally.Delivery{Event: ally.EventLeadAssigned, Channel: ally.ChannelEmail, PartnerID: l.PartnerID,
			LeadID: l.ID, Target: strings.Join(set.EmailTo, ", "), Payload: payload})
	}
	o.toSubscriptions(ally.EventLeadAssigned, l.ID, payload)
	return nil
}

// readSettings reads the delivery settings of the leads' partners that
// this outbox has not read yet, in one query: an import batch calls it
// with all its leads before their leadAssigned, so a batch over a
// thousand partners reads them at once, not one query each.
func (o *outbox) readSettings(ctx context.Context, r ally.Reader, leads []*ally.Lead) error {
	var missing []string
	var asked map[string]bool
	for _, l := range leads {
		id := l.PartnerID
		if id == "" || o.settings[id] != nil || asked[id] {
			continue
		}
		if asked == nil {
			asked = map[string]bool{}
		}
		asked[id] = true
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return nil
	}
	got, err := r.FindDeliverySettingsFor(ctx, missing)
	if err != nil {
		return err
	}
	maps.Copy(o.settings, got)
	return nil
}

// event queues a vendor event (partner.created, lead.created, …) to every
// enabled subscription that wants it; data is the event's "data" member.
// The deliveries name no partner: they belong to the vendor, and no partner
// ever sees them.
func (o *outbox) event(event, leadID string, data any) error {
	if !o.wanted(event) {
		return nil // no body to build
	}
	payload, err := o.payload(event, data)
	if err != nil {
		return err
	}
	o.toSubscriptions(event, leadID, payload)
	return nil
}

// flush writes the collected deliveries and jobs in tx.
func (o *outbox) flush(ctx context.Context, tx ally.Tx) error {
	if len(o.deliveries) == 0 {
		return nil
	}
	if err := tx.CreateDeliveries(ctx, o.deliveries); err != nil {
		return err
	}
	if err := tx.EnqueueMany(ctx, o.jobs); err != nil {
		return err
	}
	o.deliveries, o.jobs = nil, nil
	return nil
}

func (o *outbox) wanted(event string) bool { return anyWants(o.subs, event) }

// anyWants reports whether an enabled subscription among subs wants event.
func anyWants(subs []*ally.Subscription, event string) bool {
	for _, s := range subs {
		if s.Enabled && s.Wants(event) {
			return true
		}
	}
	return false
}

func (o *outbox) toSubscriptions(event, leadID string, payload []byte) {
	for _, s := range o.subs {
		if s.Wants(event) {
			o.add(&ally.Delivery{Event: event, Channel: ally.ChannelWebhook, LeadID: leadID,
				SubscriptionID: s.ID, Target: s.URL, Payload: payload})
		}
	}
}

func (o *outbox) payload(event string, data any) ([]byte, error) {
	return json.Marshal(eventBody{Type: event, Timestamp: o.now, Data: data})
}

// add completes d as a new pending delivery and queues its first attempt now.
func (o *outbox) add(d *ally.Delivery) {
	d.ID = ally.NewID(ally.PrefixDelivery)
	d.Status = ally.DeliveryPending
	d.NextAttemptAt, d.CreatedAt, d.UpdatedAt = o.now, o.now, o.now
	o.deliveries = append(o.deliveries, d)
	o.jobs = append(o.jobs, newDeliveryJob(deliveryArgs{DeliveryID: d.ID}, o.now))
}

func newDeliveryJob(args deliveryArgs, runAt time.Time) *ally.Job {
	b, _ := json.Marshal(args) // a struct of strings and bools always marshals
	return &ally.Job{Kind: ally.JobDeliver, Args: b, MaxAttempts: deliveryMaxAttempts, RunAt: runAt}
}
