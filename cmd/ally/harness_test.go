package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/allytest"
)

// These tests boot the real program: TestMain builds the ally binary once,
// and each test runs it as a separate process, as an operator would.

// binPath is the binary TestMain built. Tests in this package only read it.
func binPath() string { return os.Getenv("ALLY_E2E_BINARY") }

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "ally-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin, err := allytest.Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("ALLY_E2E_BINARY", bin)
	return m.Run()
}

// backend is one database a test runs the binary on.
type backend struct{ allytest.Backend }

// sqliteBackend is a fresh SQLite database in a temporary directory.
func sqliteBackend(t *testing.T) backend { return backend{allytest.SQLite(t)} }

// postgresBackend is a fresh schema in the PostgreSQL database named by
// ALLY_TEST_POSTGRES_URL (see allytest.Postgres).
func postgresBackend(t *testing.T) backend { return backend{allytest.Postgres(t)} }

// onEachBackend runs fn as a parallel subtest on SQLite and on PostgreSQL
// (which skips when ALLY_TEST_POSTGRES_URL is unset).
func onEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for name, newBackend := range map[string]func(*testing.T) backend{"sqlite": sqliteBackend, "postgres": postgresBackend} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, newBackend(t))
		})
	}
}

// run runs the binary to completion and returns its stdout and stderr.
func (b backend) run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return b.Run(t, binPath(), args...)
}

// mustRun runs the binary and fails the test unless it exits 0.
func (b backend) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	return b.MustRun(t, binPath(), args...)
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// setupAdmin creates a staff admin and an API key with every scope, and
// returns the user's id and the key.
func (b backend) setupAdmin(t *testing.T) (userID, key string) {
	t.Helper()
	out := b.mustRun(t, "user", "create", "--email", "owner@acme.example", "--password", "correct horse battery", "--role", "admin", "--name", "Olive Owner")
	m := regexp.MustCompile(`\((user_[0-9A-Z]{26})\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("user create printed no id: %q", out)
	}
	key = lastLine(b.mustRun(t, "apikey", "create", "--name", "e2e"))
	if !strings.HasPrefix(key, "ally_") {
		t.Fatalf("apikey create's last line is not a key: %q", key)
	}
	return m[1], key
}

// serve starts "ally serve" on a free port and waits until /readyz answers 200.
func (b backend) serve(t *testing.T, extraEnv ...string) *allytest.Process {
	t.Helper()
	return b.Serve(t, binPath(), append([]string{"ALLY_SHUTDOWN_TIMEOUT=10s"}, extraEnv...)...)
}

// response is a decoded API answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// data returns the response's "data" object.
func (r response) data(t *testing.T) map[string]any {
	t.Helper()
	d, ok := r.body["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %d %s", r.status, r.raw)
	}
	return d
}

// call makes an API request with the key and a JSON body (nil for none).
func call(t *testing.T, method, url, key string, body any, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: bad JSON %q: %v", method, url, raw, err)
		}
	}
	return r
}

// mustCall is call that fails the test unless the status is want.
func mustCall(t *testing.T, want int, method, url, key string, body any, header ...string) response {
	t.Helper()
	r := call(t, method, url, key, body, header...)
	if r.status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, url, r.status, want, r.raw)
	}
	return r
}
