package main_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM stops new connections, lets a request in flight finish (and
// commit), and ends the process with status 0.
func TestSIGTERMFinishesRequestsInFlight(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	_, key := b.setupAdmin(t)
	p := b.serve(t)
	u, _ := url.Parse(p.URL)

	// Send the headers and half the body, so the request is in flight when the signal comes.
	body := `{"name":"Slowpoke Systems","domain":"slowpoke.example","categories":["Reseller"]}`
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/partners HTTP/1.1\r\nHost: %s\r\nx-api-key: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		u.Host, key, len(body), body[:20])
	time.Sleep(300 * time.Millisecond)

	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(p.Logs.String(), "shutting down") })
	// The listener closes just after that line: new connections are soon refused.
	waitFor(t, 5*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})

	fmt.Fprint(conn, body[20:])
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("in-flight request: status %d", resp.StatusCode)
	}
	if code := p.Wait(); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0", code)
	}
	if !strings.Contains(p.Logs.String(), "HTTP server stopped") {
		t.Errorf("no clean stop in logs:\n%s", p.Logs)
	}

	// The request that finished during the drain was committed.
	p = b.serve(t)
	got := mustCall(t, 200, "GET", p.URL+"/api/v1/partners?limit=10", key, nil)
	if list, _ := got.body["data"].([]any); len(list) != 1 {
		t.Errorf("after restart: %s", got.raw)
	}
	if code := p.Stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM on an idle server", code)
	}
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
