package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// subject is someone who signs in with a password: a staff user, or a
// partner user (a contact with portal access) together with their partner.
// It lets sign-in, passwords, resets and e-mail changes share one path.
type subject struct {
	kind    ally.ActorKind
	user    *ally.User
	contact *ally.Contact
	partner *ally.Partner
}

// findSubject loads a staff user or a contact (with its partner) by id.
func findSubject(ctx context.Context, r ally.Reader, kind ally.ActorKind, id string) (*subject, error) {
	switch kind {
	case ally.ActorStaff:
		u, err := r.FindUserByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return &subject{kind: kind, user: u}, nil
	case ally.ActorPartner:
		c, err := r.FindContactByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return withPartner(ctx, r, c)
	}
	return nil, ally.ErrNotFound
}

// findSubjectByEmail loads the staff user, or the contact with portal access
// (in any state but off), that signs in with email.
func findSubjectByEmail(ctx context.Context, r ally.Reader, kind ally.ActorKind, email string) (*subject, error) {
	switch kind {
	case ally.ActorStaff:
		u, err := r.FindUserByEmail(ctx, email)
		if err != nil {
			return nil, err
		}
		return &subject{kind: kind, user: u}, nil
	case ally.ActorPartner:
		c, err := r.FindPortalContactByEmail(ctx, email)
		if err != nil {
			return nil, err
		}
		return withPartner(ctx, r, c)
	}
	return nil, ally.ErrNotFound
}

func withPartner(ctx context.Context, r ally.Reader, c *ally.Contact) (*subject, error) {
	p, err := r.FindPartnerByID(ctx, c.PartnerID)
	if err != nil {
		return nil, err
	}
	return &subject{kind: ally.ActorPartner, contact: c, partner: p}, nil
}

// actorSubject loads the subject an authenticated actor stands for.
func actorSubject(ctx context.Context, r ally.Reader, actor ally.Actor) (*subject, error) {
	if actor.Kind != ally.ActorStaff && actor.Kind != ally.ActorPartner {
		return nil, ally.Errorf(ally.ECodeForbidden, "only signed-in people have a password")
	}
	s, err := findSubject(ctx, r, actor.Kind, actor.ID)
	if err == nil && !s.active() {
		err = ally.ErrNotFound
	}
	if ally.IsNotFound(err) {
		return nil, ally.Errorf(ally.ECodeUnauthorized, "please sign in again")
	}
	return s, err
}

func (s *subject) id() string {
	if s.user != nil {
		return s.user.ID
	}
	return s.contact.ID
}

func (s *subject) email() string {
	if s.user != nil {
		return s.user.Email
	}
	return s.contact.Email
}

func (s *subject) passwordHash() string {
	if s.user != nil {
		return s.user.PasswordHash
	}
	return s.contact.PasswordHash
}

func (s *subject) partnerID() string {
	if s.contact != nil {
		return s.contact.PartnerID
	}
	return ""
}

// targetType names the subject in audit events.
func (s *subject) targetType() string {
	if s.user != nil {
		return "user"
	}
	return "contact"
}

// active reports whether the subject may sign in: a staff user not
// disabled; a contact whose portal access is active at a partner that is
// not archived.
func (s *subject) active() bool {
	if s.user != nil {
		return !s.user.Disabled
	}
	return s.contact.Portal == ally.PortalActive && portalOpen(s.partner)
}

// portalOpen reports whether a partner's users may sign in: every status but
// archived. An archived partner's users are refused without touching them,
// so restoring the partner lets them back in.
func portalOpen(p *ally.Partner) bool {
	switch p.Status {
	case ally.StatusActive, ally.StatusOnboarding, ally.StatusDormant:
		return true
	}
	return false
}

// actor is the subject as the actor of its own actions.
func (s *subject) actor(meta ClientMeta) ally.Actor {
	a := anonymous(s.kind, s.email(), meta)
	a.ID = s.id()
	if s.user != nil {
		a.Role = s.user.Role
	} else {
		a.PartnerID = s.contact.PartnerID
	}
	return a
}

// setPassword sets a new hash; mustChange applies to partner users only
// (staff have no temporary passwords).
func (s *subject) setPassword(hash string, mustChange bool) {
	if s.user != nil {
		s.user.PasswordHash = hash
		return
	}
	s.contact.PasswordHash = hash
	s.contact.MustChangePassword = mustChange
}

// save writes the user or contact, version-checked.
func (s *subject) save(ctx context.Context, tx ally.Tx, a *App) error {
	if s.user != nil {
		s.user.UpdatedAt = a.clock()
		return tx.UpdateUser(ctx, s.user)
	}
	s.contact.UpdatedAt = a.clock()
	return tx.UpdateContact(ctx, s.contact)
}

// record writes an audit event about the subject.
func (s *subject) record(ctx context.Context, tx ally.Tx, a *App, actor ally.Actor, action string, c map[string]ally.Change) error {
	return a.record(ctx, tx, actor, action, s.targetType(), s.id(), s.partnerID(), c)
}

func (s *subject) setEmail(email string) {
	if s.user != nil {
		s.user.Email = email
		return
	}
	s.contact.Email = email
}

// emailTaken reports whether email already signs someone else of kind in:
// another staff user, or another contact with portal access.
func emailTaken(ctx context.Context, r ally.Reader, kind ally.ActorKind, email, exceptID string) (bool, error) {
	other, err := findSubjectByEmail(ctx, r, kind, email)
	if ally.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return other.id() != exceptID, nil
}

// name is what an e-mail greets the subject by.
func (s *subject) name() string {
	if s.user != nil {
		return s.user.Name
	}
	return s.contact.Name
}
