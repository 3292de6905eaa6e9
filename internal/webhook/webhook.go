// Package webhook signs and verifies outgoing webhooks the way the Standard
// Webhooks spec (https://www.standardwebhooks.com) describes, so that partners
// can check our deliveries with any Standard Webhooks library.
//
// A message is signed as HMAC-SHA256 over "{id}.{unix timestamp}.{body}" with
// the decoded secret, and sent with three headers: webhook-id,
// webhook-timestamp and webhook-signature ("v1,<base64 signature>").
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names defined by the spec. Receivers read them case-insensitively.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix marks a Standard Webhooks signing secret; what follows is base64.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a timestamp may be from now for Verify when the
// caller passes no tolerance; it is the value the spec's libraries use.
const DefaultTolerance = 5 * time.Minute

// secretBytes is the size of a new key: the spec asks for 24 to 64 bytes.
const secretBytes = 32

// Errors Verify returns, so receivers can tell a forgery from a stale replay.
var (
	ErrInvalidSecret       = errors.New("webhook: invalid signing secret")
	ErrMissingHeaders      = errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature")
	ErrInvalidTimestamp    = errors.New("webhook: invalid webhook-timestamp")
	ErrTimestampOutOfRange = errors.New("webhook: timestamp outside tolerance")
	ErrNoMatchingSignature = errors.New("webhook: no matching signature")
)

// NewSecret returns a fresh signing secret ("whsec_" + base64 of 32 random
// bytes) to store with a subscription and show to the partner once.
func NewSecret() string {
	b := make([]byte, secretBytes)
	// crypto/rand.Read never fails on supported platforms (it panics instead).
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Sign returns the webhook-signature value ("v1,<base64>") for one message.
// The id must be the same for every retry of a message so receivers can
// de-duplicate; ts is sent with second precision.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", errors.New("webhook: empty message id")
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body)), nil
}

// Headers returns the three headers to add to a delivery request.
func Headers(secret, id string, ts time.Time, body []byte) (http.Header, error) {
	sig, err := Sign(secret, id, ts, body)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return h, nil
}

// Verify checks a received message: the timestamp must be within tolerance of
// now (either way, so neither old replays nor far-future stamps pass), and one
// of the space-separated v1 signatures must match. Several signatures appear
// while a sender rotates its secret. A tolerance <= 0 means DefaultTolerance.
func Verify(secret string, h http.Header, body []byte, tolerance time.Duration) error {
	key, err := decodeSecret(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrInvalidTimestamp, tsText)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if d := time.Since(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s off", ErrTimestampOutOfRange, d.Round(time.Second))
	}
	want := mac(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		version, enc, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue // other schemes (v1a, …) are not ours to judge
		}
		got, err := base64.StdEncoding.DecodeString(enc)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrNoMatchingSignature
}

func mac(key []byte, id string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return m.Sum(nil)
}

// decodeSecret insists on the whsec_ prefix so a secret copied without it, or
// some other credential, fails loudly instead of signing with the wrong key.
func decodeSecret(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: missing %q prefix", ErrInvalidSecret, SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("%w: not base64", ErrInvalidSecret)
	}
	return key, nil
}
