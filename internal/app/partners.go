package app

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"

	"github.com/allyprm/ally/internal/ally"
)

// Partner returns the partner with id, or with that CRM externalId, if the actor may see it.
func (a *App) Partner(ctx context.Context, actor ally.Actor, idOrExternalID string) (*ally.Partner, error) {
	if err := require(actor, ally.ScopePartnersRead); err != nil {
		return nil, err
	}
	return a.findVisiblePartner(ctx, a.store, actor, idOrExternalID)
}

// Partners lists the partners the actor may see, one keyset page at a time.
func (a *App) Partners(ctx context.Context, actor ally.Actor, f ally.PartnerFilter) (ally.Page[*ally.Partner], error) {
	if err := require(actor, ally.ScopePartnersRead); err != nil {
		return ally.Page[*ally.Partner]{}, err
	}
	if !actor.SeesAllPartners() {
		f.VisibleTo = actor.ID
	}
	f.Limit = ally.ClampLimit(f.Limit)
	want := f.Limit
	f.Limit++ // one extra row says whether there is a next page, without COUNT(*)
	ps, err := a.store.FindPartners(ctx, f)
	if err != nil {
		return ally.Page[*ally.Partner]{}, err
	}
	return ally.NewPage(ps, want, func(p *ally.Partner) string { return ally.PartnerCursor(p, f.Sort) }), nil
}

// findVisiblePartner resolves an id or externalId and hides partners the actor may not see behind 404.
func (a *App) findVisiblePartner(ctx context.Context, r ally.Reader, actor ally.Actor, idOrExternalID string) (*ally.Partner, error) {
	var p *ally.Partner
	var err error
	if ally.HasPrefix(idOrExternalID, ally.PrefixPartner) {
		p, err = r.FindPartnerByID(ctx, idOrExternalID)
	}
	if p == nil && (err == nil || ally.IsNotFound(err)) && idOrExternalID != "" {
		p, err = r.FindPartnerByExternalID(ctx, idOrExternalID)
	}
	if err != nil {
		if ally.IsNotFound(err) {
			return nil, ally.Errorf(ally.ECodeNotFound, "no partner %q", idOrExternalID)
		}
		return nil, err
	}
	ok, err := canSeePartner(ctx, r, actor, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ally.Errorf(ally.ECodeNotFound, "no partner %q", idOrExternalID)
	}
	return p, nil
}

// canSeePartner applies team visibility: admins see every partner; managers
// and viewers what they own, manage or were granted; a partner user only
// their own organization.
func canSeePartner(ctx context.Context, r ally.Reader, actor ally.Actor, p *ally.Partner) (bool, error) {
	switch {
	case actor.SeesAllPartners():
		return true, nil
	case actor.Kind == ally.ActorPartner:
		return p.ID == actor.PartnerID, nil
	case actor.Kind != ally.ActorStaff:
		return false, nil
	case p.OwnerID == actor.ID || p.ManagerID == actor.ID:
		return true, nil
	}
	grants, err := r.FindGrants(ctx, actor.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(grants, func(g *ally.Grant) bool { return g.PartnerID == p.ID }), nil
}

// CreatePartner creates a partner, or, as Introw does, updates the partner
// with the same domain. created says which happened.
func (a *App) CreatePartner(ctx context.Context, actor ally.Actor, f ally.PartnerFields) (p *ally.Partner, created bool, err error) {
	if err := require(actor, ally.ScopePartnersWrite); err != nil {
		return nil, false, err
	}
	f.Normalize()
	if err := f.Validate(true); err != nil {
		return nil, false, err
	}
	err = a.store.Write(ctx, func(tx ally.Tx) error {
		if f.Domain != nil && *f.Domain != "" {
			existing, err := tx.FindPartnerByDomain(ctx, *f.Domain)
			if err == nil {
				visible, err := canSeePartner(ctx, tx, actor, existing)
				if err != nil {
					return err
				}
				if !visible {
					return ally.Errorf(ally.ECodeConflict, "a partner with this domain already exists")
				}
				p, err = a.updatePartner(ctx, tx, actor, existing, f)
				return err
			}
			if !ally.IsNotFound(err) {
				return err
			}
		}
		p, err = a.insertPartner(ctx, tx, actor, f)
		created = err == nil
		return err
	})
	return p, created, err
}

func (a *App) insertPartner(ctx context.Context, tx ally.Tx, actor ally.Actor, f ally.PartnerFields) (*ally.Partner, error) {
	now := a.clock()
	p := &ally.Partner{
		ID: ally.NewID(ally.PrefixPartner), Status: ally.StatusOnboarding,
		PortalAccess: ally.AccessRestrictedUsers, Categories: []string{},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	// A restricted staff user owns what they create, or they could not see it.
	if actor.Kind == ally.ActorStaff && !actor.SeesAllPartners() && f.OwnerID == nil && f.ManagerID == nil {
		f.OwnerID = &actor.ID
	}
	f.Apply(p)
	if err := checkPartnerRefs(ctx, tx, f); err != nil {
		return nil, err
	}
	if err := checkContactRefs(ctx, tx, p.ID, f); err != nil {
		return nil, err
	}
	if err := tx.CreatePartner(ctx, p); err != nil {
		return nil, err
	}
	if err := a.record(ctx, tx, actor, "partner.created", "partner", p.ID, p.ID, partnerChanges(&ally.Partner{}, p)); err != nil {
		return nil, err
	}
	return a.readBackWithEvent(ctx, tx, ally.EventPartnerCreated, p.ID)
}

// UpdatePartnerOptions carries the conditional-write version from If-Match.
type UpdatePartnerOptions struct {
	IfVersion *int64
}

// UpdatePartner applies the given fields to the partner with id or externalId.
func (a *App) UpdatePartner(ctx context.Context, actor ally.Actor, idOrExternalID string, f ally.PartnerFields, opt UpdatePartnerOptions) (*ally.Partner, error) {
	if err := require(actor, ally.ScopePartnersWrite); err != nil {
		return nil, err
	}
	f.Normalize()
	if err := f.Validate(false); err != nil {
		return nil, err
	}
	var p *ally.Partner
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		existing, err := a.partnerToWrite(ctx, tx, actor, idOrExternalID, opt)
		if err != nil {
			return err
		}
		p, err = a.updatePartner(ctx, tx, actor, existing, f)
		return err
	})
	return p, err
}

