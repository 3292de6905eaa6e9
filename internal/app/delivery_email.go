package app

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// emailAttempt sends the lead in the delivery's fixed body to the
// partner's current recipients. Without a sender it fails like a webhook
// that got no answer, and is retried.
func (a *App) emailAttempt(ctx context.Context, d *ally.Delivery, ep endpoint) attemptOutcome {
	start := time.Now()
	att := &ally.DeliveryAttempt{At: a.clock(), Target: strings.Join(ep.to, ", ")}
	if err := a.mailLead(ctx, d, ep.to); err != nil {
		att.Error = err.Error()
	} else {
		att.OK = true
	}
	att.DurationMS = time.Since(start).Milliseconds()
	return attemptOutcome{attempt: att}
}

func (a *App) mailLead(ctx context.Context, d *ally.Delivery, to []string) error {
	if a.sender == nil {
		return errors.New("e-mail is not set up on this server")
	}
	var body struct {
		Data LeadJSON `json:"data"`
	}
	if err := json.Unmarshal(d.Payload, &body); err != nil {
		return err
	}
	set, err := a.store.FindSettings(ctx)
	if err != nil {
		return err
	}
	m, err := a.auth.mail.Compose(mail.KindLeadDelivery, a.leadMailData(&body.Data), set.Branding, to...)
	if err != nil {
		return err
	}
	return a.sender.Send(ctx, m)
}

// leadMailData is the readable summary of a lead for its partner.
func (a *App) leadMailData(l *LeadJSON) mail.LeadDeliveryData {
	name := strings.TrimSpace(l.FirstName + " " + l.LastName)
	if name == "" {
		name = l.Email
	}
	loc := l.Country
	if l.Region != "" {
		loc = strings.TrimSuffix(l.Region+", "+l.Country, ", ")
	}
	data := mail.LeadDeliveryData{PartnerName: l.PartnerName, Name: name, Company: l.Company, Title: l.Title,
		Email: l.Email, Phone: l.Phone, Location: loc, Source: l.Source, Message: l.Message}
	if base := a.baseURL(); base != "" {
		data.Link = base + "/partner/leads/" + l.ID
	}
	for _, k := range slices.Sorted(maps.Keys(l.Custom)) {
		data.Custom = append(data.Custom, mail.Detail{Label: k, Value: shown(l.Custom[k])})
	}
	return data
}
