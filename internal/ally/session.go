package ally

import "time"

// Session is a signed-in browser. The cookie holds a random token; only its
// SHA-256 is stored, so a database leak yields no usable sessions.
type Session struct {
	ID          string
	TokenHash   string
	Kind        ActorKind // ActorStaff or ActorPartner
	SubjectID   string    // user id or contact id
	PartnerID   string    // partner users only
	TOTPPending bool      // the password was right; the TOTP code is still due
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time // the absolute limit
	IP          string
	UserAgent   string
}

// TokenPurpose says what a single-use e-mailed token is for.
type TokenPurpose string

// Token purposes.
const (
	TokenInvite      TokenPurpose = "invite"       // a contact sets a first password
	TokenReset       TokenPurpose = "reset"        // staff or partner user resets a password
	TokenSignup      TokenPurpose = "signup"       // RESTRICTED_DOMAINS self sign-up proves the address
	TokenEmailChange TokenPurpose = "email_change" // proves a new address before it replaces the old
)

// Token is a single-use secret sent by e-mail. Only its hash is stored.
type Token struct {
	Hash        string
	Purpose     TokenPurpose
	SubjectKind ActorKind // ActorStaff or ActorPartner; empty for a sign-up not yet a contact
	SubjectID   string
	PartnerID   string
	Email       string // the address the link went to
	Data        string // purpose-specific, e.g. the invite's personal message or the new e-mail
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time // zero while unused
}

// Grant lets a staff user see (viewer) or see and edit (manager) a partner
// they neither own nor manage.
type Grant struct {
	UserID    string
	PartnerID string
	CreatedAt time.Time
}
