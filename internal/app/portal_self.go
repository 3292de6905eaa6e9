package app

import (
	"context"
	"maps"

	"github.com/allyprm/ally/internal/ally"
)

// PortalHome is what the portal's start page shows a partner user about
// their own organization. It holds display values only, so the portal gets
// no more of the partner record than it shows.
type PortalHome struct {
	PartnerName  string
	LogoURL      string
	Status       ally.PartnerStatus
	TierName     string // "" when the partner has no tier
	ManagerName  string // the vendor's partner manager; "" when none
	ManagerEmail string
	Sections     ally.Sections // from the experience template that applies
}

// MyHome returns the summary of the partner user's organization and the
// portal sections its experience template turns on. The partner comes from
// the actor (the session), never from the request.
func (a *App) MyHome(ctx context.Context, actor ally.Actor) (*PortalHome, error) {
	p, err := a.portalPartner(ctx, a.store, actor)
	if err != nil {
		return nil, err
	}
	t, err := effectiveTemplate(ctx, a.store, p)
	if err != nil {
		return nil, err
	}
	h := &PortalHome{PartnerName: p.Name, LogoURL: p.LogoURL, Status: p.Status, Sections: t.Sections}
	if p.TierID != "" {
		// The tier's name is shown whatever the template's profile lists:
		// partners are told their level, never its price.
		tier, err := a.store.FindTierByID(ctx, p.TierID)
		if err != nil && !ally.IsNotFound(err) {
			return nil, err
		}
		if tier != nil {
			h.TierName = tier.Name
		}
	}
	if p.Manager != nil {
		h.ManagerName, h.ManagerEmail = p.Manager.Name, p.Manager.Email
	}
	return h, nil
}

// MyAccount returns the partner user's own contact record for "My account",
// and for the portal's check that a temporary password was replaced. The
// password hash is left out: no page needs it.
func (a *App) MyAccount(ctx context.Context, actor ally.Actor) (*ally.Contact, error) {
	if actor.Kind != ally.ActorPartner || actor.PartnerID == "" {
		return nil, ally.Errorf(ally.ECodeForbidden, "only partner users have a portal account")
	}
	c, err := findPartnerContact(ctx, a.store, actor.PartnerID, actor.ID)
	if err != nil {
		return nil, err
	}
	out := *c
	out.PasswordHash = ""
	out.Roles = append([]ally.ContactRole(nil), c.Roles...)
	out.Notifications = maps.Clone(c.Notifications)
	return &out, nil
}

// SignupInfo tells the sign-up page which partner and address a sign-up link
// is for, without using the link up, so a stale link is reported before the
// person types a password. Unusable links are ECodeNotFound, as everywhere.
func (a *App) SignupInfo(ctx context.Context, token string) (partnerName, email string, err error) {
	t, err := a.store.FindTokenByHash(ctx, hashToken(token))
	if ally.IsNotFound(err) {
		return "", "", errLink()
	}
	if err != nil {
		return "", "", err
	}
	if t.Purpose != ally.TokenSignup || !t.UsedAt.IsZero() || !a.clock().Before(t.ExpiresAt) {
		return "", "", errLink()
	}
	p, err := a.store.FindPartnerByID(ctx, t.PartnerID)
	if ally.IsNotFound(err) || (err == nil && !signupOpen(p, t.Email)) {
		return "", "", errLink()
	}
	if err != nil {
		return "", "", err
	}
	return p.Name, t.Email, nil
}
