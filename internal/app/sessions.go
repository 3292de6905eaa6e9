package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// startSession creates a session for s in tx with a token of its own. Every
// sign-in gets a new token, so a token planted before sign-in (session
// fixation) never becomes a signed-in one. A pending session (password
// right, TOTP code due) lives only for the TOTP step.
func (a *App) startSession(ctx context.Context, tx ally.Tx, s *subject, pending bool, meta ClientMeta) (SignIn, error) {
	p, now := a.policy(), a.clock()
	token, hash := newToken()
	ses := &ally.Session{
		ID: ally.NewID(ally.PrefixSession), TokenHash: hash, Kind: s.kind, SubjectID: s.id(),
		PartnerID: s.partnerID(), TOTPPending: pending, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(p.Absolute), IP: clean(meta.IP, 64), UserAgent: clean(meta.UserAgent, 500),
	}
	if pending {
		ses.ExpiresAt = now.Add(p.TOTPPending)
	}
	if err := tx.CreateSession(ctx, ses); err != nil {
		return SignIn{}, err
	}
	in := SignIn{Token: token, Session: ses, NeedTOTP: pending}
	if s.contact != nil {
		in.MustChangePassword = s.contact.MustChangePassword
	}
	return in, nil
}

// Authenticate resolves a session cookie's token to the actor it signs in.
// Unknown, expired, idle and TOTP-pending sessions are ECodeUnauthorized, as
// are disabled staff, partner users whose access ended and users of an
// archived partner. LastSeenAt is written at most once per TouchEvery, so
// most requests only read.
func (a *App) Authenticate(ctx context.Context, token string, meta ClientMeta) (ally.Actor, *ally.Session, error) {
	unauthorized := ally.Errorf(ally.ECodeUnauthorized, "please sign in")
	if token == "" {
		return ally.Actor{}, nil, unauthorized
	}
	ses, err := a.store.FindSessionByTokenHash(ctx, hashToken(token))
	if ally.IsNotFound(err) {
		return ally.Actor{}, nil, unauthorized
	}
	if err != nil {
		return ally.Actor{}, nil, err
	}
	p, now := a.policy(), a.clock()
	if ses.TOTPPending || !now.Before(ses.ExpiresAt) || now.Sub(ses.LastSeenAt) >= p.idle(ses.Kind) {
		return ally.Actor{}, nil, unauthorized
	}
	s, err := findSubject(ctx, a.store, ses.Kind, ses.SubjectID)
	if ally.IsNotFound(err) || (err == nil && (!s.active() || s.partnerID() != ses.PartnerID)) {
		return ally.Actor{}, nil, unauthorized
	}
	if err != nil {
		return ally.Actor{}, nil, err
	}
	if now.Sub(ses.LastSeenAt) >= p.TouchEvery {
		err := a.store.Write(ctx, func(tx ally.Tx) error { return tx.TouchSession(ctx, ses.ID, now) })
		if err != nil {
			// The request is authentic either way; a lost touch only makes
			// the idle timeout start a minute early.
			a.log.Warn("touching session", "session", ses.ID, "err", err)
		} else {
			ses.LastSeenAt = now
		}
	}
	return s.actor(meta), ses, nil
}

// SignOut ends the session with token if it is a session of kind: the
// surface the token was sent to. A token of the other surface's session
// signs nobody in there, so it ends nothing there either (a portal token
// posted to the admin's sign-out leaves the portal session alone). An
// unknown token is not an error: the caller is signed out either way.
func (a *App) SignOut(ctx context.Context, token string, kind ally.ActorKind) error {
	ses, err := a.store.FindSessionByTokenHash(ctx, hashToken(token))
	if ally.IsNotFound(err) || token == "" {
		return nil
	}
	if err != nil {
		return err
	}
	if ses.Kind != kind {
		return nil
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.DeleteSession(ctx, ses.ID); err != nil && !ally.IsNotFound(err) {
			return err
		}
		actor := ally.Actor{Kind: ses.Kind, ID: ses.SubjectID, PartnerID: ses.PartnerID, IP: ses.IP, UserAgent: ses.UserAgent}
		if s, err := findSubject(ctx, tx, ses.Kind, ses.SubjectID); err == nil {
			actor.Label = s.email()
		}
		targetType := "user"
		if ses.Kind == ally.ActorPartner {
			targetType = "contact"
		}
		return a.record(ctx, tx, actor, "auth.signout", targetType, ses.SubjectID, ses.PartnerID, nil)
	})
}

// Sweep deletes expired sessions (SweepSessions), fails uploads that stopped
// arriving an hour ago, and removes login failures past their window, spent or expired
// tokens a day old and jobs finished a week ago. Any node may run it; it is
// idempotent.
func (a *App) Sweep(ctx context.Context) (int, error) {
	n, err := a.SweepSessions(ctx)
	if err != nil {
		return n, err
	}
	p, now := a.policy(), a.clock()
	err = a.store.Write(ctx, func(tx ally.Tx) error {
		m, err := tx.Sweep(ctx, now.Add(-p.FailureWindow), now.Add(-24*time.Hour), now.Add(-7*24*time.Hour))
		n += m
		return err
	})
	if err != nil {
		return n, err
	}
	// An upload nothing was added to for an hour lost its client: fail it
	// and drop what it stored.
	m, err := a.FailStaleUploads(ctx, now.Add(-time.Hour))
	return n + m, err
}

// SweepSessions deletes sessions past their absolute expiry or idle longer
// than the longer of the two idle timeouts (Authenticate applies the exact
// one), and returns how many went.
func (a *App) SweepSessions(ctx context.Context) (int, error) {
	p, now := a.policy(), a.clock()
	idle := max(p.StaffIdle, p.PartnerIdle)
	var n int
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		var err error
		n, err = tx.DeleteExpiredSessions(ctx, now, now.Add(-idle))
		return err
	})
	return n, err
}

// endSessions ends every session of s except keepID ("" for all).
func endSessions(ctx context.Context, tx ally.Tx, s *subject, keepID string) error {
	return tx.DeleteSessionsOf(ctx, s.kind, s.id(), keepID)
}

// noteSignIn records the sign-in time on the subject and, for a partner
// user, the partner's last activity (the "going quiet" list reads it). Both
// are timestamps, not edits: a concurrent edit winning the version race is
// fine, and they leave UpdatedAt alone.
func (a *App) noteSignIn(ctx context.Context, tx ally.Tx, s *subject, now time.Time) error {
	fresh, err := findSubject(ctx, tx, s.kind, s.id())
	if err != nil {
		return err
	}
	if fresh.user != nil {
		fresh.user.LastSignInAt = now
		return ignoreStale(tx.UpdateUser(ctx, fresh.user))
	}
	fresh.contact.LastSignInAt = now
	if err := ignoreStale(tx.UpdateContact(ctx, fresh.contact)); err != nil {
		return err
	}
	return ignoreStale(a.touchPartner(ctx, tx, fresh.partner, now))
}

// ignoreStale drops a lost version race, for writes that are only timestamps.
func ignoreStale(err error) error {
	if ally.ErrorCode(err) == ally.ECodePrecondition {
		return nil
	}
	return err
}

// touchPartner moves a partner's last activity forward ("going quiet"
// counts from it) without bumping its version.
func (a *App) touchPartner(ctx context.Context, tx ally.Tx, p *ally.Partner, now time.Time) error {
	return tx.TouchPartnerActivity(ctx, p.ID, now)
}
