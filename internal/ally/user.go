package ally

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a staff user of the vendor.
type User struct {
	ID           string
	Email        string // lowercase
	Name         string
	Role         Role
	PasswordHash string
	Disabled     bool
	// TOTPSecret is the base32 TOTP key; TOTPEnabled once a code confirmed it.
	TOTPSecret    string
	TOTPEnabled   bool
	Notifications map[string]bool
	LastSignInAt  time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
}

// UserFields are what an admin may change on a staff user; nil means not given.
type UserFields struct {
	Name     *string
	Role     *Role
	Disabled *bool
}

// Validate checks the given fields.
func (f *UserFields) Validate() error {
	var v Validator
	if f.Name != nil {
		*f.Name = strings.TrimSpace(*f.Name)
		v.Check(utf8.RuneCountInString(*f.Name) <= 200 && PlainText(*f.Name), "name", "must be at most 200 characters of text")
	}
	if f.Role != nil {
		v.Check(f.Role.Valid(), "role", "must be owner, admin, manager or viewer")
	}
	return v.Err()
}

// NewUser is what creating a staff user takes.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	Password string
}

// MinPasswordLen is the shortest password Ally accepts.
const MinPasswordLen = 12

// NormalizeEmail trims and lowercases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail accepts a bare address (no display name) of at most 254 characters.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// Validate checks a new user, normalizing the e-mail in place.
func (u *NewUser) Validate() error {
	var v Validator
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	v.Check(ValidEmail(u.Email), "email", "must be a valid e-mail address")
	v.Check(utf8.RuneCountInString(u.Name) <= 200 && PlainText(u.Name), "name", "must be at most 200 characters of text")
	v.Check(u.Role.Valid(), "role", "must be owner, admin, manager or viewer")
	v.Check(ValidPassword(u.Password), "password", PasswordRule)
	return v.Err()
}

// APIKey is an integration credential. The secret is shown once; only its hash is kept.
type APIKey struct {
	ID         string
	Name       string
	Prefix     string // the first characters of the key, shown in lists
	Hash       string // hex SHA-256 of the whole key
	Scopes     []Scope
	CreatedBy  string // user id, "" when made by the CLI
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while active
}

// Revoked reports whether the key may no longer be used.
func (k *APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// NewAPIKey is what creating an API key takes.
type NewAPIKey struct {
	Name   string
	Scopes []Scope // empty means every scope
}

// Validate checks a new key.
func (k *NewAPIKey) Validate() error {
	var v Validator
	k.Name = strings.TrimSpace(k.Name)
	n := utf8.RuneCountInString(k.Name)
	v.Check(n >= 1 && n <= 100 && PlainText(k.Name), "name", "must be 1 to 100 characters of text")
	for _, s := range k.Scopes {
		if !s.Valid() {
			v.Add("scopes", "unknown scope %q", truncate(string(s), 40))
			break
		}
	}
	return v.Err()
}
