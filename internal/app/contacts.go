package app

import (
	"context"
	"maps"
	"slices"

	"github.com/allyprm/ally/internal/ally"
)

// Contacts lists a partner's contacts, a keyset page at a time.
func (a *App) Contacts(ctx context.Context, actor ally.Actor, partnerID string, after string, limit int) (ally.Page[*ally.Contact], error) {
	if err := require(actor, ally.ScopeContactsRead); err != nil {
		return ally.Page[*ally.Contact]{}, err
	}
	p, err := a.findVisiblePartner(ctx, a.store, actor, partnerID)
	if err != nil {
		return ally.Page[*ally.Contact]{}, err
	}
	limit = ally.ClampLimit(limit)
	cs, err := a.store.FindContacts(ctx, ally.ContactFilter{PartnerID: p.ID, After: after, Limit: limit + 1})
	if err != nil {
		return ally.Page[*ally.Contact]{}, err
	}
	return ally.NewPage(cs, limit, func(c *ally.Contact) string { return c.ID }), nil
}

// Contact returns one contact of a partner the actor may see.
func (a *App) Contact(ctx context.Context, actor ally.Actor, partnerID, contactID string) (*ally.Contact, error) {
	if err := require(actor, ally.ScopeContactsRead); err != nil {
		return nil, err
	}
	p, err := a.findVisiblePartner(ctx, a.store, actor, partnerID)
	if err != nil {
		return nil, err
	}
	return findPartnerContact(ctx, a.store, p.ID, contactID)
}

// findPartnerContact returns the contact only if it belongs to partnerID, so
// a contact id from another partner is a 404, never a leak.
func findPartnerContact(ctx context.Context, r ally.Reader, partnerID, contactID string) (*ally.Contact, error) {
	c, err := r.FindContactByID(ctx, contactID)
	if err == nil && c.PartnerID != partnerID {
		err = ally.ErrNotFound
	}
	if ally.IsNotFound(err) {
		return nil, ally.Errorf(ally.ECodeNotFound, "no contact %q", contactID)
	}
	return c, err
}

// CreateContact adds a person to a partner.
func (a *App) CreateContact(ctx context.Context, actor ally.Actor, partnerID string, f ally.ContactFields) (*ally.Contact, error) {
	if err := require(actor, ally.ScopeContactsWrite); err != nil {
		return nil, err
	}
	f.Normalize()
	if err := f.Validate(true); err != nil {
		return nil, err
	}
	var c *ally.Contact
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.findVisiblePartner(ctx, tx, actor, partnerID)
		if err != nil {
			return err
		}
		now := a.clock()
		c = &ally.Contact{ID: ally.NewID(ally.PrefixContact), PartnerID: p.ID, Roles: []ally.ContactRole{},
			Portal: ally.PortalOff, Notifications: map[string]bool{}, CreatedAt: now, UpdatedAt: now, Version: 1}
		diff := applyContact(c, &f)
		if err := tx.CreateContact(ctx, c); err != nil {
			return err
		}
		if err := a.syncPrimary(ctx, tx, actor, p, c); err != nil {
			return err
		}
		if err := a.addActivity(ctx, tx, actor, p.ID, ally.ActivitySystem, "Contact "+c.Name+" added"); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "contact.created", "contact", c.ID, p.ID, diff)
	})
	return c, err
}

// UpdateContact changes a contact; ifVersion makes it conditional.
func (a *App) UpdateContact(ctx context.Context, actor ally.Actor, partnerID, contactID string, f ally.ContactFields, ifVersion *int64) (*ally.Contact, error) {
	if err := require(actor, ally.ScopeContactsWrite); err != nil {
		return nil, err
	}
	f.Normalize()
	if err := f.Validate(false); err != nil {
		return nil, err
	}
	var c *ally.Contact
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.findVisiblePartner(ctx, tx, actor, partnerID)
		if err != nil {
			return err
		}
		if c, err = findPartnerContact(ctx, tx, p.ID, contactID); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, c.Version); err != nil {
			return err
		}
		diff := applyContact(c, &f)
		if len(diff) == 0 {
			return nil
		}
		c.UpdatedAt = a.clock()
		if err := tx.UpdateContact(ctx, c); err != nil {
			return err
		}
		if err := a.syncPrimary(ctx, tx, actor, p, c); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "contact.updated", "contact", c.ID, p.ID, diff)
	})
	return c, err
}

