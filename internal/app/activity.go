package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

// addActivity writes a timeline entry on a partner in tx; an entry by the
// partner's own people also marks the partner active.
func (a *App) addActivity(ctx context.Context, tx ally.Tx, actor ally.Actor, partnerID string, kind ally.ActivityKind, text string) error {
	err := tx.CreateActivity(ctx, a.entry(actor, partnerID, kind, text))
	if err != nil || actor.Kind != ally.ActorPartner {
		return err // only the partner's own doings count against "going quiet"
	}
	return tx.TouchPartnerActivity(ctx, partnerID, a.clock())
}

// entry is a new timeline entry on a partner, by actor, now.
func (a *App) entry(actor ally.Actor, partnerID string, kind ally.ActivityKind, text string) *ally.Activity {
	return &ally.Activity{ID: ally.NewID(ally.PrefixActivity), PartnerID: partnerID, Kind: kind, Text: text,
		ActorKind: actor.Kind, ActorID: actor.ID, ActorLabel: actor.Label, At: a.clock()}
}

// Timeline returns a partner's activity, newest first. Staff see internal
// notes; partner users see only their own organization's shared entries.
func (a *App) Timeline(ctx context.Context, actor ally.Actor, partnerID, before string, limit int) (ally.Page[*ally.Activity], error) {
	if actor.Kind != ally.ActorPartner {
		if err := require(actor, ally.ScopePartnersRead); err != nil {
			return ally.Page[*ally.Activity]{}, err
		}
	}
	p, err := a.findVisiblePartner(ctx, a.store, actor, partnerID)
	if err != nil {
		return ally.Page[*ally.Activity]{}, err
	}
	limit = ally.ClampLimit(limit)
	as, err := a.store.FindActivities(ctx, ally.ActivityFilter{
		PartnerID: p.ID, Internal: actor.Kind != ally.ActorPartner, Before: before, Limit: limit + 1,
	})
	if err != nil {
		return ally.Page[*ally.Activity]{}, err
	}
	return ally.NewPage(as, limit, func(x *ally.Activity) string { return x.ID }), nil
}

// AddComment adds a timeline entry: a comment (shared with the partner) or,
// for staff, an internal note.
func (a *App) AddComment(ctx context.Context, actor ally.Actor, partnerID string, kind ally.ActivityKind, text string) error {
	text = strings.TrimSpace(text)
	var v ally.Validator
	n := utf8.RuneCountInString(text)
	v.Check(n >= 1 && n <= 5000 && ally.PlainText(text), "text", "must be 1 to 5000 characters of text")
	v.Check(kind == ally.ActivityComment || (kind == ally.ActivityNote && actor.Kind == ally.ActorStaff), "kind", "must be comment, or note for staff")
	if err := v.Err(); err != nil {
		return err
	}
	if actor.Kind != ally.ActorPartner {
		if err := require(actor, ally.ScopePartnersWrite); err != nil {
			return err
		}
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.findVisiblePartner(ctx, tx, actor, partnerID)
		if err != nil {
			return err
		}
		if err := a.addActivity(ctx, tx, actor, p.ID, kind, text); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "activity."+string(kind), "partner", p.ID, p.ID, nil)
	})
}

// Notifications returns the actor's newest notifications.
func (a *App) Notifications(ctx context.Context, actor ally.Actor, limit int) ([]*ally.Notification, error) {
	if actor.Kind != ally.ActorStaff && actor.Kind != ally.ActorPartner {
		return nil, ally.Errorf(ally.ECodeForbidden, "only people get notifications")
	}
	return a.store.FindNotifications(ctx, actor.Kind, actor.ID, ally.ClampLimit(limit))
}

// MarkNotificationsRead marks every notification of the actor read.
func (a *App) MarkNotificationsRead(ctx context.Context, actor ally.Actor) error {
	return a.store.Write(ctx, func(tx ally.Tx) error {
		return tx.MarkNotificationsRead(ctx, actor.Kind, actor.ID)
	})
}

// notify writes a notification to a staff user in tx.
func (a *App) notify(ctx context.Context, tx ally.Tx, userID, kind, text, link string) error {
	if userID == "" {
		return nil
	}
	return tx.CreateNotification(ctx, &ally.Notification{
		ID: ally.NewID(ally.PrefixNotification), RecipientKind: ally.ActorStaff, RecipientID: userID,
		Kind: kind, Text: text, Link: link, CreatedAt: a.clock(),
	})
}
