// Package storetest opens a fresh, migrated store per test, on SQLite always
// and on PostgreSQL when ALLY_TEST_POSTGRES_URL is set, so the store, API and
// CLI tests can run the same scenarios on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/allyprm/ally/internal/store"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating schemas
)

// PostgresURLEnv names the variable holding the PostgreSQL test server's URL,
// for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresURLEnv = "ALLY_TEST_POSTGRES_URL"

// RequirePostgresEnv, when set to 1 (CI sets it), makes a missing
// ALLY_TEST_POSTGRES_URL fail the tests instead of silently testing SQLite only.
const RequirePostgresEnv = "ALLY_REQUIRE_POSTGRES"

// Engines returns the engines to test on: "sqlite", and "postgres" when
// ALLY_TEST_POSTGRES_URL is set.
func Engines(tb testing.TB) []string {
	tb.Helper()
	if os.Getenv(RequirePostgresEnv) == "1" && os.Getenv(PostgresURLEnv) == "" {
		tb.Fatalf("storetest: %s=1 but %s is not set", RequirePostgresEnv, PostgresURLEnv)
	}
	if os.Getenv(PostgresURLEnv) != "" {
		return []string{store.EngineSQLite, store.EnginePostgres}
	}
	return []string{store.EngineSQLite}
}

// Open returns a migrated store of its own for the test, closed (and, on
// PostgreSQL, its schema dropped) when the test ends. On SQLite the database
// lives in tb.TempDir(); on PostgreSQL in a new schema with a random name.
func Open(tb testing.TB, engine string) *store.DB {
	tb.Helper()
	db, _ := OpenURL(tb, engine)
	return db
}

// OpenURL is Open that also returns the ALLY_DATABASE_URL of the test's
// database, for tests that start the real program on it.
func OpenURL(tb testing.TB, engine string) (*store.DB, string) {
	tb.Helper()
	var cfg store.Config
	switch engine {
	case store.EngineSQLite:
		cfg.URL = "sqlite:" + tb.TempDir() + "/ally.db"
	case store.EnginePostgres:
		cfg.URL = newSchema(tb)
	default:
		tb.Fatalf("storetest: unknown engine %q", engine)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("storetest: open %s: %v", engine, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("storetest: close: %v", err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("storetest: migrate %s: %v", engine, err)
	}
	return db, cfg.URL
}

// newSchema creates a schema with a random name on the PostgreSQL test
// server, schedules its removal, and returns a URL whose search_path is it.
func newSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		tb.Skipf("storetest: %s is not set", PostgresURLEnv)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)

	if err := adminExec(base, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("storetest: create schema: %v", err)
	}
	// Registered before Open's cleanup, so it runs after the store is closed.
	tb.Cleanup(func() {
		if err := adminExec(base, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("storetest: drop schema: %v", err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// adminExec runs one statement on a connection of its own, so tests do not
// hold an extra idle connection each while they run.
func adminExec(url, stmt string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(context.Background(), stmt)
	return err
}