// partnerToWrite reads, in tx, the partner a write is about: visible to the
// actor, and still at the version the caller read (If-Match).
func (a *App) partnerToWrite(ctx context.Context, tx ally.Tx, actor ally.Actor, idOrExternalID string, opt UpdatePartnerOptions) (*ally.Partner, error) {
	p, err := a.findVisiblePartner(ctx, tx, actor, idOrExternalID)
	if err != nil {
		return nil, err
	}
	return p, checkVersion(opt.IfVersion, p.Version)
}

func (a *App) updatePartner(ctx context.Context, tx ally.Tx, actor ally.Actor, before *ally.Partner, f ally.PartnerFields) (*ally.Partner, error) {
	if f.Status != nil && before.Status == ally.StatusArchived {
		return nil, ally.Errorf(ally.ECodeConflict, "the partner is archived; restore it before changing its status")
	}
	after := clonePartner(before)
	f.Apply(after)
	diff := partnerChanges(before, after)
	if len(diff) == 0 {
		return before, nil
	}
	if err := checkPartnerRefs(ctx, tx, f); err != nil {
		return nil, err
	}
	if err := checkContactRefs(ctx, tx, before.ID, f); err != nil {
		return nil, err
	}
	return a.savePartner(ctx, tx, actor, "partner.updated", after, diff)
}

// savePartner writes after (version-checked), audits diff and reads the partner back.
func (a *App) savePartner(ctx context.Context, tx ally.Tx, actor ally.Actor, action string, after *ally.Partner, diff map[string]ally.Change) (*ally.Partner, error) {
	after.UpdatedAt = a.clock()
	if err := tx.UpdatePartner(ctx, after); err != nil {
		return nil, err
	}
	if err := a.record(ctx, tx, actor, action, "partner", after.ID, after.ID, diff); err != nil {
		return nil, err
	}
	return a.readBackWithEvent(ctx, tx, ally.EventPartnerUpdated, after.ID)
}

// ArchivePartner sets a partner's status to archived, remembering the status to restore.
func (a *App) ArchivePartner(ctx context.Context, actor ally.Actor, idOrExternalID string, opt UpdatePartnerOptions) (*ally.Partner, error) {
	return a.setArchived(ctx, actor, idOrExternalID, opt, true)
}

// RestorePartner returns an archived partner to the status it had before.
func (a *App) RestorePartner(ctx context.Context, actor ally.Actor, idOrExternalID string, opt UpdatePartnerOptions) (*ally.Partner, error) {
	return a.setArchived(ctx, actor, idOrExternalID, opt, false)
}

func (a *App) setArchived(ctx context.Context, actor ally.Actor, idOrExternalID string, opt UpdatePartnerOptions, archive bool) (*ally.Partner, error) {
	if err := require(actor, ally.ScopePartnersWrite); err != nil {
		return nil, err
	}
	var p *ally.Partner
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		before, err := a.partnerToWrite(ctx, tx, actor, idOrExternalID, opt)
		if err != nil {
			return err
		}
		if (before.Status == ally.StatusArchived) == archive {
			p = before // already where the caller wants it
			return nil
		}
		after := clonePartner(before)
		action := "partner.archived"
		if archive {
			after.ArchivedFrom, after.Status = before.Status, ally.StatusArchived
		} else {
			after.Status, after.ArchivedFrom = before.ArchivedFrom, ""
			if after.Status == "" || after.Status == ally.StatusArchived {
				after.Status = ally.StatusActive
			}
			action = "partner.restored"
		}
		p, err = a.savePartner(ctx, tx, actor, action, after, partnerChanges(before, after))
		return err
	})
	return p, err
}

