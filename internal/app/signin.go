package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// SignInStaff signs a staff user in with e-mail and password. Every failure
// (unknown e-mail, wrong password, disabled user) answers the same
// ECodeUnauthorized "wrong e-mail or password"; too many failures for the
// account or the client IP answer ECodeRateLimited, for known and unknown
// e-mails alike. With TOTP on, the result has NeedTOTP and its token must go
// to VerifyTOTP.
func (a *App) SignInStaff(ctx context.Context, email, password string, meta ClientMeta) (SignIn, error) {
	return a.signIn(ctx, ally.ActorStaff, email, password, meta)
}

// SignInPartner signs a partner user in: a contact with active portal access
// at a partner that is not archived. Answers as SignInStaff; the result's
// MustChangePassword says a temporary password was used.
func (a *App) SignInPartner(ctx context.Context, email, password string, meta ClientMeta) (SignIn, error) {
	return a.signIn(ctx, ally.ActorPartner, email, password, meta)
}

func (a *App) signIn(ctx context.Context, kind ally.ActorKind, email, password string, meta ClientMeta) (SignIn, error) {
	email = ally.NormalizeEmail(email)
	limits := a.signInLimits(kind, email, meta)
	// The lock-out comes before any lookup, so it reads the same for every e-mail.
	if err := a.checkLimits(ctx, limits); err != nil {
		if ally.ErrorCode(err) == ally.ECodeRateLimited {
			return SignIn{}, a.signInFailed(ctx, kind, email, nil, "locked_out", nil, meta, err)
		}
		return SignIn{}, err
	}
	s, err := findSubjectByEmail(ctx, a.store, kind, email)
	if err != nil && !ally.IsNotFound(err) {
		return SignIn{}, err
	}
	hash := ""
	if s != nil && s.active() {
		hash = s.passwordHash()
	}
	if !a.checkPassword(hash, password) {
		reason := "wrong_password"
		switch {
		case s == nil:
			reason = "unknown_email"
		case !s.active():
			reason = "inactive"
		}
		return SignIn{}, a.signInFailed(ctx, kind, email, s, reason, limits, meta, errWrongCredentials())
	}
	pending := s.user != nil && s.user.TOTPEnabled
	var in SignIn
	err = a.store.Write(ctx, func(tx ally.Tx) error {
		var err error
		if in, err = a.startSession(ctx, tx, s, pending, meta); err != nil {
			return err
		}
		if pending {
			// Failures are cleared only once the code is right too:
			// otherwise someone holding the password could reset the
			// counter between guesses at the code.
			return s.record(ctx, tx, a, s.actor(meta), "auth.signin_totp_pending", nil)
		}
		return a.completeSignIn(ctx, tx, s, meta, nil)
	})
	if err != nil {
		return SignIn{}, err
	}
	return in, nil
}

// completeSignIn is the shared end of every full sign-in, in tx: forget the
// account's failures, note the time, audit "auth.signin".
func (a *App) completeSignIn(ctx context.Context, tx ally.Tx, s *subject, meta ClientMeta, c map[string]ally.Change) error {
	if err := tx.ClearLoginFailures(ctx, accountKey(s.kind, s.email())); err != nil {
		return err
	}
	if err := a.noteSignIn(ctx, tx, s, a.clock()); err != nil {
		return err
	}
	return s.record(ctx, tx, a, s.actor(meta), "auth.signin", c)
}

// signInFailed counts the failure against limits (none for a lock-out
// answer, which checked no password) and audits it with the e-mail tried and
// the reason, for the admins' eyes only. It returns answer, the caller's
// error, unless the write itself failed.
func (a *App) signInFailed(ctx context.Context, kind ally.ActorKind, email string, s *subject, reason string, limits []limit, meta ClientMeta, answer error) error {
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := a.recordFailures(ctx, tx, limits); err != nil {
			return err
		}
		c := changes{}
		c.add("reason", nil, reason)
		targetType, targetID, partnerID := "", "", ""
		if s != nil {
			targetType, targetID, partnerID = s.targetType(), s.id(), s.partnerID()
		}
		return a.record(ctx, tx, anonymous(kind, email, meta), "auth.signin_failed", targetType, targetID, partnerID, c)
	})
	if err != nil {
		return err
	}
	return answer
}
