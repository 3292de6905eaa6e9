package app

import (
	"context"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/allyprm/ally/internal/ally"
)

// totpOpts are the parameters every authenticator app understands: 6 digits,
// 30 s steps, SHA-1, one step of clock skew either way.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// validTOTP checks code against a user's stored secret (sealed when
// ALLY_SECRET_KEY is set: secrets.go) at the app's clock (so tests can set
// it). A secret the key does not open is an error, not a wrong code.
func (a *App) validTOTP(stored, code string) (bool, error) {
	secret, err := a.openSecret("the two-factor secret", stored)
	if err != nil {
		return false, err
	}
	ok, err := totp.ValidateCustom(code, secret, a.clock(), totpOpts)
	return err == nil && ok, nil
}

// VerifyTOTP finishes a staff sign-in that answered NeedTOTP: token is that
// answer's Token. A right code replaces the pending session with a new, full
// one; a wrong code counts toward the same lock-out as a wrong password.
func (a *App) VerifyTOTP(ctx context.Context, token, code string, meta ClientMeta) (SignIn, error) {
	again := ally.Errorf(ally.ECodeUnauthorized, "please sign in again")
	ses, err := a.store.FindSessionByTokenHash(ctx, hashToken(token))
	if ally.IsNotFound(err) || token == "" {
		return SignIn{}, again
	}
	if err != nil {
		return SignIn{}, err
	}
	if !ses.TOTPPending || ses.Kind != ally.ActorStaff || !a.clock().Before(ses.ExpiresAt) {
		return SignIn{}, again
	}
	s, err := findSubject(ctx, a.store, ally.ActorStaff, ses.SubjectID)
	if ally.IsNotFound(err) || (err == nil && (!s.active() || !s.user.TOTPEnabled)) {
		return SignIn{}, again
	}
	if err != nil {
		return SignIn{}, err
	}
	limits := a.signInLimits(ally.ActorStaff, s.email(), meta)
	if err := a.checkLimits(ctx, limits); err != nil {
		return SignIn{}, err
	}
	if ok, err := a.validTOTP(s.user.TOTPSecret, code); err != nil {
		return SignIn{}, err
	} else if !ok {
		err := a.store.Write(ctx, func(tx ally.Tx) error {
			if err := a.recordFailures(ctx, tx, limits); err != nil {
				return err
			}
			return s.record(ctx, tx, a, s.actor(meta), "auth.totp_failed", nil)
		})
		if err != nil {
			return SignIn{}, err
		}
		return SignIn{}, ally.Errorf(ally.ECodeUnauthorized, "wrong code")
	}
	var in SignIn
	err = a.store.Write(ctx, func(tx ally.Tx) error {
		// Deleting inside the transaction makes the pending token single
		// use: a second request with it finds nothing.
		if _, err := tx.FindSessionByTokenHash(ctx, ses.TokenHash); err != nil {
			if ally.IsNotFound(err) {
				return again
			}
			return err
		}
		if err := tx.DeleteSession(ctx, ses.ID); err != nil {
			return err
		}
		var err error
		if in, err = a.startSession(ctx, tx, s, false, meta); err != nil {
			return err
		}
		c := changes{}
		c.add("totp", nil, true)
		return a.completeSignIn(ctx, tx, s, meta, c)
	})
	if err != nil {
		return SignIn{}, err
	}
	return in, nil
}

// BeginTOTP starts two-factor set-up for the signed-in staff user: it stores
// a new secret (not yet enabled) and returns it with the otpauth:// URL for a
// QR code. EnableTOTP with a code from the app turns it on.
func (a *App) BeginTOTP(ctx context.Context, actor ally.Actor) (secret, otpauthURL string, err error) {
	if actor.Kind != ally.ActorStaff {
		return "", "", ally.Errorf(ally.ECodeForbidden, "two-factor sign-in is for staff users")
	}
	err = a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := actorSubject(ctx, tx, actor)
		if err != nil {
			return err
		}
		if s.user.TOTPEnabled {
			return ally.Errorf(ally.ECodeConflict, "two-factor sign-in is already on; turn it off first")
		}
		set, err := tx.FindSettings(ctx)
		if err != nil {
			return err
		}
		issuer := set.Branding.VendorName
		if issuer == "" {
			issuer = "Ally"
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: s.email()})
		if err != nil {
			return err
		}
		secret, otpauthURL = key.Secret(), key.URL()
		s.user.TOTPSecret = a.secrets.Seal(secret)
		if err := s.save(ctx, tx, a); err != nil {
			return err
		}
		return s.record(ctx, tx, a, actor, "auth.totp_setup_started", nil)
	})
	if err != nil {
		return "", "", err
	}
	return secret, otpauthURL, nil
}

// EnableTOTP turns two-factor sign-in on once code proves the authenticator
// app holds the secret from BeginTOTP.
func (a *App) EnableTOTP(ctx context.Context, actor ally.Actor, code string) error {
	if actor.Kind != ally.ActorStaff {
		return ally.Errorf(ally.ECodeForbidden, "two-factor sign-in is for staff users")
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := actorSubject(ctx, tx, actor)
		if err != nil {
			return err
		}
		if s.user.TOTPEnabled {
			return nil
		}
		if s.user.TOTPSecret == "" {
			return ally.Errorf(ally.ECodeConflict, "start the set-up first")
		}
		if ok, err := a.validTOTP(s.user.TOTPSecret, code); err != nil {
			return err
		} else if !ok {
			return invalid("code", "is not the current code of your authenticator app")
		}
		s.user.TOTPEnabled = true
		if err := s.save(ctx, tx, a); err != nil {
			return err
		}
		c := changes{}
		c.add("totpEnabled", false, true)
		return s.record(ctx, tx, a, actor, "auth.totp_enabled", c)
	})
}

// DisableTOTP turns two-factor sign-in off; the password is asked again so a
// borrowed open session cannot weaken the account.
func (a *App) DisableTOTP(ctx context.Context, actor ally.Actor, password string) error {
	if actor.Kind != ally.ActorStaff {
		return ally.Errorf(ally.ECodeForbidden, "two-factor sign-in is for staff users")
	}
	s, err := a.reauthenticate(ctx, actor, password)
	if err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := findSubject(ctx, tx, s.kind, s.id())
		if err != nil {
			return err
		}
		return a.turnOffTOTP(ctx, tx, actor, s, "auth.totp_disabled")
	})
}

// ResetTOTP turns a staff user's two-step sign-in off for them: one who
// lost the authenticator app, or whose stored key ALLY_SECRET_KEY no
// longer opens. They sign in with the password alone until they set it up
// again. Admins, and the CLI for when no admin can sign in.
func (a *App) ResetTOTP(ctx context.Context, actor ally.Actor, userID string) error {
	if err := requireAdmin(actor, "may turn off two-step sign-in for others"); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := a.staffTarget(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		return a.turnOffTOTP(ctx, tx, actor, s, "auth.totp_reset")
	})
}

// turnOffTOTP clears s's two-factor secret and records action, unless
// there is nothing to clear.
func (a *App) turnOffTOTP(ctx context.Context, tx ally.Tx, actor ally.Actor, s *subject, action string) error {
	if !s.user.TOTPEnabled && s.user.TOTPSecret == "" {
		return nil
	}
	before := s.user.TOTPEnabled
	s.user.TOTPEnabled, s.user.TOTPSecret = false, ""
	if err := s.save(ctx, tx, a); err != nil {
		return err
	}
	c := changes{}
	c.add("totpEnabled", before, false)
	return s.record(ctx, tx, a, actor, action, c)
}
