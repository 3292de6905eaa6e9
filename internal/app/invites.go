package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// InviteContact gives a contact portal access by e-mail: the invite link
// lets them choose a password (AcceptInvite). Only staff who may edit the
// contact's partner can invite, only while the partner is active or
// onboarding, and only to a valid address no other portal user has.
// Earlier invite links of the contact stop working. message is the
// inviter's personal note, shown in the e-mail (may be empty).
func (a *App) InviteContact(ctx context.Context, actor ally.Actor, contactID, message string) error {
	return a.invite(ctx, actor, contactID, message, "contact.invited")
}

// ResendInvite mails an open invite again, with a new link; the old link
// stops working.
func (a *App) ResendInvite(ctx context.Context, actor ally.Actor, contactID, message string) error {
	return a.invite(ctx, actor, contactID, message, "contact.invite_resent")
}

func (a *App) invite(ctx context.Context, actor ally.Actor, contactID, message, action string) error {
	if err := require(actor, ally.ScopeContactsWrite); err != nil {
		return err
	}
	if err := a.mailReady(); err != nil {
		return err
	}
	message = strings.TrimSpace(message)
	if utf8.RuneCountInString(message) > 2000 || !ally.PlainText(message) {
		return invalid("message", "must be at most 2000 characters of text")
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		c, p, err := a.findVisibleContact(ctx, tx, actor, contactID)
		if err != nil {
			return err
		}
		switch {
		case action == "contact.invite_resent" && c.Portal != ally.PortalInvited:
			return ally.Errorf(ally.ECodeConflict, "%s has no open invite to resend", c.Name)
		case c.Portal == ally.PortalActive:
			return ally.Errorf(ally.ECodeConflict, "%s already has portal access", c.Name)
		}
		if err := checkPortalGrant(ctx, tx, p, c); err != nil {
			return err
		}
		diff, err := a.setPortal(ctx, tx, c, ally.PortalInvited)
		if err != nil {
			return err
		}
		token, hash := newToken()
		now, ttl := a.clock(), a.policy().InviteTTL
		t := &ally.Token{
			Hash: hash, Purpose: ally.TokenInvite, SubjectKind: ally.ActorPartner, SubjectID: c.ID,
			PartnerID: p.ID, Email: c.Email, Data: message, CreatedAt: now, ExpiresAt: now.Add(ttl),
		}
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		data := mail.InviteData{
			PartnerName: p.Name, InviterName: inviterName(ctx, tx, actor), Message: message,
			Link: a.link(ally.ActorPartner, "invite", token), ExpiresIn: humanDuration(ttl),
		}
		if err := a.enqueueMail(ctx, tx, mail.KindInvite, data, c.Email); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, action, "contact", c.ID, p.ID, diff)
	})
}

// RevokeInvite withdraws an open invite: its link stops working and the
// contact's portal access goes back to off.
func (a *App) RevokeInvite(ctx context.Context, actor ally.Actor, contactID string) error {
	return a.changePortal(ctx, actor, contactID, "contact.invite_revoked", func(tx ally.Tx, c *ally.Contact, p *ally.Partner) (map[string]ally.Change, error) {
		if c.Portal != ally.PortalInvited {
			return nil, ally.Errorf(ally.ECodeConflict, "%s has no open invite", c.Name)
		}
		return a.setPortal(ctx, tx, c, ally.PortalOff)
	})
}

// SetTemporaryPassword gives a contact portal access with a password the
// staff user passes on by other means; the portal makes them change it at
// the first sign-in. Their other sessions and open invites end.
func (a *App) SetTemporaryPassword(ctx context.Context, actor ally.Actor, contactID, password string) error {
	if err := ally.ValidatePassword("password", password); err != nil {
		return err
	}
	hash := HashPassword(password)
	return a.changePortal(ctx, actor, contactID, "contact.temporary_password_set", func(tx ally.Tx, c *ally.Contact, p *ally.Partner) (map[string]ally.Change, error) {
		if err := checkPortalGrant(ctx, tx, p, c); err != nil {
			return nil, err
		}
		c.PasswordHash, c.MustChangePassword = hash, true
		diff, err := a.setPortal(ctx, tx, c, ally.PortalActive)
		if err != nil {
			return nil, err
		}
		return diff, tx.ClearLoginFailures(ctx, accountKey(ally.ActorPartner, c.Email))
	})
}

