package app

import (
	"context"
	"maps"

	"github.com/allyprm/ally/internal/ally"
)

// UpdateUser changes a staff user's name, role or disabled flag; ifVersion
// makes it conditional. Owners and admins only; only an owner may make
// someone an owner or change an owner. Nobody changes their own role or
// disables themselves, so an admin cannot lock the team out by a slip of
// the hand. Disabling ends the user's sessions at once; a role change
// applies to their next request, since every request reads the role afresh.
func (a *App) UpdateUser(ctx context.Context, actor ally.Actor, id string, f ally.UserFields, ifVersion *int64) (*ally.User, error) {
	if err := requireAdmin(actor, "may change staff users"); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if f.Role != nil && *f.Role == ally.RoleOwner && actor.Kind == ally.ActorStaff && actor.Role != ally.RoleOwner {
		return nil, ally.Errorf(ally.ECodeForbidden, "only an owner may make someone an owner")
	}
	var u *ally.User
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := a.staffTarget(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifVersion, s.user.Version); err != nil {
			return err
		}
		self := actor.Kind == ally.ActorStaff && actor.ID == s.user.ID
		if self && f.Role != nil && *f.Role != s.user.Role {
			return ally.Errorf(ally.ECodeConflict, "you cannot change your own role")
		}
		if self && f.Disabled != nil && *f.Disabled {
			return ally.Errorf(ally.ECodeConflict, "you cannot disable yourself")
		}
		u = s.user
		wasDisabled := u.Disabled
		diff := changes{}
		setIf(diff, "name", &u.Name, f.Name)
		setIf(diff, "role", &u.Role, f.Role)
		setIf(diff, "disabled", &u.Disabled, f.Disabled)
		if len(diff) == 0 {
			return nil
		}
		if err := s.save(ctx, tx, a); err != nil {
			return err
		}
		if u.Disabled && !wasDisabled {
			if err := endSessions(ctx, tx, s, ""); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, actor, "user.updated", diff)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// StaffNotifications are the notification kinds a staff user can turn on
// or off on their own account page, in display order.
var StaffNotifications = []string{ally.NotifyPartnerUpdated, ally.NotifyActivity}

// UpdateStaffAccount lets a signed-in staff user change their own name and
// notification preferences ("My account"). Unknown notification kinds are
// dropped rather than stored, so a crafted form cannot grow the map.
func (a *App) UpdateStaffAccount(ctx context.Context, actor ally.Actor, name string, notifications map[string]bool) (*ally.User, error) {
	if actor.Kind != ally.ActorStaff {
		return nil, ally.Errorf(ally.ECodeForbidden, "only staff users have an admin account")
	}
	f := ally.UserFields{Name: &name}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	prefs := map[string]bool{}
	for _, k := range StaffNotifications {
		prefs[k] = notifications[k]
	}
	var u *ally.User
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := actorSubject(ctx, tx, actor)
		if err != nil {
			return err
		}
		u = s.user
		diff := changes{}
		setIf(diff, "name", &u.Name, f.Name)
		if !maps.Equal(u.Notifications, prefs) {
			diff.add("notifications", u.Notifications, prefs)
			u.Notifications = prefs
		}
		if len(diff) == 0 {
			return nil
		}
		if err := s.save(ctx, tx, a); err != nil {
			return err
		}
		return s.record(ctx, tx, a, actor, "user.account_updated", diff)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
