package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// requireAdmin returns 403 unless the actor is the system or an owner or admin.
func requireAdmin(actor ally.Actor, what string) error {
	if actor.Kind == ally.ActorSystem || (actor.Kind == ally.ActorStaff && actor.SeesAllPartners()) {
		return nil
	}
	return ally.Errorf(ally.ECodeForbidden, "only admins %s", what)
}

// PartnerGrants lists who was granted a partner.
func (a *App) PartnerGrants(ctx context.Context, actor ally.Actor, partnerID string) ([]*ally.Grant, error) {
	if err := requireAdmin(actor, "manage team access"); err != nil {
		return nil, err
	}
	return a.store.FindPartnerGrants(ctx, partnerID)
}

// UserGrants lists the partners granted to a staff user.
func (a *App) UserGrants(ctx context.Context, actor ally.Actor, userID string) ([]*ally.Grant, error) {
	if err := requireAdmin(actor, "manage team access"); err != nil {
		return nil, err
	}
	return a.store.FindGrants(ctx, userID)
}

// Grant lets a manager or viewer see a partner they neither own nor manage.
func (a *App) Grant(ctx context.Context, actor ally.Actor, userID, partnerID string) error {
	return a.setGrant(ctx, actor, userID, partnerID, true)
}

// Revoke takes a grant away.
func (a *App) Revoke(ctx context.Context, actor ally.Actor, userID, partnerID string) error {
	return a.setGrant(ctx, actor, userID, partnerID, false)
}

func (a *App) setGrant(ctx context.Context, actor ally.Actor, userID, partnerID string, grant bool) error {
	if err := requireAdmin(actor, "manage team access"); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		u, err := tx.FindUserByID(ctx, userID)
		if err != nil {
			return notFound(err, "user", userID)
		}
		p, err := tx.FindPartnerByID(ctx, partnerID)
		if err != nil {
			return notFound(err, "partner", partnerID)
		}
		action := "grant.created"
		if grant {
			err = tx.CreateGrant(ctx, &ally.Grant{UserID: u.ID, PartnerID: p.ID, CreatedAt: a.clock()})
		} else {
			action = "grant.deleted"
			err = tx.DeleteGrant(ctx, u.ID, p.ID)
		}
		if err != nil {
			return err
		}
		c := changes{}
		c.add("user", nil, u.Email)
		return a.record(ctx, tx, actor, action, "partner", p.ID, p.ID, c)
	})
}

// notFound turns a store's ErrNotFound into a 404 naming the thing.
func notFound(err error, kind, id string) error {
	if ally.IsNotFound(err) {
		return ally.Errorf(ally.ECodeNotFound, "no %s %q", kind, id)
	}
	return err
}
