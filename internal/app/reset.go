package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// mailLimits are the counters of a request that mails a link to an address
// typed by an anonymous caller (reset, sign-up): per client IP, answered
// with ECodeRateLimited, and per address, which silently stops mailing so
// nobody can flood a mailbox or learn whether the address is known.
func (a *App) mailLimits(what, email string, meta ClientMeta) (ip, addr []limit) {
	p := a.policy()
	if meta.IP != "" {
		ip = []limit{{what + ":ip:" + meta.IP, p.MailRequestsIP}}
	}
	return ip, []limit{{what + ":addr:" + email, p.MailsPerAddress}}
}

// countMailRequest checks and counts a link request. It returns send=false
// when the address has had enough mail for now.
func (a *App) countMailRequest(ctx context.Context, what, email string, meta ClientMeta) (send bool, err error) {
	ip, addr := a.mailLimits(what, email, meta)
	if err := a.checkLimits(ctx, ip); err != nil {
		return false, err
	}
	err = a.checkLimits(ctx, addr)
	if ally.ErrorCode(err) == ally.ECodeRateLimited {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	err = a.store.Write(ctx, func(tx ally.Tx) error { return a.recordFailures(ctx, tx, append(ip, addr...)) })
	return err == nil, err
}

// RequestPasswordReset mails a reset link to a staff user (kind ActorStaff)
// or partner user (ActorPartner) who can sign in with email. It answers nil
// whether or not the address is known, so it reveals no accounts; only too
// many requests from one IP answer ECodeRateLimited. The token, the e-mail
// job and the audit event are written in one transaction.
func (a *App) RequestPasswordReset(ctx context.Context, kind ally.ActorKind, email string, meta ClientMeta) error {
	if kind != ally.ActorStaff && kind != ally.ActorPartner {
		return ally.Errorf(ally.ECodeBadRequest, "unknown kind of account")
	}
	if err := a.mailReady(); err != nil {
		return err
	}
	email = ally.NormalizeEmail(email)
	send, err := a.countMailRequest(ctx, "reset", email, meta)
	if err != nil || !send || !ally.ValidEmail(email) {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		s, err := findSubjectByEmail(ctx, tx, kind, email)
		if ally.IsNotFound(err) || (err == nil && !s.active()) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteTokensOf(ctx, ally.TokenReset, s.kind, s.id()); err != nil {
			return err
		}
		token, hash := newToken()
		now, ttl := a.clock(), a.policy().ResetTTL
		t := &ally.Token{
			Hash: hash, Purpose: ally.TokenReset, SubjectKind: s.kind, SubjectID: s.id(),
			PartnerID: s.partnerID(), Email: s.email(), CreatedAt: now, ExpiresAt: now.Add(ttl),
		}
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		data := mail.ResetData{Name: s.name(), Link: a.link(s.kind, "reset", token), ExpiresIn: humanDuration(ttl)}
		if err := a.enqueueMail(ctx, tx, mail.KindReset, data, s.email()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, anonymous(kind, email, meta), "auth.reset_requested", nil)
	})
}

// ResetPassword sets a new password through a reset link. The token works
// once and until it expires; every session of the account ends and its
// lock-out lifts (the mailbox proved who this is).
func (a *App) ResetPassword(ctx context.Context, kind ally.ActorKind, token, newPassword string, meta ClientMeta) error {
	if err := ally.ValidatePassword("password", newPassword); err != nil {
		return err
	}
	hash := HashPassword(newPassword)
	return a.store.Write(ctx, func(tx ally.Tx) error {
		t, err := tx.UseToken(ctx, hashToken(token), ally.TokenReset, a.clock())
		if ally.IsNotFound(err) {
			return errLink()
		}
		if err != nil {
			return err
		}
		if t.SubjectKind != kind {
			return errLink() // a staff link opened in the portal, or the reverse
		}
		s, err := findSubject(ctx, tx, t.SubjectKind, t.SubjectID)
		if ally.IsNotFound(err) || (err == nil && (!s.active() || s.email() != t.Email)) {
			return errLink()
		}
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
		return s.record(ctx, tx, a, s.actor(meta), "auth.password_reset", nil)
	})
}
