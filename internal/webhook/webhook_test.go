package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/allyprm/ally/internal/webhook"
)

// The spec's published example: secret, id, timestamp, body and signature.
const (
	specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTS     = 1614265330
	specBody   = `{"test": 2432232314}`
	specSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func mustHeaders(tb testing.TB, secret, id string, ts time.Time, body []byte) http.Header {
	tb.Helper()
	h, err := webhook.Headers(secret, id, ts, body)
	if err != nil {
		tb.Fatalf("Headers: %v", err)
	}
	return h
}

func TestSignSpecVector(t *testing.T) {
	t.Parallel()
	got, err := webhook.Sign(specSecret, specID, time.Unix(specTS, 0), []byte(specBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != specSig {
		t.Fatalf("Sign = %q, want spec example %q", got, specSig)
	}
}

func TestSignMatchesReferenceLibrary(t *testing.T) {
	t.Parallel()
	secrets := []string{specSecret, webhook.NewSecret(), webhook.NewSecret()}
	bodies := []string{"", specBody, `{"type":"lead.delivered","data":{"name":"Jürgen €"}}`}
	for _, secret := range secrets {
		ref, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		for _, body := range bodies {
			ts := time.Unix(specTS, 0)
			want, err := ref.Sign(specID, ts, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := webhook.Sign(secret, specID, ts, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("secret %s body %q: Sign = %q, library = %q", secret, body, got, want)
			}
		}
	}
}

func TestHeadersVerifyWithReferenceLibrary(t *testing.T) {
	t.Parallel()
	secret := webhook.NewSecret()
	body := []byte(`{"type":"partner.updated"}`)
	h := mustHeaders(t, secret, "msg_1", time.Now(), body)
	ref, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Verify(body, h); err != nil {
		t.Fatalf("library Verify of our headers: %v", err)
	}
	if err := webhook.Verify(secret, h, body, 0); err != nil {
		t.Fatalf("our Verify of our headers: %v", err)
	}
}

func TestVerifyAcceptsLibrarySignatureAmongSeveral(t *testing.T) {
	t.Parallel()
	secret, old := webhook.NewSecret(), webhook.NewSecret()
	body := []byte(`{"a":1}`)
	ts := time.Now()
	ref, _ := standardwebhooks.NewWebhook(secret)
	sig, _ := ref.Sign("msg_2", ts, body)
	oldSig, _ := webhook.Sign(old, "msg_2", ts, body)
	h := http.Header{}
	h.Set("Webhook-Id", "msg_2")
	h.Set("Webhook-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	// A rotating sender lists the old key's signature and unknown schemes too.
	h.Set("Webhook-Signature", strings.Join([]string{oldSig, "v1a,bm90IG91cnM=", sig}, " "))
	if err := webhook.Verify(secret, h, body, time.Minute); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	secret := webhook.NewSecret()
	body := []byte(`{"lead":42}`)
	now := time.Now()
	tests := []struct {
		name   string
		secret string
		h      http.Header
		body   []byte
		want   error
	}{
		{"tampered body", secret, mustHeaders(t, secret, "m", now, body), []byte(`{"lead":43}`), webhook.ErrNoMatchingSignature},
		{"wrong secret", webhook.NewSecret(), mustHeaders(t, secret, "m", now, body), body, webhook.ErrNoMatchingSignature},
		{"old timestamp", secret, mustHeaders(t, secret, "m", now.Add(-10*time.Minute), body), body, webhook.ErrTimestampOutOfRange},
		{"future timestamp", secret, mustHeaders(t, secret, "m", now.Add(10*time.Minute), body), body, webhook.ErrTimestampOutOfRange},
		{"other id", secret, withHeader(mustHeaders(t, secret, "m", now, body), webhook.HeaderID, "n"), body, webhook.ErrNoMatchingSignature},
		{"missing signature", secret, withHeader(mustHeaders(t, secret, "m", now, body), webhook.HeaderSignature, ""), body, webhook.ErrMissingHeaders},
		{"bad timestamp", secret, withHeader(mustHeaders(t, secret, "m", now, body), webhook.HeaderTimestamp, "soon"), body, webhook.ErrInvalidTimestamp},
		{"secret without prefix", strings.TrimPrefix(secret, "whsec_"), mustHeaders(t, secret, "m", now, body), body, webhook.ErrInvalidSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := webhook.Verify(tt.secret, tt.h, tt.body, 5*time.Minute); !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	// The reference library agrees on the ones it can express.
	ref, _ := standardwebhooks.NewWebhook(secret)
	if err := ref.Verify([]byte(`{"lead":43}`), mustHeaders(t, secret, "m", now, body)); err == nil {
		t.Error("library accepted a tampered body")
	}
	if err := ref.Verify(body, mustHeaders(t, secret, "m", now.Add(-10*time.Minute), body)); err == nil {
		t.Error("library accepted an old timestamp")
	}
}

func withHeader(h http.Header, k, v string) http.Header {
	h.Set(k, v)
	return h
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, b := webhook.NewSecret(), webhook.NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") {
		t.Fatalf("NewSecret = %q, %q", a, b)
	}
	if _, err := standardwebhooks.NewWebhook(a); err != nil {
		t.Fatalf("library rejects our secret: %v", err)
	}
	if _, err := webhook.Sign("whsec_!!", "m", time.Now(), nil); !errors.Is(err, webhook.ErrInvalidSecret) {
		t.Fatalf("Sign with bad secret = %v", err)
	}
}
