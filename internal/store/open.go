package store

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// target is a parsed ALLY_DATABASE_URL.
type target struct {
	engine  string
	path    string // SQLite: file path, or a file: URI without its query
	query   string // SQLite: the file: URI's own query, kept
	url     string // PostgreSQL: the URL as given
	display string // safe to log: no password
}

// parseURL turns ALLY_DATABASE_URL (and the data directory for the default)
// into a target. An unknown scheme is a configuration error naming the setting.
func parseURL(raw, dataDir string) (target, error) {
	switch {
	case raw == "":
		if dataDir == "" {
			dataDir = "data"
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return target{}, fmt.Errorf("store: create data directory (ALLY_DATA_DIR) %q: %w", dataDir, err)
		}
		p := filepath.Join(dataDir, "ally.db")
		return target{engine: EngineSQLite, path: p, display: p}, nil
	case strings.HasPrefix(raw, "sqlite:"):
		p := strings.TrimPrefix(raw, "sqlite:")
		// sqlite:///abs/path.db has an empty host: keep the absolute path.
		if rest, ok := strings.CutPrefix(p, "//"); ok {
			p = rest
		}
		if p == "" || strings.ContainsAny(p, "?#") || strings.Contains(p, ":memory:") {
			return target{}, fmt.Errorf("store: ALLY_DATABASE_URL %q: want sqlite:PATH with a file path and no query", raw)
		}
		return target{engine: EngineSQLite, path: p, display: p}, nil
	case strings.HasPrefix(raw, "file:"):
		p, q, _ := strings.Cut(raw, "?")
		// Each pooled connection would get its own empty in-memory database.
		if p == "file:" || strings.Contains(raw, ":memory:") || strings.Contains(q, "mode=memory") {
			return target{}, fmt.Errorf("store: ALLY_DATABASE_URL %q: want file:PATH", raw)
		}
		return target{engine: EngineSQLite, path: p, query: q, display: p}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return target{}, fmt.Errorf("store: ALLY_DATABASE_URL is not a valid PostgreSQL URL: %w", err)
		}
		return target{engine: EnginePostgres, url: raw, display: u.Redacted()}, nil
	}
	return target{}, fmt.Errorf("store: ALLY_DATABASE_URL must be empty, sqlite:PATH, file:PATH or postgres://…; got %q", redact(raw))
}

// redact hides what could be a password in a URL we failed to recognise.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

// openSQLite opens the two pools SQLite wants (as pocketbase does): one
// writer connection, because SQLite allows one writer at a time and queuing
// in Go is cheaper than spinning on SQLITE_BUSY, and a reader pool, because
// WAL lets readers run beside the writer.
//
// synchronous(NORMAL) in WAL mode syncs the WAL at checkpoints, not at every
// commit: a committed write survives a kill -9 of the process (the WAL is in
// the OS page cache) but the last commits can be lost on a power cut or OS
// crash. That is the guarantee DESIGN.md asks for ("survives a kill -9"),
// at a fraction of FULL's fsync cost.
//
// _txlock=immediate takes the write lock at BEGIN, so a read-then-write
// transaction never fails with SQLITE_BUSY on lock upgrade.
func openSQLite(t target) (writer, reader *sql.DB, err error) {
	common := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	writerDSN := sqliteDSN(t, common+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(8192)&_txlock=immediate")
	readerDSN := sqliteDSN(t, common+"&_pragma=mmap_size(268435456)&_pragma=query_only(1)")

	writer, err = sql.Open("sqlite", writerDSN)
	if err != nil {
		return nil, nil, fmt.Errorf("store: open sqlite %s: %w", t.display, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// The writer must exist first: it creates the file and switches it to WAL,
	// which the query_only readers cannot do.
	if err := writer.Ping(); err != nil {
		_ = writer.Close()
		return nil, nil, fmt.Errorf("store: open sqlite %s: %w", t.display, err)
	}

	reader, err = sql.Open("sqlite", readerDSN)
	if err != nil {
		_ = writer.Close()
		return nil, nil, fmt.Errorf("store: open sqlite reader %s: %w", t.display, err)
	}
	n := 2*runtime.GOMAXPROCS(0) + 2
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	reader.SetConnMaxIdleTime(5 * time.Minute)
	return writer, reader, nil
}

// sqliteDSN appends the pragmas to the path. A plain path has its query
// stripped by the driver; a file: URI is handed to SQLite whole, which
// ignores the driver's underscore parameters.
func sqliteDSN(t target, params string) string {
	if t.query != "" {
		params = t.query + "&" + params
	}
	return t.path + "?" + params
}

// Pool size for PostgreSQL: enough for a busy node, well under the server's
// default max_connections (100) with several nodes. Idle connections are
// kept up to the same number: with fewer, a burst of requests closes and
// reopens connections (a new backend process each), which showed as a p99
// five times the median under load.
const pgMaxOpen = 20

// openPostgres opens one pool for reads and writes: PostgreSQL has no
// single-writer limit, and one pool means a transaction sees its own reads.
func openPostgres(rawURL string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: ALLY_DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pgMaxOpen)
	db.SetMaxIdleConns(pgMaxOpen)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	return db, nil
}
