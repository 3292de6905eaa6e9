package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// RequestEmailChange starts changing the signed-in user's e-mail address.
// The password is asked again, and the change waits until the link mailed
// to the NEW address is opened (ConfirmEmailChange), which proves it.
func (a *App) RequestEmailChange(ctx context.Context, actor ally.Actor, currentPassword, newEmail string) error {
	if err := a.mailReady(); err != nil {
		return err
	}
	newEmail = ally.NormalizeEmail(newEmail)
	if !ally.ValidEmail(newEmail) {
		return invalid("email", "must be a valid e-mail address")
	}
	s, err := a.reauthenticate(ctx, actor, currentPassword)
	if err != nil {
		return err
	}
	if newEmail == s.email() {
		return invalid("email", "is already your address")
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		taken, err := emailTaken(ctx, tx, s.kind, newEmail, s.id())
		if err != nil {
			return err
		}
		if taken {
			return ally.Errorf(ally.ECodeConflict, "this e-mail address is already in use")
		}
		// Only the newest link works, so an old one lying in a mailbox cannot
		// switch the address back later.
		if err := tx.DeleteTokensOf(ctx, ally.TokenEmailChange, s.kind, s.id()); err != nil {
			return err
		}
		token, hash := newToken()
		now := a.clock()
		t := &ally.Token{
			Hash: hash, Purpose: ally.TokenEmailChange, SubjectKind: s.kind, SubjectID: s.id(),
			PartnerID: s.partnerID(), Email: newEmail, Data: newEmail,
			CreatedAt: now, ExpiresAt: now.Add(a.policy().EmailChangeTTL),
		}
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		data := mail.EmailChangeData{Link: a.link(s.kind, "email", token), NewEmail: newEmail}
		if err := a.enqueueMail(ctx, tx, mail.KindEmailChange, data, newEmail); err != nil {
			return err
		}
		c := changes{}
		c.str("email", s.email(), newEmail)
		return s.record(ctx, tx, a, actor, "auth.email_change_requested", c)
	})
}

// ConfirmEmailChange applies the change behind an e-mailed link. It is
// ECodeConflict when the address was taken in the meantime.
func (a *App) ConfirmEmailChange(ctx context.Context, token string) error {
	return a.store.Write(ctx, func(tx ally.Tx) error {
		t, err := tx.UseToken(ctx, hashToken(token), ally.TokenEmailChange, a.clock())
		if ally.IsNotFound(err) {
			return errLink()
		}
		if err != nil {
			return err
		}
		s, err := findSubject(ctx, tx, t.SubjectKind, t.SubjectID)
		if ally.IsNotFound(err) || (err == nil && !s.active()) {
			return errLink()
		}
		if err != nil {
			return err
		}
		taken, err := emailTaken(ctx, tx, s.kind, t.Data, s.id())
		if err != nil {
			return err
		}
		if taken {
			return ally.Errorf(ally.ECodeConflict, "this e-mail address is already in use")
		}
		before := s.email()
		s.setEmail(t.Data)
		if err := s.save(ctx, tx, a); err != nil {
			return err
		}
		// Read back: a store that does not write the address must fail loudly
		// rather than audit a change that did not happen.
		if back, err := findSubject(ctx, tx, s.kind, s.id()); err != nil || back.email() != t.Data {
			return errors.Join(err, fmt.Errorf("app: the store did not save the new e-mail of %s", s.id()))
		}
		c := changes{}
		c.str("email", before, t.Data)
		return s.record(ctx, tx, a, s.actor(ClientMeta{}), "auth.email_changed", c)
	})
}
