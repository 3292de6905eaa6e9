// Package webhooktest is a partner's webhook endpoint for tests: a real
// HTTP server that records every request and checks its signature with the
// Standard Webhooks reference library, not with Ally's own signer in
// internal/webhook, so a signing bug cannot hide behind a verifier that
// shares it. Only tests import it.
package webhooktest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Request is one request as the receiver got it.
type Request struct {
	WebhookID string // its webhook-id header
	Header    http.Header
	Body      []byte
	Verified  error // the reference library's verdict: nil when the signature checks out
	At        time.Time
}

// String shows a request in a failure message (Body as text).
func (r Request) String() string {
	return fmt.Sprintf("{webhook-id %s, verified: %v, at %s, body: %s}", r.WebhookID, r.Verified, r.At.Format(time.RFC3339Nano), r.Body)
}

// errNoSecret is the verdict on a request that came before SetSecret.
var errNoSecret = errors.New("webhooktest: no secret set yet")

// Receiver is the endpoint, on 127.0.0.1; its URL is the embedded server's.
type Receiver struct {
	*httptest.Server
	tb        testing.TB
	delay     time.Duration
	mayCutOff bool
	arrived   chan struct{}
	inflight  atomic.Int32
	mu        sync.Mutex
	hook      *standardwebhooks.Webhook
	answer    func(n int, w http.ResponseWriter, r *http.Request)
	requests  []Request
}

// Option configures New.
type Option func(*Receiver)

// Delay holds every request for d before answering, so requests are in
// flight for a while.
func Delay(d time.Duration) Option { return func(rc *Receiver) { rc.delay = d } }

// SenderMayDie is for tests that kill the sender: a request whose body
// breaks off is left out instead of failing the test.
func SenderMayDie() Option { return func(rc *Receiver) { rc.mayCutOff = true } }

// New starts a receiver that stops when the test ends. answer replies to
// the n-th request (from 0); nil answers 200 OK.
func New(tb testing.TB, answer func(n int, w http.ResponseWriter, r *http.Request), opts ...Option) *Receiver {
	tb.Helper()
	rc := &Receiver{tb: tb, answer: answer, arrived: make(chan struct{}, 1)}
	for _, o := range opts {
		o(rc)
	}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	tb.Cleanup(rc.Close)
	return rc
}

// SetSecret sets the whsec_ secret to verify with, known once the
// endpoint's URL is saved in Ally.
func (rc *Receiver) SetSecret(tb testing.TB, secret string) {
	tb.Helper()
	hook, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		tb.Fatalf("webhooktest: secret %q: %v", secret, err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.hook = hook
}

// SetAnswer replaces how the receiver answers from now on.
func (rc *Receiver) SetAnswer(answer func(n int, w http.ResponseWriter, r *http.Request)) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.answer = answer
}

// Requests returns what arrived so far, in order.
func (rc *Receiver) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Request(nil), rc.requests...)
}

// ByID returns what arrived so far by webhook-id, each id's in order: a
// sender's retries of one message share its id.
func (rc *Receiver) ByID() map[string][]Request {
	byID := map[string][]Request{}
	for _, r := range rc.Requests() {
		byID[r.WebhookID] = append(byID[r.WebhookID], r)
	}
	return byID
}

// Arrived ticks after a request is recorded; ticks never block the
// receiver, so one tick may stand for several requests.
func (rc *Receiver) Arrived() <-chan struct{} { return rc.arrived }

// InFlight is how many requests were recorded and not yet answered.
func (rc *Receiver) InFlight() int { return int(rc.inflight.Load()) }

func (rc *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if !rc.mayCutOff {
			rc.tb.Errorf("webhooktest: reading a request: %v", err)
		}
		return
	}
	rc.inflight.Add(1)
	defer rc.inflight.Add(-1)
	got := Request{WebhookID: r.Header.Get("webhook-id"), Header: r.Header.Clone(), Body: body, Verified: errNoSecret, At: time.Now()}
	rc.mu.Lock()
	if rc.hook != nil {
		got.Verified = rc.hook.Verify(body, r.Header)
	}
	n := len(rc.requests)
	rc.requests = append(rc.requests, got)
	answer := rc.answer
	rc.mu.Unlock()
	select {
	case rc.arrived <- struct{}{}:
	default:
	}
	time.Sleep(rc.delay)
	if answer == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	answer(n, w, r)
}
