package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// InviteInfo tells the invite page whom an invite link is for, without using
// the link up. An unknown, used, expired or revoked link is ECodeNotFound.
func (a *App) InviteInfo(ctx context.Context, token string) (partnerName, email string, err error) {
	t, err := a.store.FindTokenByHash(ctx, hashToken(token))
	if ally.IsNotFound(err) {
		return "", "", errLink()
	}
	if err != nil {
		return "", "", err
	}
	if !t.UsedAt.IsZero() || !a.clock().Before(t.ExpiresAt) {
		return "", "", errLink()
	}
	s, err := inviteSubject(ctx, a.store, t)
	if err != nil {
		return "", "", err
	}
	return s.partner.Name, s.contact.Email, nil
}

// AcceptInvite uses an invite link: the contact chooses a password, their
// portal access becomes active, and they are signed in.
func (a *App) AcceptInvite(ctx context.Context, token, password string, meta ClientMeta) (SignIn, error) {
	if err := ally.ValidatePassword("password", password); err != nil {
		return SignIn{}, err
	}
	hash := HashPassword(password)
	var in SignIn
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		t, err := tx.UseToken(ctx, hashToken(token), ally.TokenInvite, a.clock())
		if ally.IsNotFound(err) {
			return errLink()
		}
		if err != nil {
			return err
		}
		s, err := inviteSubject(ctx, tx, t)
		if err != nil {
			return err
		}
		taken, err := emailTaken(ctx, tx, ally.ActorPartner, s.contact.Email, s.id())
		if err != nil {
			return err
		}
		if taken {
			return ally.Errorf(ally.ECodeConflict, "another portal user already signs in with %s", s.contact.Email)
		}
		s.setPassword(hash, false)
		diff, err := a.setPortal(ctx, tx, s.contact, ally.PortalActive)
		if err != nil {
			return err
		}
		if in, err = a.startSession(ctx, tx, s, false, meta); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, s.actor(meta), "contact.invite_accepted", diff); err != nil {
			return err
		}
		return a.completeSignIn(ctx, tx, s, meta, nil)
	})
	if err != nil {
		return SignIn{}, err
	}
	return in, nil
}

// inviteSubject returns the contact an invite token is for, if the invite
// still stands: the contact is still invited at the address the link went
// to, and their partner is not archived.
func inviteSubject(ctx context.Context, r ally.Reader, t *ally.Token) (*subject, error) {
	if t.Purpose != ally.TokenInvite || t.SubjectKind != ally.ActorPartner {
		return nil, errLink()
	}
	s, err := findSubject(ctx, r, ally.ActorPartner, t.SubjectID)
	if ally.IsNotFound(err) {
		return nil, errLink()
	}
	if err != nil {
		return nil, err
	}
	if s.contact.Portal != ally.PortalInvited || s.contact.Email != t.Email || !portalOpen(s.partner) {
		return nil, errLink()
	}
	return s, nil
}
