package main_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
	bin := filepath.Join(dir, "ally")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race") // a data race in the real process fails the test too
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building ally:", err)
		return 1
	}
	os.Setenv("ALLY_E2E_BINARY", bin)
	return m.Run()
}

// backend is one database a test runs the binary on.
type backend struct {
	name    string
	dataDir string
	dbURL   string // "" for SQLite in dataDir
}

// sqliteBackend is a fresh SQLite database in a temporary directory.
func sqliteBackend(t *testing.T) backend {
	return backend{name: "sqlite", dataDir: t.TempDir()}
}

// postgresBackend is a fresh schema in the PostgreSQL database named by
// ALLY_TEST_POSTGRES_URL, dropped after the test. Without the variable the
// test is skipped, or fails when ALLY_REQUIRE_POSTGRES=1 (as in CI).
func postgresBackend(t *testing.T) backend {
	t.Helper()
	base := os.Getenv("ALLY_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("ALLY_REQUIRE_POSTGRES") == "1" {
			t.Fatal("ALLY_REQUIRE_POSTGRES=1 but ALLY_TEST_POSTGRES_URL is not set")
		}
		t.Skip("ALLY_TEST_POSTGRES_URL is not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to ALLY_TEST_POSTGRES_URL: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "ally_e2e_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return backend{name: "postgres", dataDir: t.TempDir(), dbURL: u.String()}
}

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

// env returns the process environment for the backend, plus extra KEY=VALUE pairs.
func (b backend) env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ALLY_") || strings.HasPrefix(kv, "ALLY_TEST_") {
			env = append(env, kv)
		}
	}
	env = append(env, "ALLY_DATA_DIR="+b.dataDir, "ALLY_DATABASE_URL="+b.dbURL)
	return append(env, extra...)
}

// run runs the binary to completion and returns its stdout and stderr.
func (b backend) run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath(), args...)
	cmd.Env = b.env()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// mustRun runs the binary and fails the test unless it exits 0.
func (b backend) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := b.run(t, args...)
	if err != nil {
		t.Fatalf("ally %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
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

// proc is a running "ally serve".
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	logs   *syncBuffer
	exited chan struct{}
	err    error // the exit, once exited is closed
}

// serve starts "ally serve" on a free port and waits until /readyz answers 200.
func (b backend) serve(t *testing.T, extraEnv ...string) *proc {
	t.Helper()
	cmd := exec.Command(binPath(), "serve")
	cmd.Env = b.env(append([]string{"ALLY_ADDR=127.0.0.1:0", "ALLY_SHUTDOWN_TIMEOUT=10s"}, extraEnv...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, logs: &syncBuffer{}, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	listening := regexp.MustCompile(`listening on (http://[^\s"]+)`)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.logs.WriteLine(sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill()
		if strings.Contains(p.logs.String(), "WARNING: DATA RACE") {
			t.Error("the race detector found a data race in ally serve")
		}
		if t.Failed() {
			t.Logf("ally serve logs:\n%s", p.logs)
		}
	})
	select {
	case p.url = <-found:
	case <-p.exited:
		t.Fatalf("ally serve exited at start: %v\n%s", p.err, p.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("ally serve did not say where it listens:\n%s", p.logs)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz not 200 in time: %v\n%s", err, p.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (p *proc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM and returns the exit status once the process has ended.
func (p *proc) stop() (exitCode int) {
	p.t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	return p.wait()
}

func (p *proc) wait() int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("ally serve did not exit:\n%s", p.logs)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		p.t.Fatalf("waiting for ally serve: %v", p.err)
	}
	return 0
}

// syncBuffer collects log lines from a goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) WriteLine(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.WriteString(line + "\n")
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
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
