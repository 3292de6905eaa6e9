package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// Deliveries: a lead or an event on its way to one receiver, with every
// attempt; and each partner's delivery settings.

type deliveryJSON struct {
	ID             string  `json:"id" doc:"Also the webhook-id header: the same on every attempt, so a receiver can drop repeats."`
	Event          string  `json:"event" enum:"partner.created,partner.updated,lead.created,lead.assigned,lead.status_changed"`
	Channel        string  `json:"channel" enum:"webhook,email"`
	PartnerID      *string `json:"partnerId" doc:"The partner a lead delivery is for."`
	LeadID         *string `json:"leadId"`
	SubscriptionID *string `json:"subscriptionId" doc:"The vendor subscription, for event deliveries."`
	Target         string  `json:"target" doc:"The URL, or the e-mail recipients, as of the delivery's creation."`
	Status         string  `json:"status" enum:"pending,delivered,failed" doc:"pending: waiting for its first or next attempt; failed: given up (out of time, or the endpoint was turned off)."`
	AttemptCount   int     `json:"attemptCount"`
	NextAttemptAt  *Time   `json:"nextAttemptAt" nullable:"true" doc:"When the next attempt is due, while pending."`
	LastStatusCode *int    `json:"lastStatusCode" doc:"The HTTP status of the last attempt's answer."`
	LastError      *string `json:"lastError"`
	CreatedAt      Time    `json:"createdAt"`
	UpdatedAt      Time    `json:"updatedAt"`
	DeliveredAt    *Time   `json:"deliveredAt" nullable:"true"`
	// On the single-delivery answer only.
	Payload  any           `json:"payload,omitempty" doc:"The JSON body, fixed at creation: every attempt sends the same. On the single-delivery answer."`
	Attempts []attemptJSON `json:"attempts,omitzero" nullable:"false" doc:"The latest attempts, newest first. On the single-delivery answer."`
}

func renderDelivery(d *ally.Delivery) deliveryJSON {
	var code *int
	if d.LastStatusCode != 0 {
		code = &d.LastStatusCode
	}
	return deliveryJSON{ID: d.ID, Event: d.Event, Channel: string(d.Channel), PartnerID: strOrNil(d.PartnerID),
		LeadID: strOrNil(d.LeadID), SubscriptionID: strOrNil(d.SubscriptionID), Target: d.Target, Status: string(d.Status),
		AttemptCount: d.Attempts, NextAttemptAt: timeOrNil(d.NextAttemptAt), LastStatusCode: code,
		LastError: strOrNil(d.LastError), CreatedAt: Time(d.CreatedAt), UpdatedAt: Time(d.UpdatedAt),
		DeliveredAt: timeOrNil(d.DeliveredAt)}
}

type attemptJSON struct {
	ID         string  `json:"id"`
	At         Time    `json:"at"`
	Target     string  `json:"target" doc:"Where this attempt went."`
	OK         bool    `json:"ok"`
	StatusCode *int    `json:"statusCode" doc:"The receiver's HTTP status; null when there was no answer (refused, timed out) or for e-mail."`
	Response   string  `json:"response" doc:"The start of the receiver's answer (at most 1 KiB)."`
	Error      *string `json:"error"`
	DurationMS int64   `json:"durationMs"`
}

func renderAttempt(a *ally.DeliveryAttempt) attemptJSON {
	var code *int
	if a.StatusCode != 0 {
		code = &a.StatusCode
	}
	return attemptJSON{ID: a.ID, At: Time(a.At), Target: a.Target, OK: a.OK, StatusCode: code,
		Response: a.Response, Error: strOrNil(a.Error), DurationMS: a.DurationMS}
}

// renderDeliveryView is renderDelivery with what it sends and its attempts.
func renderDeliveryView(v *app.DeliveryView) deliveryJSON {
	j := renderDelivery(v.Delivery)
	if json.Unmarshal(v.Delivery.Payload, &j.Payload) != nil {
		j.Payload = string(v.Delivery.Payload)
	}
	j.Attempts = mapItems(v.Attempts, renderAttempt)
	return j
}

type listDeliveriesInput struct {
	PartnerID      string `query:"partnerId" maxLength:"100" doc:"Only deliveries for this partner."`
	LeadID         string `query:"leadId" maxLength:"100" doc:"Only deliveries of this lead."`
	SubscriptionID string `query:"subscriptionId" maxLength:"100" doc:"Only deliveries to this subscription."`
	Status         string `query:"status" enum:"pending,delivered,failed" doc:"Only deliveries with this status."`
	Limit          int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size, 1 to 200."`
	Cursor         string `query:"cursor" maxLength:"200" doc:"The nextCursor of the previous page."`
}

