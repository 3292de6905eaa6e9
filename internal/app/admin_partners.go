package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// AddPartner creates a partner and only creates: a domain another partner
// already has is a validation error on the domain field, never an update of
// that partner. It is the admin UI's "New partner"; CreatePartner keeps the
// API's Introw behaviour (create, or update the partner matched on domain),
// which on a form would silently overwrite someone else's partner.
func (a *App) AddPartner(ctx context.Context, actor ally.Actor, f ally.PartnerFields) (*ally.Partner, error) {
	if err := require(actor, ally.ScopePartnersWrite); err != nil {
		return nil, err
	}
	f.Normalize()
	var v ally.Validator
	if err := f.Validate(true); err != nil {
		return nil, err
	}
	// A new partner has no contacts, so any champion or primary contact
	// would be someone else's.
	v.Check(f.ChampionContactID == nil || *f.ChampionContactID == "", "championContactId", "add the contact first, then choose them")
	v.Check(f.PrimaryContactID == nil || *f.PrimaryContactID == "", "primaryContactId", "add the contact first, then choose them")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var p *ally.Partner
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if f.Domain != nil && *f.Domain != "" {
			_, err := tx.FindPartnerByDomain(ctx, *f.Domain)
			if err == nil {
				return invalid("domain", "another partner already has this domain")
			}
			if !ally.IsNotFound(err) {
				return err
			}
		}
		var err error
		p, err = a.insertPartner(ctx, tx, actor, f)
		return err
	})
	return p, err
}