// checkPartnerRefs turns references to unknown tiers, phases, users or templates into 422s.
func checkPartnerRefs(ctx context.Context, tx ally.Tx, f ally.PartnerFields) error {
	var v ally.Validator
	check := func(field string, id *string, find func(string) error) error {
		if id == nil || *id == "" {
			return nil
		}
		err := find(*id)
		if ally.IsNotFound(err) {
			v.Add(field, "no such id %q", *id)
			return nil
		}
		return err
	}
	errs := []error{
		check("tierId", f.TierID, func(id string) error { _, err := tx.FindTierByID(ctx, id); return err }),
		check("phaseId", f.PhaseID, func(id string) error { _, err := tx.FindPhaseByID(ctx, id); return err }),
		check("experienceTemplateId", f.ExperienceTemplateID, func(id string) error { _, err := tx.FindExperienceTemplateByID(ctx, id); return err }),
		check("partnerOwnerId", f.OwnerID, func(id string) error { return findActiveUser(ctx, tx, id) }),
		check("managerId", f.ManagerID, func(id string) error { return findActiveUser(ctx, tx, id) }),
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return v.Err()
}

// checkContactRefs makes sure a champion or primary contact is one of this
// partner's own contacts, never another partner's.
func checkContactRefs(ctx context.Context, r ally.Reader, partnerID string, f ally.PartnerFields) error {
	var v ally.Validator
	for _, ref := range []struct {
		field string
		id    *string
	}{{"championContactId", f.ChampionContactID}, {"primaryContactId", f.PrimaryContactID}} {
		if ref.id == nil || *ref.id == "" {
			continue
		}
		c, err := r.FindContactByID(ctx, *ref.id)
		switch {
		case ally.IsNotFound(err) || (err == nil && c.PartnerID != partnerID):
			v.Add(ref.field, "is not a contact of this partner")
		case err != nil:
			return err
		}
	}
	return v.Err()
}

func findActiveUser(ctx context.Context, r ally.Reader, id string) error {
	u, err := r.FindUserByID(ctx, id)
	if err == nil && u.Disabled {
		return ally.ErrNotFound
	}
	return err
}

func clonePartner(p *ally.Partner) *ally.Partner {
	c := *p
	c.Categories = slices.Clone(p.Categories)
	c.PartnerCRMProperties = maps.Clone(p.PartnerCRMProperties)
	c.CompanyCRMProperties = maps.Clone(p.CompanyCRMProperties)
	c.CustomProperties = maps.Clone(p.CustomProperties)
	return &c
}

// partnerChanges lists the fields that differ, by their API names.
func partnerChanges(b, a *ally.Partner) map[string]ally.Change {
	c := changes{}
	c.str("name", b.Name, a.Name)
	c.str("domain", b.Domain, a.Domain)
	c.str("website", b.Website, a.Website)
	c.str("logoUrl", b.LogoURL, a.LogoURL)
	c.str("phone", b.Phone, a.Phone)
	c.str("description", b.Description, a.Description)
	c.str("status", string(b.Status), string(a.Status))
	c.str("tierId", b.TierID, a.TierID)
	c.str("phaseId", b.PhaseID, a.PhaseID)
	c.str("partnerOwnerId", b.OwnerID, a.OwnerID)
	c.str("managerId", b.ManagerID, a.ManagerID)
	c.str("championContactId", b.ChampionContactID, a.ChampionContactID)
	c.str("primaryContactId", b.PrimaryContactID, a.PrimaryContactID)
	c.str("experienceTemplateId", b.ExperienceTemplateID, a.ExperienceTemplateID)
	c.str("portalAccess", string(b.PortalAccess), string(a.PortalAccess))
	c.str("externalId", b.ExternalID, a.ExternalID)
	c.str("externalIdType", b.ExternalIDType, a.ExternalIDType)
	c.str("externalCompanyId", b.ExternalCompanyID, a.ExternalCompanyID)
	if !slices.Equal(b.Categories, a.Categories) {
		c.add("categories", b.Categories, a.Categories)
	}
	props := func(field string, before, after map[string]any) {
		if len(before) != len(after) || !reflect.DeepEqual(before, after) {
			c.add(field, before, after)
		}
	}
	props("partnerObjectCrmProperties", b.PartnerCRMProperties, a.PartnerCRMProperties)
	props("companyCrmProperties", b.CompanyCRMProperties, a.CompanyCRMProperties)
	props("customProperties", b.CustomProperties, a.CustomProperties)
	return c
}