func (s *server) listDeliveries(ctx context.Context, in *listDeliveriesInput) (*many[deliveryJSON], error) {
	after, err := decodeCursor(in.Cursor, ally.PrefixDelivery)
	if err != nil {
		return nil, fail(ctx, err)
	}
	pg, err := s.app.Deliveries(ctx, actorFrom(ctx), ally.DeliveryFilter{PartnerID: in.PartnerID, LeadID: in.LeadID,
		SubscriptionID: in.SubscriptionID, Status: ally.DeliveryStatus(in.Status), After: after, Limit: in.Limit})
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(pg.Items, renderDelivery), pg.Next), nil
}

type deliveryRef struct {
	ID string `path:"id" minLength:"1" maxLength:"100" doc:"The delivery's id (dlv_…)."`
}

func (s *server) getDelivery(ctx context.Context, in *deliveryRef) (*view[deliveryJSON], error) {
	v, err := s.app.Delivery(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return show(http.StatusOK, renderDeliveryView(v)), nil
}

func (s *server) redeliver(ctx context.Context, in *deliveryRef) (*view[deliveryJSON], error) {
	d, err := s.app.Redeliver(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return show(http.StatusAccepted, renderDelivery(d)), nil
}

type deliverySettingsJSON struct {
	PartnerID        string   `json:"partnerId"`
	WebhookURL       *string  `json:"webhookUrl" doc:"Where lead.assigned is sent, signed per Standard Webhooks."`
	WebhookEnabled   bool     `json:"webhookEnabled"`
	WebhookSecret    *string  `json:"webhookSecret" doc:"The signing secret (whsec_…) the partner verifies with; made on the first save. Read only."`
	WebhookOffReason *string  `json:"webhookOffReason" doc:"Why Ally turned the webhook off (410 Gone); null when a person did. Read only."`
	EmailRecipients  []string `json:"emailRecipients" nullable:"false" doc:"Who receives each lead as a readable e-mail."`
	EmailEnabled     bool     `json:"emailEnabled"`
	UpdatedAt        *Time    `json:"updatedAt" nullable:"true" doc:"null until the first save."`
	Version          int64    `json:"version" doc:"0 until the first save; the ETag carries it."`
}

func renderDeliverySettings(d *ally.DeliverySettings) deliverySettingsJSON {
	return deliverySettingsJSON{PartnerID: d.PartnerID, WebhookURL: strOrNil(d.WebhookURL), WebhookEnabled: d.WebhookOn,
		WebhookSecret: strOrNil(d.WebhookSecret), WebhookOffReason: strOrNil(d.WebhookOffReason),
		EmailRecipients: nonNil(d.EmailTo), EmailEnabled: d.EmailOn, UpdatedAt: timeOrNil(d.UpdatedAt), Version: d.Version}
}

type deliverySettingsPatch struct {
	WebhookURL      field[string]   `json:"webhookUrl,omitzero" nullable:"true" maxLength:"2000" doc:"An http(s) URL; \"\" or null clears it."`
	WebhookEnabled  field[bool]     `json:"webhookEnabled,omitzero" doc:"Turning it on needs a URL, and clears webhookOffReason."`
	EmailRecipients field[[]string] `json:"emailRecipients,omitzero" nullable:"true" maxItems:"20" maxLength:"254" doc:"Replaces the list whole; null clears it."`
	EmailEnabled    field[bool]     `json:"emailEnabled,omitzero" doc:"Turning it on needs a recipient."`
	RotateSecret    field[bool]     `json:"rotateSecret,omitzero" doc:"true makes a new signing secret; the old one stops working at once. Write only."`
}

func (b *deliverySettingsPatch) fields() (ally.DeliverySettingsFields, error) {
	var v ally.Validator
	f := ally.DeliverySettingsFields{WebhookURL: clearable(b.WebhookURL), WebhookOn: opt(&v, "webhookEnabled", b.WebhookEnabled),
		EmailTo: clearable(b.EmailRecipients), EmailOn: opt(&v, "emailEnabled", b.EmailEnabled)}
	if r := opt(&v, "rotateSecret", b.RotateSecret); r != nil {
		f.RotateSecret = *r
	}
	return f, v.Err()
}

func (s *server) getDeliverySettings(ctx context.Context, in *getPartnerInput) (*one[deliverySettingsJSON], error) {
	d, err := s.app.DeliverySettings(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, d.Version, renderDeliverySettings(d)), nil
}

func (s *server) patchDeliverySettings(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    deliverySettingsPatch
}) (*one[deliverySettingsJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := in.Body.fields()
	if err == nil {
		var d *ally.DeliverySettings
		if d, err = s.app.UpdateDeliverySettings(ctx, actorFrom(ctx), in.ID, f, version); err == nil {
			return reply(http.StatusOK, d.Version, renderDeliverySettings(d)), nil
		}
	}
	return nil, fail(ctx, err)
}
