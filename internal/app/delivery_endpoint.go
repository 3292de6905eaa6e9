package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// endpointOff is why a delivery fails when its endpoint is no longer there.
const endpointOff = "endpoint turned off"

// endpoint is where a delivery goes now. Every attempt reads it afresh: a
// partner that fixes its URL, rotates its secret or turns the webhook off
// is obeyed from the next attempt on. A secret ALLY_SECRET_KEY does not
// open is an error: the job retries, and nothing goes out unsigned.
type endpoint struct {
	url, secret string   // webhooks
	to          []string // e-mail
	off         string   // why nothing can be sent; "" when something can
	partnerID   string   // partner endpoints
	sub         *ally.Subscription
}

func (a *App) endpoint(ctx context.Context, d *ally.Delivery) (endpoint, error) {
	if d.SubscriptionID != "" {
		s, err := a.store.FindSubscriptionByID(ctx, d.SubscriptionID)
		switch {
		case ally.IsNotFound(err):
			return endpoint{off: endpointOff + ": the subscription was deleted"}, nil
		case err != nil:
			return endpoint{}, err
		case !s.Enabled:
			return endpoint{off: withReason(endpointOff, s.OffReason)}, nil
		}
		if s, err = a.openSubscription(s, nil); err != nil {
			return endpoint{}, err
		}
		return endpoint{url: s.URL, secret: s.Secret, sub: s}, nil
	}
	set, err := a.store.FindDeliverySettings(ctx, d.PartnerID)
	if err != nil {
		return endpoint{}, err
	}
	ep := endpoint{partnerID: d.PartnerID}
	switch d.Channel {
	case ally.ChannelEmail:
		ep.to = set.EmailTo
		if !set.EmailOn || len(set.EmailTo) == 0 {
			ep.off = "e-mail delivery turned off"
		}
	default:
		ep.url = set.WebhookURL
		if !set.WebhookOn || set.WebhookURL == "" {
			ep.off = withReason(endpointOff, set.WebhookOffReason)
		} else if ep.secret, err = a.openSecret(webhookSecretOf(d.PartnerID), set.WebhookSecret); err != nil {
			return endpoint{}, err
		}
	}
	return ep, nil
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + " (" + reason + ")"
}

// turnOff switches off the endpoint that answered 410 Gone, as Ally (the
// system actor), with an audit event; a partner's owner is told. An
// endpoint someone changed since the attempt is left alone.
func (a *App) turnOff(ctx context.Context, tx ally.Tx, ep endpoint, reason string) error {
	actor := ally.System("webhook delivery")
	c := changes{}
	if ep.sub != nil {
		s, err := tx.FindSubscriptionByID(ctx, ep.sub.ID)
		if ally.IsNotFound(err) || (err == nil && (!s.Enabled || s.URL != ep.url)) {
			return nil
		}
		if err != nil {
			return err
		}
		s.Enabled, s.OffReason, s.UpdatedAt = false, reason, a.clock()
		if err := tx.UpdateSubscription(ctx, s); err != nil {
			return err
		}
		c.add("enabled", true, false)
		c.str("offReason", "", reason)
		return a.record(ctx, tx, actor, "subscription.turned_off", "subscription", s.ID, "", c)
	}
	set, err := tx.FindDeliverySettings(ctx, ep.partnerID)
	if err != nil {
		return err
	}
	if !set.WebhookOn || set.WebhookURL != ep.url {
		return nil
	}
	set.WebhookOn, set.WebhookOffReason, set.UpdatedAt = false, reason, a.clock()
	if err := tx.SaveDeliverySettings(ctx, set); err != nil {
		return err
	}
	c.add("webhookEnabled", true, false)
	c.str("webhookOffReason", "", reason)
	if err := a.record(ctx, tx, actor, "delivery_settings.webhook_turned_off", "partner", ep.partnerID, ep.partnerID, c); err != nil {
		return err
	}
	p, err := tx.FindPartnerByID(ctx, ep.partnerID)
	if ally.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.notify(ctx, tx, p.OwnerID, ally.NotifyPartnerUpdated,
		p.Name+": lead webhook turned off: "+reason, "/admin/partners/"+p.ID)
}
