package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// User returns one staff user.
func (a *App) User(ctx context.Context, actor ally.Actor, id string) (*ally.User, error) {
	if err := require(actor, ally.ScopeUsersRead); err != nil {
		return nil, err
	}
	u, err := a.store.FindUserByID(ctx, id)
	if ally.IsNotFound(err) {
		return nil, ally.Errorf(ally.ECodeNotFound, "no user %q", id)
	}
	return u, err
}

// UserByEmail returns the staff user with this e-mail address.
func (a *App) UserByEmail(ctx context.Context, actor ally.Actor, email string) (*ally.User, error) {
	if err := require(actor, ally.ScopeUsersRead); err != nil {
		return nil, err
	}
	u, err := a.store.FindUserByEmail(ctx, email)
	if ally.IsNotFound(err) {
		return nil, ally.Errorf(ally.ECodeNotFound, "no staff user %q", email)
	}
	return u, err
}

// Users lists the staff users by e-mail.
func (a *App) Users(ctx context.Context, actor ally.Actor) ([]*ally.User, error) {
	if err := require(actor, ally.ScopeUsersRead); err != nil {
		return nil, err
	}
	return a.store.FindUsers(ctx)
}

// CreateUser adds a staff user. Only the system (the CLI) and owners and admins may.
func (a *App) CreateUser(ctx context.Context, actor ally.Actor, nu ally.NewUser) (*ally.User, error) {
	if actor.Kind != ally.ActorSystem && !(actor.Kind == ally.ActorStaff && actor.SeesAllPartners()) {
		return nil, ally.Errorf(ally.ECodeForbidden, "only admins may add staff users")
	}
	if err := nu.Validate(); err != nil {
		return nil, err
	}
	if nu.Role == ally.RoleOwner && actor.Kind == ally.ActorStaff && actor.Role != ally.RoleOwner {
		return nil, ally.Errorf(ally.ECodeForbidden, "only an owner may add another owner")
	}
	now := a.clock()
	u := &ally.User{
		ID: ally.NewID(ally.PrefixUser), Email: nu.Email, Name: nu.Name, Role: nu.Role,
		PasswordHash: HashPassword(nu.Password), CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		c := changes{}
		c.str("email", "", u.Email)
		c.str("name", "", u.Name)
		c.str("role", "", string(u.Role))
		return a.record(ctx, tx, actor, "user.created", "user", u.ID, "", c)
	})
	return u, err
}
