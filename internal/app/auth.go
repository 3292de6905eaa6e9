package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// ClientMeta is what a front door knows about an anonymous caller. It goes
// into audit events, and the IP keys the per-address lock-out.
type ClientMeta struct {
	IP        string
	UserAgent string
}

// SignIn is the outcome of a successful sign-in step.
type SignIn struct {
	Token   string // the session cookie's value; only its hash is stored
	Session *ally.Session
	// NeedTOTP means the password was right and the session waits for a
	// code: pass Token to VerifyTOTP. The session authenticates nothing yet.
	NeedTOTP bool
	// MustChangePassword means a partner user signed in with a temporary
	// password; the portal should send them to change it first.
	MustChangePassword bool
}

// AuthPolicy holds the session timeouts, lock-out limits and link lifetimes.
// Zero fields take the defaults of DefaultAuthPolicy.
type AuthPolicy struct {
	StaffIdle   time.Duration // a staff session unused this long ends
	PartnerIdle time.Duration // a partner user's session unused this long ends
	Absolute    time.Duration // any session ends this long after sign-in
	TOTPPending time.Duration // time allowed between the password and the code
	TouchEvery  time.Duration // LastSeenAt is written at most this often

	FailureWindow   time.Duration // failures older than this are forgotten
	AccountFailures int           // failed sign-ins per account within the window before lock-out
	IPFailures      int           // failed sign-ins per client IP within the window before lock-out
	MailsPerAddress int           // reset and sign-up e-mails to one address within the window
	MailRequestsIP  int           // reset and sign-up requests per client IP within the window

	ResetTTL       time.Duration
	InviteTTL      time.Duration
	SignupTTL      time.Duration
	EmailChangeTTL time.Duration
}

// DefaultAuthPolicy returns the defaults: 12 h idle for staff and partner
// users, 7 days absolute, 10 min for the TOTP step, touch once a minute;
// lock-out after 5 failures per account or 30 per IP within 15 min; 3 mails
// per address and 20 mail requests per IP within 15 min; reset links 1 h,
// invites 7 days, sign-up and e-mail change links 24 h.
func DefaultAuthPolicy() AuthPolicy {
	return AuthPolicy{
		StaffIdle: 12 * time.Hour, PartnerIdle: 12 * time.Hour, Absolute: 7 * 24 * time.Hour,
		TOTPPending: 10 * time.Minute, TouchEvery: time.Minute,
		FailureWindow: 15 * time.Minute, AccountFailures: 5, IPFailures: 30,
		MailsPerAddress: 3, MailRequestsIP: 20,
		ResetTTL: time.Hour, InviteTTL: 7 * 24 * time.Hour, SignupTTL: 24 * time.Hour, EmailChangeTTL: 24 * time.Hour,
	}
}

