package secretbox_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/secretbox"
)

const (
	key      = "0123456789abcdef0123456789abcdef"
	otherKey = "fedcba9876543210fedcba9876543210"
	secret   = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)

func mustBox(t *testing.T, key string) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flip changes one byte of a sealed value: i from the start of its
// decoded bytes (nonce, ciphertext, tag), or from the end when negative.
func flip(t *testing.T, sealed string, i int) string {
	t.Helper()
	ct, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, secretbox.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	if i < 0 {
		i += len(ct)
	}
	ct[i] ^= 1
	return secretbox.Prefix + base64.RawStdEncoding.EncodeToString(ct)
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	box, other, none := mustBox(t, key), mustBox(t, otherKey), mustBox(t, "")
	var nilBox *secretbox.Box
	sealed := box.Seal(secret)
	tests := []struct {
		name   string
		box    *secretbox.Box
		stored string
		want   string
		err    error
	}{
		{"round trip", box, sealed, secret, nil},
		{"unicode round trip", box, box.Seal("pässwörd ✓"), "pässwörd ✓", nil},
		{"plain value passes through", box, secret, secret, nil},
		{"plain value without a key", none, secret, secret, nil},
		{"plain value, nil box", nilBox, secret, secret, nil},
		{"empty value", box, "", "", nil},
		{"empty value without a key", none, "", "", nil},
		{"wrong key", other, sealed, "", secretbox.ErrWrongKey},
		{"sealed value without a key", none, sealed, "", secretbox.ErrNoKey},
		{"sealed value, nil box", nilBox, sealed, "", secretbox.ErrNoKey},
		{"tampered nonce", box, flip(t, sealed, 0), "", secretbox.ErrWrongKey},
		{"tampered ciphertext", box, flip(t, sealed, 14), "", secretbox.ErrWrongKey},
		{"tampered tag", box, flip(t, sealed, -1), "", secretbox.ErrWrongKey},
		{"truncated", box, sealed[:len(sealed)-4], "", secretbox.ErrWrongKey},
		{"too short for a nonce", box, secretbox.Prefix + "AAAA", "", secretbox.ErrWrongKey},
		{"not base64", box, secretbox.Prefix + "***", "", secretbox.ErrWrongKey},
		{"prefix only", box, secretbox.Prefix, "", secretbox.ErrWrongKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.box.Open(tc.stored)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("Open(%q) = %q, %v; want %q, %v", tc.stored, got, err, tc.want, tc.err)
			}
			if err != nil && !strings.Contains(err.Error(), "ALLY_SECRET_KEY") {
				t.Errorf("error %q does not name ALLY_SECRET_KEY", err)
			}
		})
	}
}

func TestSealForm(t *testing.T) {
	t.Parallel()
	box := mustBox(t, key)
	a, b := box.Seal(secret), box.Seal(secret)
	if !strings.HasPrefix(a, secretbox.Prefix) || strings.Contains(a, secret) || strings.Contains(a, secret[6:]) {
		t.Fatalf("sealed value %q is not the encrypted form", a)
	}
	if a == b {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if got := box.Seal(""); got != "" {
		t.Errorf("Seal(\"\") = %q, want empty", got)
	}
	if got := mustBox(t, "").Seal(secret); got != secret {
		t.Errorf("without a key Seal = %q, want the value as it is", got)
	}
	var nilBox *secretbox.Box
	if nilBox.Seal(secret) != secret || nilBox.Encrypts() || mustBox(t, "").Encrypts() || !box.Encrypts() {
		t.Error("only a Box with a key encrypts")
	}
}

// The key is derived, not used as it is: two keys that share their first
// 32 bytes still differ.
func TestLongKeysDiffer(t *testing.T) {
	t.Parallel()
	a, b := mustBox(t, key+"-one"), mustBox(t, key+"-two")
	if _, err := b.Open(a.Seal(secret)); !errors.Is(err, secretbox.ErrWrongKey) {
		t.Fatalf("a key's seal opened with another key sharing its first 32 bytes: %v", err)
	}
}
