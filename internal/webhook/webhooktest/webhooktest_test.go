package webhooktest_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/webhook"
	"github.com/allyprm/ally/internal/webhook/webhooktest"
)

// post sends body signed with secret as message id and returns the status
// (0 after an error, reported with t.Error so goroutines may post).
func post(t *testing.T, url, secret, id, body string) int {
	t.Helper()
	h, err := webhook.Headers(secret, id, time.Now(), []byte(body))
	if err != nil {
		t.Error(err)
		return 0
	}
	req, _ := http.NewRequest("POST", url, bytes.NewReader([]byte(body)))
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestReceiverVerifiesAndRecords: the reference library checks what Ally's
// signer made (a request before the secret or under another secret fails), requests
// are kept in order and by id, and the answer sees each one's number.
func TestReceiverVerifiesAndRecords(t *testing.T) {
	t.Parallel()
	secret := webhook.NewSecret()
	rc := webhooktest.New(t, func(n int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500 + n) })
	if got := post(t, rc.URL, secret, "msg_1", `{"a":1}`); got != 500 {
		t.Fatalf("first answer %d", got)
	}
	rc.SetSecret(t, secret)
	post(t, rc.URL, webhook.NewSecret(), "msg_1", `{"a":1}`)
	if got := post(t, rc.URL, secret, "msg_2", `{"a":2}`); got != 502 {
		t.Fatalf("third answer %d", got)
	}
	select {
	case <-rc.Arrived():
	default:
		t.Fatal("no arrival tick")
	}

	reqs := rc.Requests()
	if len(reqs) != 3 || reqs[0].Verified == nil || reqs[1].Verified == nil || reqs[2].Verified != nil ||
		string(reqs[2].Body) != `{"a":2}` || reqs[2].Header.Get(webhook.HeaderID) != "msg_2" || reqs[2].At.IsZero() {
		t.Fatalf("requests %v", reqs)
	}
	if byID := rc.ByID(); len(byID) != 2 || len(byID["msg_1"]) != 2 || len(byID["msg_2"]) != 1 {
		t.Fatalf("by id %v", byID)
	}
}

// TestReceiverDelay: with a delay a request is in flight until answered;
// a nil answer is 200.
func TestReceiverDelay(t *testing.T) {
	t.Parallel()
	secret := webhook.NewSecret()
	rc := webhooktest.New(t, nil, webhooktest.Delay(300*time.Millisecond))
	rc.SetSecret(t, secret)
	done := make(chan int)
	go func() { done <- post(t, rc.URL, secret, "msg_1", `{}`) }()
	<-rc.Arrived()
	if n := rc.InFlight(); n != 1 {
		t.Fatalf("in flight %d, want 1", n)
	}
	if got := <-done; got != 200 || rc.InFlight() != 0 {
		t.Fatalf("answer %d, in flight %d", got, rc.InFlight())
	}
}