// withDefaults fills the zero fields of p from DefaultAuthPolicy.
func (p AuthPolicy) withDefaults() AuthPolicy {
	d := DefaultAuthPolicy()
	for _, f := range []struct{ v, def *time.Duration }{
		{&p.StaffIdle, &d.StaffIdle}, {&p.PartnerIdle, &d.PartnerIdle}, {&p.Absolute, &d.Absolute},
		{&p.TOTPPending, &d.TOTPPending}, {&p.TouchEvery, &d.TouchEvery}, {&p.FailureWindow, &d.FailureWindow},
		{&p.ResetTTL, &d.ResetTTL}, {&p.InviteTTL, &d.InviteTTL}, {&p.SignupTTL, &d.SignupTTL},
		{&p.EmailChangeTTL, &d.EmailChangeTTL},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	for _, f := range []struct{ v, def *int }{
		{&p.AccountFailures, &d.AccountFailures}, {&p.IPFailures, &d.IPFailures},
		{&p.MailsPerAddress, &d.MailsPerAddress}, {&p.MailRequestsIP, &d.MailRequestsIP},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return p
}

// idle returns the idle timeout for a kind of session.
func (p AuthPolicy) idle(kind ally.ActorKind) time.Duration {
	if kind == ally.ActorStaff {
		return p.StaffIdle
	}
	return p.PartnerIdle
}

// authState is the App's configuration for sign-in and e-mailed links.
type authState struct {
	baseURL atomic.Pointer[string]
	mail    *mail.Templates
	policy  AuthPolicy

	dummyOnce sync.Once
	dummyHash string
}

// WithBaseURL sets the public URL that e-mailed links start with
// (ALLY_BASE_URL). Links never come from a request's Host header, which an
// attacker controls.
func WithBaseURL(u string) Option {
	return func(a *App) { a.SetBaseURL(u) }
}

// SetBaseURL changes the public URL, for a server that learns its port only
// when it listens (ALLY_ADDR with port 0 and no ALLY_BASE_URL).
func (a *App) SetBaseURL(u string) {
	u = strings.TrimRight(u, "/")
	a.auth.baseURL.Store(&u)
}

// baseURL returns the public URL, "" when none was set.
func (a *App) baseURL() string {
	if u := a.auth.baseURL.Load(); u != nil {
		return *u
	}
	return ""
}

// WithMail sets the e-mail templates for invites, resets and sign-ups;
// without it New uses mail.NewTemplates().
func WithMail(t *mail.Templates) Option { return func(a *App) { a.auth.mail = t } }

// WithAuthPolicy sets timeouts and limits; zero fields keep their defaults.
func WithAuthPolicy(p AuthPolicy) Option { return func(a *App) { a.auth.policy = p } }

// policy returns the configured policy with defaults filled in.
func (a *App) policy() AuthPolicy { return a.auth.policy.withDefaults() }

// mailReady refuses a use case that sends links before it touches anything,
// so a missing setting shows the same way for known and unknown addresses.
func (a *App) mailReady() error {
	if a.baseURL() == "" {
		a.log.Error("e-mailed links need ALLY_BASE_URL")
		return ally.Errorf(ally.ECodeInternal, "e-mail is not configured")
	}
	return nil
}

// link returns the absolute URL of an e-mailed link: /admin/... for staff,
// /partner/... for partner users.
func (a *App) link(kind ally.ActorKind, what, token string) string {
	side := "partner"
	if kind == ally.ActorStaff {
		side = "admin"
	}
	return a.baseURL() + "/" + side + "/" + what + "/" + token
}

// enqueueMail composes an e-mail and queues it in tx, so it is sent only if
// the change that caused it commits.
func (a *App) enqueueMail(ctx context.Context, tx ally.Tx, kind string, data any, to string) error {
	set, err := tx.FindSettings(ctx)
	if err != nil {
		return err
	}
	m, err := a.auth.mail.Compose(kind, data, set.Branding, to)
	if err != nil {
		return err
	}
	j, err := mail.NewJob(m)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// newToken returns a fresh secret for a cookie or a link and the hash to store.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashKey(token)
}

// hashToken returns the stored form of a presented token. Overlong input is
// hashed too (it simply matches nothing), so length reveals nothing.
func hashToken(token string) string { return hashKey(token) }

// errLink answers every unusable e-mailed link alike: unknown, used, expired
// or no longer fitting its subject.
func errLink() error {
	return ally.Errorf(ally.ECodeNotFound, "this link is not valid any more; ask for a new one")
}

// clean makes caller-supplied text safe to store in an audit event: valid
// UTF-8 without NUL (the store refuses others), and not unboundedly long.
func clean(s string, max int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

// anonymous is the actor of a sign-in or link request before we know who it
// is: the kind of door and the e-mail typed, with the client's address.
func anonymous(kind ally.ActorKind, email string, meta ClientMeta) ally.Actor {
	return ally.Actor{Kind: kind, Label: clean(email, 254), IP: clean(meta.IP, 64), UserAgent: clean(meta.UserAgent, 500)}
}

// humanDuration writes a link lifetime for an e-mail: "1 hour", "7 days".
func humanDuration(d time.Duration) string {
	unit, n := "minute", int(d/time.Minute)
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		unit, n = "day", int(d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		unit, n = "hour", int(d/time.Hour)
	}
	return plural(n, unit)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// invalid is an ECodeInvalid error about one field.
func invalid(field, message string) error {
	var v ally.Validator
	v.Add(field, "%s", message)
	return v.Err()
}