// DeleteContact removes a contact, with its portal access and sessions.
func (a *App) DeleteContact(ctx context.Context, actor ally.Actor, partnerID, contactID string) error {
	if err := require(actor, ally.ScopeContactsWrite); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.findVisiblePartner(ctx, tx, actor, partnerID)
		if err != nil {
			return err
		}
		c, err := findPartnerContact(ctx, tx, p.ID, contactID)
		if err != nil {
			return err
		}
		if err := tx.DeleteContact(ctx, c.ID); err != nil {
			return err
		}
		if p.PrimaryContactID == c.ID || p.ChampionContactID == c.ID {
			after := clonePartner(p)
			if after.PrimaryContactID == c.ID {
				after.PrimaryContactID = ""
			}
			if after.ChampionContactID == c.ID {
				after.ChampionContactID = ""
			}
			if _, err := a.savePartner(ctx, tx, actor, "partner.updated", after, partnerChanges(p, after)); err != nil {
				return err
			}
		}
		c2 := changes{}
		c2.str("name", c.Name, "")
		c2.str("email", c.Email, "")
		return a.record(ctx, tx, actor, "contact.deleted", "contact", c.ID, p.ID, c2)
	})
}

// syncPrimary keeps one primary contact per partner, mirrored in
// Partner.PrimaryContactID.
func (a *App) syncPrimary(ctx context.Context, tx ally.Tx, actor ally.Actor, p *ally.Partner, c *ally.Contact) error {
	if !c.Primary || p.PrimaryContactID == c.ID {
		return nil
	}
	if p.PrimaryContactID != "" {
		prev, err := tx.FindContactByID(ctx, p.PrimaryContactID)
		if err == nil && prev.Primary {
			prev.Primary = false
			prev.UpdatedAt = a.clock()
			if err := tx.UpdateContact(ctx, prev); err != nil {
				return err
			}
		} else if err != nil && !ally.IsNotFound(err) {
			return err
		}
	}
	after := clonePartner(p)
	after.PrimaryContactID = c.ID
	_, err := a.savePartner(ctx, tx, actor, "partner.updated", after, partnerChanges(p, after))
	return err
}

// applyContact copies the given fields onto c and returns what changed.
func applyContact(c *ally.Contact, f *ally.ContactFields) map[string]ally.Change {
	d := changes{}
	setIf(d, "name", &c.Name, f.Name)
	setIf(d, "email", &c.Email, f.Email)
	setIf(d, "phone", &c.Phone, f.Phone)
	setIf(d, "title", &c.Title, f.Title)
	setIf(d, "primary", &c.Primary, f.Primary)
	if f.Roles != nil && !slices.Equal(c.Roles, *f.Roles) {
		d.add("roles", c.Roles, *f.Roles)
		c.Roles = slices.Clone(*f.Roles)
	}
	return d
}

// UpdateOwnAccount lets a partner user change their own name, phone, title
// and notification preferences ("My account").
func (a *App) UpdateOwnAccount(ctx context.Context, actor ally.Actor, f ally.ContactFields, notifications map[string]bool) (*ally.Contact, error) {
	if actor.Kind != ally.ActorPartner {
		return nil, ally.Errorf(ally.ECodeForbidden, "only partner users have a portal account")
	}
	f.Email, f.Roles, f.Primary = nil, nil, nil // e-mail changes need re-authentication; roles are the vendor's
	f.Normalize()
	if err := f.Validate(false); err != nil {
		return nil, err
	}
	var c *ally.Contact
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		var err error
		if c, err = findPartnerContact(ctx, tx, actor.PartnerID, actor.ID); err != nil {
			return err
		}
		diff := applyContact(c, &f)
		if notifications != nil && !maps.Equal(c.Notifications, notifications) {
			diff["notifications"] = ally.Change{Before: c.Notifications, After: notifications}
			c.Notifications = notifications
		}
		if len(diff) == 0 {
			return nil
		}
		c.UpdatedAt = a.clock()
		if err := tx.UpdateContact(ctx, c); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "contact.account_updated", "contact", c.ID, c.PartnerID, diff)
	})
	return c, err
}
