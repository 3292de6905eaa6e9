package app

import (
	"context"
	"strings"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// RequestSignup lets someone at a RESTRICTED_DOMAINS partner ask for portal
// access: when email's domain is the domain of such a partner (active or
// onboarding) and nobody has portal access with that address yet, it mails
// a link that proves the address (CompleteSignup). It answers nil either
// way, so it reveals neither partners nor users; only a malformed address
// (ECodeInvalid) or too many requests from one IP (ECodeRateLimited) differ.
func (a *App) RequestSignup(ctx context.Context, email string, meta ClientMeta) error {
	if err := a.mailReady(); err != nil {
		return err
	}
	email = ally.NormalizeEmail(email)
	if !ally.ValidEmail(email) {
		return invalid("email", "must be a valid e-mail address")
	}
	send, err := a.countMailRequest(ctx, "signup", email, meta)
	if err != nil || !send {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := tx.FindPartnerByDomain(ctx, emailDomain(email))
		if ally.IsNotFound(err) || (err == nil && !signupOpen(p, email)) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.FindPortalContactByEmail(ctx, email); !ally.IsNotFound(err) {
			return err // nil when the address already has (or had) access: nothing to send
		}
		token, hash := newToken()
		now := a.clock()
		t := &ally.Token{
			Hash: hash, Purpose: ally.TokenSignup, PartnerID: p.ID, Email: email,
			CreatedAt: now, ExpiresAt: now.Add(a.policy().SignupTTL),
		}
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		data := mail.SignupData{Link: a.link(ally.ActorPartner, "signup", token), PartnerName: p.Name}
		if err := a.enqueueMail(ctx, tx, mail.KindSignupVerify, data, email); err != nil {
			return err
		}
		return a.record(ctx, tx, anonymous(ally.ActorPartner, email, meta), "auth.signup_requested", "partner", p.ID, p.ID, nil)
	})
}

// CompleteSignup uses a sign-up link: the e-mail proved the address, so the
// person becomes a partner user with the name and password given, and is
// signed in. A contact the vendor already keeps at that address (without
// portal access) becomes the user instead of a duplicate.
func (a *App) CompleteSignup(ctx context.Context, token, name, password string, meta ClientMeta) (SignIn, error) {
	f := ally.ContactFields{Name: &name}
	f.Normalize()
	if err := f.Validate(false); err != nil {
		return SignIn{}, err
	}
	if err := ally.ValidatePassword("password", password); err != nil {
		return SignIn{}, err
	}
	hash := HashPassword(password)
	var in SignIn
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		t, err := tx.UseToken(ctx, hashToken(token), ally.TokenSignup, a.clock())
		if ally.IsNotFound(err) {
			return errLink()
		}
		if err != nil {
			return err
		}
		p, err := tx.FindPartnerByID(ctx, t.PartnerID)
		if ally.IsNotFound(err) || (err == nil && !signupOpen(p, t.Email)) {
			return errLink() // the partner changed its mind since the link was sent
		}
		if err != nil {
			return err
		}
		if _, err := tx.FindPortalContactByEmail(ctx, t.Email); !ally.IsNotFound(err) {
			if err != nil {
				return err
			}
			return ally.Errorf(ally.ECodeConflict, "this address already has portal access; sign in or reset the password")
		}
		c, created, err := a.signupContact(ctx, tx, p, t.Email, *f.Name, hash)
		if err != nil {
			return err
		}
		s := &subject{kind: ally.ActorPartner, contact: c, partner: p}
		if in, err = a.startSession(ctx, tx, s, false, meta); err != nil {
			return err
		}
		diff := changes{}
		diff.add("created", nil, created)
		diff.str("email", "", c.Email)
		diff.str("portal", "", string(ally.PortalActive))
		if err := s.record(ctx, tx, a, s.actor(meta), "contact.signed_up", diff); err != nil {
			return err
		}
		return a.completeSignIn(ctx, tx, s, meta, nil)
	})
	if err != nil {
		return SignIn{}, err
	}
	return in, nil
}

// signupContact makes the contact at p with email a partner user: an
// existing contact without access if there is one, else a new contact.
func (a *App) signupContact(ctx context.Context, tx ally.Tx, p *ally.Partner, email, name, hash string) (*ally.Contact, bool, error) {
	now := a.clock()
	cs, err := tx.FindContacts(ctx, ally.ContactFilter{Email: email, Limit: 200})
	if err != nil {
		return nil, false, err
	}
	for _, c := range cs {
		if c.PartnerID == p.ID && c.Portal == ally.PortalOff {
			c.Portal, c.PasswordHash, c.MustChangePassword, c.UpdatedAt = ally.PortalActive, hash, false, now
			return c, false, tx.UpdateContact(ctx, c)
		}
	}
	c := &ally.Contact{
		ID: ally.NewID(ally.PrefixContact), PartnerID: p.ID, Name: name, Email: email,
		Roles: []ally.ContactRole{}, Portal: ally.PortalActive, PasswordHash: hash,
		Notifications: map[string]bool{}, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	return c, true, tx.CreateContact(ctx, c)
}

// signupOpen reports whether p lets email sign itself up: RESTRICTED_DOMAINS,
// active or onboarding, and the address at exactly the partner's domain.
func signupOpen(p *ally.Partner, email string) bool {
	return p.PortalAccess == ally.AccessRestrictedDomains &&
		(p.Status == ally.StatusActive || p.Status == ally.StatusOnboarding) &&
		p.Domain != "" && strings.EqualFold(p.Domain, emailDomain(email))
}

// emailDomain returns the part after the last @.
func emailDomain(email string) string { return email[strings.LastIndex(email, "@")+1:] }
