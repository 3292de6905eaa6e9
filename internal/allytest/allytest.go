// Package allytest runs the real ally binary for tests that boot the
// program as an operator would (cmd/ally's end-to-end tests, the browser
// tests): it builds the binary, gives it a fresh SQLite or PostgreSQL
// database, runs its commands and starts "ally serve".
package allytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Build builds cmd/ally into dir and returns the binary's path. The binary
// has the race detector when the tests have it, so a data race in the real
// process fails the test too.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "ally")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, "github.com/allyprm/ally/cmd/ally")...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building ally: %v\n%s", err, out)
	}
	return bin, nil
}

// Backend is one database the binary runs on.
type Backend struct {
	Name    string // "sqlite" or "postgres"
	DataDir string
	DBURL   string // "" for SQLite in DataDir
}

// SQLite is a fresh SQLite database in a temporary directory.
func SQLite(tb testing.TB) Backend {
	return Backend{Name: "sqlite", DataDir: tb.TempDir()}
}

// Postgres is a fresh schema in the PostgreSQL database named by
// ALLY_TEST_POSTGRES_URL, dropped after the test. Without the variable the
// test is skipped, or fails when ALLY_REQUIRE_POSTGRES=1 (as in CI).
func Postgres(tb testing.TB) Backend {
	tb.Helper()
	base := os.Getenv("ALLY_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("ALLY_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("ALLY_REQUIRE_POSTGRES=1 but ALLY_TEST_POSTGRES_URL is not set")
		}
		tb.Skip("ALLY_TEST_POSTGRES_URL is not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connecting to ALLY_TEST_POSTGRES_URL: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "ally_bin_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return Backend{Name: "postgres", DataDir: tb.TempDir(), DBURL: u.String()}
}

// Env is the process environment for the backend plus extra KEY=VALUE
// pairs; the ALLY_ settings of the caller's environment are left out.
func (b Backend) Env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ALLY_") || strings.HasPrefix(kv, "ALLY_TEST_") {
			env = append(env, kv)
		}
	}
	env = append(env, "ALLY_DATA_DIR="+b.DataDir, "ALLY_DATABASE_URL="+b.DBURL)
	return append(env, extra...)
}

// Run runs a one-off command of the binary bin to completion (a minute at
// most) and returns its stdout and stderr.
func (b Backend) Run(tb testing.TB, bin string, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = b.Env()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// MustRun is Run that fails the test unless the command exits 0, and
// returns its stdout.
func (b Backend) MustRun(tb testing.TB, bin string, args ...string) string {
	tb.Helper()
	out, errOut, err := b.Run(tb, bin, args...)
	if err != nil {
		tb.Fatalf("ally %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}
