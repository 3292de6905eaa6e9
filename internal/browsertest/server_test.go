package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/allyprm/ally/internal/mail/mailtest"
)

// backend is one database the binary runs on.
type backend struct {
	name    string
	dataDir string
	dbURL   string // "" for SQLite in dataDir
}

func sqliteBackend(t *testing.T) backend {
	return backend{name: "sqlite", dataDir: t.TempDir()}
}

// postgresBackend is a fresh schema in the database ALLY_TEST_POSTGRES_URL
// names, dropped after the test. Without the variable the test is skipped,
// or fails when ALLY_REQUIRE_POSTGRES=1 (as in CI).
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
	schema := "ally_browser_" + hex.EncodeToString(b)
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

// env is the process environment for the backend plus extra KEY=VALUE pairs;
// the ALLY_ settings of the caller's environment are left out.
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

// run runs a one-off ally command to completion and returns its stdout.
func (b backend) run(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, allyBin, args...)
	cmd.Env = b.env()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("ally %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// server is a running "ally serve".
type server struct {
	url  string
	mail *mailtest.Server
	logs *logBuffer
}

// serve starts "ally serve" on a free port with e-mail going to a mailtest
// SMTP server, waits until /readyz answers 200, and kills it when the test
// ends (printing its log if the test failed).
func (b backend) serve(t *testing.T) *server {
	t.Helper()
	smtp := mailtest.NewServer(t)
	cmd := exec.Command(allyBin, "serve")
	cmd.Env = b.env("ALLY_ADDR=127.0.0.1:0", "ALLY_SHUTDOWN_TIMEOUT=5s",
		"ALLY_SMTP_HOST="+smtp.Host, "ALLY_SMTP_PORT="+strconv.Itoa(smtp.Port),
		"ALLY_SMTP_FROM=Ally Partners <partners@vendor.example>")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{mail: smtp, logs: &logBuffer{}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	found := make(chan string, 1)
	listening := regexp.MustCompile(`listening on (http://[^\s"]+)`)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.logs.add(sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		if strings.Contains(s.logs.String(), "WARNING: DATA RACE") {
			t.Error("the race detector found a data race in ally serve")
		}
		if t.Failed() {
			t.Logf("ally serve (%s) logs:\n%s", b.name, s.logs)
		}
	})
	select {
	case s.url = <-found:
	case <-exited:
		t.Fatalf("ally serve exited at start:\n%s", s.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("ally serve did not say where it listens within 30s:\n%s", s.logs)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz not 200 within 15s: %v", s.url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logBuffer collects the server's log lines from a goroutine.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(line + "\n")
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
