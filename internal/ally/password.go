package ally

import "unicode/utf8"

// MaxPasswordBytes caps a password's length: argon2 hashes anything, but a
// megabyte "password" is an attack on the CPU, not a password.
const MaxPasswordBytes = 1024

// PasswordRule says what ValidPassword wants, in words a form can show.
const PasswordRule = "must be at least 12 characters"

// ValidPassword reports whether s may become a password: at least
// MinPasswordLen characters and at most MaxPasswordBytes bytes. Every door
// that sets a password (new user, change, reset, invite, sign-up) uses it.
func ValidPassword(s string) bool {
	return utf8.RuneCountInString(s) >= MinPasswordLen && len(s) <= MaxPasswordBytes
}

// ValidatePassword returns an ECodeInvalid *Error naming field when
// password breaks the rule, else nil.
func ValidatePassword(field, password string) error {
	var v Validator
	v.Check(ValidPassword(password), field, PasswordRule)
	return v.Err()
}