// DisablePortalAccess takes a contact's portal access away: sessions and
// open invites end, and the address cannot sign itself up again.
func (a *App) DisablePortalAccess(ctx context.Context, actor ally.Actor, contactID string) error {
	return a.changePortal(ctx, actor, contactID, "contact.portal_disabled", func(tx ally.Tx, c *ally.Contact, p *ally.Partner) (map[string]ally.Change, error) {
		if c.Portal == ally.PortalDisabled {
			return nil, nil
		}
		return a.setPortal(ctx, tx, c, ally.PortalDisabled)
	})
}

// changePortal runs one staff change of a contact's portal access: the
// permission check, the change, ending the contact's sessions, the audit.
func (a *App) changePortal(ctx context.Context, actor ally.Actor, contactID, action string, change func(ally.Tx, *ally.Contact, *ally.Partner) (map[string]ally.Change, error)) error {
	if err := require(actor, ally.ScopeContactsWrite); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		c, p, err := a.findVisibleContact(ctx, tx, actor, contactID)
		if err != nil {
			return err
		}
		diff, err := change(tx, c, p)
		if err != nil || diff == nil {
			return err
		}
		if err := tx.DeleteSessionsOf(ctx, ally.ActorPartner, c.ID, ""); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, action, "contact", c.ID, p.ID, diff)
	})
}

// setPortal saves c with its portal access set to to, after removing every
// unused invite link of the contact (each change of access supersedes them).
func (a *App) setPortal(ctx context.Context, tx ally.Tx, c *ally.Contact, to ally.PortalStatus) (map[string]ally.Change, error) {
	if err := tx.DeleteTokensOf(ctx, ally.TokenInvite, ally.ActorPartner, c.ID); err != nil {
		return nil, err
	}
	diff := changes{}
	diff.str("portal", string(c.Portal), string(to))
	c.Portal = to
	c.UpdatedAt = a.clock()
	return diff, tx.UpdateContact(ctx, c)
}

// findVisibleContact loads a contact and its partner if the actor may see
// the partner; otherwise the contact does not exist for them.
func (a *App) findVisibleContact(ctx context.Context, r ally.Reader, actor ally.Actor, contactID string) (*ally.Contact, *ally.Partner, error) {
	c, err := r.FindContactByID(ctx, contactID)
	if err == nil {
		var p *ally.Partner
		if p, err = a.findVisiblePartner(ctx, r, actor, c.PartnerID); err == nil {
			return c, p, nil
		}
	}
	if ally.IsNotFound(err) {
		return nil, nil, ally.Errorf(ally.ECodeNotFound, "no contact %q", contactID)
	}
	return nil, nil, err
}

// checkPortalGrant says whether c may be given portal access now.
func checkPortalGrant(ctx context.Context, r ally.Reader, p *ally.Partner, c *ally.Contact) error {
	if p.Status != ally.StatusActive && p.Status != ally.StatusOnboarding {
		return ally.Errorf(ally.ECodeConflict, "%s is %s; portal access is given only while a partner is active or onboarding", p.Name, p.Status)
	}
	if !ally.ValidEmail(c.Email) {
		return invalid("email", "the contact needs a valid e-mail address for portal access")
	}
	taken, err := emailTaken(ctx, r, ally.ActorPartner, c.Email, c.ID)
	if err != nil {
		return err
	}
	if taken {
		return ally.Errorf(ally.ECodeConflict, "another portal user already signs in with %s", c.Email)
	}
	return nil
}

// inviterName is who the invite e-mail says it is from: the staff user's
// name, else their e-mail; "" for other actors (the template then names the vendor).
func inviterName(ctx context.Context, r ally.Reader, actor ally.Actor) string {
	if actor.Kind != ally.ActorStaff {
		return ""
	}
	if u, err := r.FindUserByID(ctx, actor.ID); err == nil && u.Name != "" {
		return u.Name
	}
	return actor.Label
}
