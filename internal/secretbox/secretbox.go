// Package secretbox encrypts the secrets Ally keeps in its database
// (webhook signing secrets, the SMTP password) with a key derived from
// ALLY_SECRET_KEY, so a copy of the database alone does not give them away.
//
// A sealed value is text: "enc:v1:" and the base64 of a random 12-byte
// nonce, the AES-256-GCM ciphertext and its tag. The AES key is
// HKDF-SHA256 of ALLY_SECRET_KEY with a label naming this use and version,
// so other uses of ALLY_SECRET_KEY get other keys. Values without the
// prefix are plain: those stored before the key was set still read, and
// a Box without a key leaves every value as it is.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Prefix starts every sealed value; the version names the format, the
// cipher and the key derivation.
const Prefix = "enc:v1:"

// label is the HKDF info of v1: the key it derives serves nothing else.
const label = "ally secretbox v1: secrets at rest"

var (
	// ErrNoKey is opening a sealed value without a key.
	ErrNoKey = errors.New("secretbox: a stored secret is encrypted but ALLY_SECRET_KEY is not set; set the key it was encrypted with")
	// ErrWrongKey is a sealed value that does not open: another key
	// sealed it, or it was altered.
	ErrWrongKey = errors.New("secretbox: a stored secret does not decrypt with this ALLY_SECRET_KEY: it was encrypted with another key, or altered")
)

// Box seals and opens secrets. The zero Box, and a nil *Box, have no key:
// they store values plain.
type Box struct {
	aead cipher.AEAD // nil: no key
}

// New returns a Box over key (ALLY_SECRET_KEY); "" gives a Box without a
// key. The configuration checks the key's length.
func New(key string) (*Box, error) {
	if key == "" {
		return &Box{}, nil
	}
	k, err := hkdf.Key(sha256.New, []byte(key), nil, label, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Encrypts reports whether the Box has a key, so Seal encrypts.
func (b *Box) Encrypts() bool { return b != nil && b.aead != nil }

// Seal returns plain in its stored form: sealed when the Box has a key,
// else as it is. "" stays "" (no secret is not a secret).
func (b *Box) Seal(plain string) string {
	if plain == "" || !b.Encrypts() {
		return plain
	}
	return Prefix + base64.RawStdEncoding.EncodeToString(b.aead.Seal(nil, nil, []byte(plain), nil))
}

// Open returns the secret of a stored value: a sealed value decrypted, a
// plain one as it is. A sealed value without a key is ErrNoKey; one that
// does not decrypt (another key, altered) is ErrWrongKey.
func (b *Box) Open(stored string) (string, error) {
	rest, sealed := strings.CutPrefix(stored, Prefix)
	if !sealed {
		return stored, nil
	}
	if !b.Encrypts() {
		return "", ErrNoKey
	}
	ct, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return "", ErrWrongKey
	}
	plain, err := b.aead.Open(nil, nil, ct, nil)
	if err != nil {
		return "", ErrWrongKey
	}
	return string(plain), nil
}
