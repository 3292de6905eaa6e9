package api

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// The vendor's event subscriptions: URLs that receive the events they name,
// signed per Standard Webhooks with the subscription's secret.

type subscriptionJSON struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Secret      *string  `json:"secret,omitempty" doc:"The signing secret (whsec_…): on create and get, not in the list."`
	Events      []string `json:"events" nullable:"false" doc:"partner.created, partner.updated, lead.created, lead.assigned, lead.status_changed"`
	Description string   `json:"description"`
	Enabled     bool     `json:"enabled"`
	OffReason   *string  `json:"offReason" doc:"Why Ally turned the subscription off (410 Gone); null otherwise."`
	CreatedAt   Time     `json:"createdAt"`
	UpdatedAt   Time     `json:"updatedAt"`
	Version     int64    `json:"version"`
}

func renderSubscription(s *ally.Subscription) subscriptionJSON {
	return subscriptionJSON{ID: s.ID, URL: s.URL, Events: nonNil(s.Events), Description: s.Description,
		Enabled: s.Enabled, OffReason: strOrNil(s.OffReason),
		CreatedAt: Time(s.CreatedAt), UpdatedAt: Time(s.UpdatedAt), Version: s.Version}
}

// renderSubscriptionSecret is renderSubscription with the secret.
func renderSubscriptionSecret(s *ally.Subscription) subscriptionJSON {
	j := renderSubscription(s)
	j.Secret = &s.Secret
	return j
}

type subscriptionCreate struct {
	URL         field[string]   `json:"url" required:"true" minLength:"1" maxLength:"2000" doc:"An http(s) URL."`
	Events      field[[]string] `json:"events" required:"true" nullable:"false" minItems:"1" maxItems:"5" enum:"partner.created,partner.updated,lead.created,lead.assigned,lead.status_changed"`
	Description field[string]   `json:"description,omitzero" maxLength:"500"`
	Enabled     field[bool]     `json:"enabled,omitzero" doc:"Defaults to true."`
}

type subscriptionPatch struct {
	URL          field[string]   `json:"url,omitzero" minLength:"1" maxLength:"2000"`
	Events       field[[]string] `json:"events,omitzero" nullable:"false" minItems:"1" maxItems:"5" enum:"partner.created,partner.updated,lead.created,lead.assigned,lead.status_changed" doc:"Replaces the list whole."`
	Description  field[string]   `json:"description,omitzero" maxLength:"500"`
	Enabled      field[bool]     `json:"enabled,omitzero" doc:"Turning it on clears offReason."`
	RotateSecret field[bool]     `json:"rotateSecret,omitzero" doc:"true makes a new signing secret; the old one stops working at once. Write only."`
}

func (b *subscriptionPatch) fields() (ally.SubscriptionFields, error) {
	var v ally.Validator
	f := ally.SubscriptionFields{URL: opt(&v, "url", b.URL), Events: opt(&v, "events", b.Events),
		Description: opt(&v, "description", b.Description), Enabled: opt(&v, "enabled", b.Enabled)}
	if r := opt(&v, "rotateSecret", b.RotateSecret); r != nil {
		f.RotateSecret = *r
	}
	return f, v.Err()
}

type subscriptionRef struct {
	ID string `path:"id" minLength:"1" maxLength:"100" doc:"The subscription's id (sub_…)."`
}

func (s *server) listSubscriptions(ctx context.Context, _ *struct{}) (*many[subscriptionJSON], error) {
	subs, err := s.app.Subscriptions(ctx, actorFrom(ctx))
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(subs, renderSubscription), ""), nil
}

func (s *server) getSubscription(ctx context.Context, in *subscriptionRef) (*one[subscriptionJSON], error) {
	sub, err := s.app.Subscription(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, sub.Version, renderSubscriptionSecret(sub)), nil
}

func (s *server) createSubscription(ctx context.Context, in *struct{ Body subscriptionCreate }) (*one[subscriptionJSON], error) {
	b := subscriptionPatch{URL: in.Body.URL, Events: in.Body.Events, Description: in.Body.Description, Enabled: in.Body.Enabled}
	f, err := b.fields()
	if err == nil {
		var sub *ally.Subscription
		if sub, err = s.app.CreateSubscription(ctx, actorFrom(ctx), f); err == nil {
			return reply(http.StatusCreated, sub.Version, renderSubscriptionSecret(sub)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) patchSubscription(ctx context.Context, in *struct {
	ID      string `path:"id" minLength:"1" maxLength:"100" doc:"The subscription's id (sub_…)."`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    subscriptionPatch
}) (*one[subscriptionJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := in.Body.fields()
	if err == nil {
		var sub *ally.Subscription
		if sub, err = s.app.UpdateSubscription(ctx, actorFrom(ctx), in.ID, f, version); err == nil {
			return reply(http.StatusOK, sub.Version, renderSubscriptionSecret(sub)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) deleteSubscription(ctx context.Context, in *subscriptionRef) (*struct{}, error) {
	if err := s.app.DeleteSubscription(ctx, actorFrom(ctx), in.ID); err != nil {
		return nil, fail(ctx, err)
	}
	return nil, nil
}
