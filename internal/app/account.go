package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// reauthenticate checks the signed-in actor's password again before a
// sensitive change. Wrong answers count toward the account's lock-out, so an
// open session cannot be used to guess the password.
func (a *App) reauthenticate(ctx context.Context, actor ally.Actor, password string) (*subject, error) {
	s, err := actorSubject(ctx, a.store, actor)
	if err != nil {
		return nil, err
	}
	limits := a.signInLimits(s.kind, s.email(), ClientMeta{IP: actor.IP})
	if err := a.checkLimits(ctx, limits); err != nil {
		return nil, err
	}
	if !a.checkPassword(s.passwordHash(), password) {
		err := a.store.Write(ctx, func(tx ally.Tx) error {
			if err := a.recordFailures(ctx, tx, limits); err != nil {
				return err
			}
			return s.record(ctx, tx, a, actor, "auth.reauth_failed", nil)
		})
		if err != nil {
			return nil, err
		}
		return nil, invalid("currentPassword", "is not your current password")
	}
	return s, nil
}

// ChangeOwnPassword lets a staff or partner user change their password. It
// asks for the current one, clears a temporary password's must-change flag,
// and ends every other session of theirs (sessionID, the current one, stays).
func (a *App) ChangeOwnPassword(ctx context.Context, actor ally.Actor, sessionID, current, newPassword string) error {
	if err := ally.ValidatePassword("newPassword", newPassword); err != nil {
		return err
	}
	if newPassword == current {
		return invalid("newPassword", "must differ from the current password")
	}
	s, err := a.reauthenticate(ctx, actor, current)
	if err != nil {
		return err
	}
	hash := HashPassword(newPassword) // outside the transaction: it takes a while
	return a.store.Write(ctx, func(tx ally.Tx) error {
		fresh, err := findSubject(ctx, tx, s.kind, s.id())
		if err != nil {
			return err
		}
		if fresh.passwordHash() != s.passwordHash() {
			return ally.Errorf(ally.ECodeConflict, "your password was changed meanwhile; sign in again")
		}
		fresh.setPassword(hash, false)
		if err := fresh.save(ctx, tx, a); err != nil {
			return err
		}
		if err := endSessions(ctx, tx, fresh, sessionID); err != nil {
			return err
		}
		return fresh.record(ctx, tx, a, actor, "auth.password_changed", nil)
	})
}

// SetUserDisabled disables or re-enables a staff user; disabling ends their
// sessions at once. Owners and admins only; only an owner may disable an
// owner, and nobody themselves.
func (a *App) SetUserDisabled(ctx context.Context, actor ally.Actor, userID string, disabled bool) error {
	if err := requireAdmin(actor, "may disable staff users"); err != nil {
		return err
	}
	if disabled && actor.Kind == ally.ActorStaff && actor.ID == userID {
		return ally.Errorf(ally.ECodeConflict, "you cannot disable yourself")
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := a.staffTarget(ctx, tx, actor, userID)
		if err != nil || s.user.Disabled == disabled {
			return err
		}
		s.user.Disabled = disabled
		if err := s.save(ctx, tx, a); err != nil {
			return err
		}
		action := "user.enabled"
		if disabled {
			action = "user.disabled"
			if err := endSessions(ctx, tx, s, ""); err != nil {
				return err
			}
		}
		c := changes{}
		c.add("disabled", !disabled, disabled)
		return s.record(ctx, tx, a, actor, action, c)
	})
}

// SetUserPassword lets an admin set a staff user's password (a user who
// forgot it and has no working e-mail). It ends all their sessions and
// lifts a lock-out of their account.
func (a *App) SetUserPassword(ctx context.Context, actor ally.Actor, userID, password string) error {
	if err := requireAdmin(actor, "may set passwords"); err != nil {
		return err
	}
	if err := ally.ValidatePassword("password", password); err != nil {
		return err
	}
	hash := HashPassword(password)
	return a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := a.staffTarget(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		s.setPassword(hash, false)
		if err := s.save(ctx, tx, a); err != nil {
			return err
		}
		if err := endSessions(ctx, tx, s, ""); err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, accountKey(s.kind, s.email())); err != nil {
			return err
		}
		return s.record(ctx, tx, a, actor, "user.password_set", nil)
	})
}

// staffTarget loads a staff user an admin acts on; owners are only an
// owner's to change (the system, i.e. the CLI, may too).
func (a *App) staffTarget(ctx context.Context, tx ally.Tx, actor ally.Actor, userID string) (*subject, error) {
	s, err := findSubject(ctx, tx, ally.ActorStaff, userID)
	if ally.IsNotFound(err) {
		return nil, ally.Errorf(ally.ECodeNotFound, "no user %q", userID)
	}
	if err != nil {
		return nil, err
	}
	if s.user.Role == ally.RoleOwner && actor.Kind == ally.ActorStaff && actor.Role != ally.RoleOwner {
		return nil, ally.Errorf(ally.ECodeForbidden, "only an owner may change another owner")
	}
	return s, nil
}
