// Package store is Ally's storage layer: all SQL, on SQLite (the embedded
// default) or PostgreSQL (several app nodes), behind the ally.Store interface.
//
// Both engines run the same SQL text: plain, portable SQL with $1, $2
// placeholders, which modernc.org/sqlite binds by number just as PostgreSQL
// does. Times are stored as unix milliseconds UTC, maps and lists as JSON text,
// so a value reads back the same on either engine.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Engine names returned by DB.Engine.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// Config says which database to open.
type Config struct {
	// URL is ALLY_DATABASE_URL: "" for ally.db in DataDir, sqlite:PATH,
	// sqlite:///ABS/PATH, file:PATH, or postgres:// / postgresql://.
	URL string
	// DataDir holds ally.db when URL is empty; it is created (0700) if missing.
	DataDir string
	Logger  *slog.Logger
}

// DB is the store. Reads outside a transaction go to the reader pool; Write
// and TouchAPIKey go to the writer pool. On PostgreSQL both are one pool.
type DB struct {
	queries // reads, on the reader pool

	engine string
	writer *sql.DB
	reader *sql.DB
	writes *stmtCache // SQLite: the writer's prepared statements (txQuerier)
	logger *slog.Logger
}

var _ ally.Store = (*DB)(nil)

// Open connects to the database cfg names and checks that it answers.
// It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	target, err := parseURL(cfg.URL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	db := &DB{engine: target.engine, logger: logger}
	switch target.engine {
	case EngineSQLite:
		db.writer, db.reader, err = openSQLite(target)
	case EnginePostgres:
		db.writer, err = openPostgres(target.url)
		db.reader = db.writer
	}
	if err != nil {
		return nil, err
	}
	db.queries = queries{q: db.reader, engine: db.engine}
	if db.engine == EngineSQLite {
		db.queries.stmts = newStmtCache(db.reader)
		db.writes = newStmtCache(db.writer)
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	logger.Info("database opened", "engine", db.engine, "target", target.display)
	return db, nil
}

// Engine reports "sqlite" or "postgres".
func (db *DB) Engine() string { return db.engine }

// SQLDB returns the writer pool, for code that must share the store's
// database, such as a job queue inserting inside the store's transactions.
func (db *DB) SQLDB() *sql.DB { return db.writer }

// Ping checks that both pools answer (for /readyz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if db.reader != db.writer {
		if err := db.reader.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping reader: %w", err)
		}
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	errs := []error{db.stmts.close(), db.writes.close()}
	if db.reader != nil && db.reader != db.writer {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Write runs fn in one transaction on the writer pool. It commits when fn
// returns nil and rolls back when fn returns an error or panics; fn's error
// is returned as is, so *ally.Error codes reach the caller unchanged.
//
// When a Tx method fails, fn should return (the error): on PostgreSQL a
// failed statement aborts the transaction, so nothing more can run in it.
// On SQLite the writer pool has one connection, so fn must not call
// db.Write or db.TouchAPIKey itself (it would wait for its own connection).
// On PostgreSQL the transaction is READ COMMITTED; the version checks of
// the Update methods are what make concurrent edits safe.
func (db *DB) Write(ctx context.Context, fn func(ally.Tx) error) error {
	err := db.write(ctx, fn)
	// The connection is free again: prepare what the transaction met first.
	db.writes.prepareWanted(context.WithoutCancel(ctx))
	return err
}

func (db *DB) write(ctx context.Context, fn func(ally.Tx) error) error {
	if db.engine == EnginePostgres {
		return db.writePipelined(ctx, fn)
	}
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			db.logger.Warn("rollback failed", "err", rbErr)
		}
	}()
	if err := fn(&tx{queries{q: newTxQuerier(sqlTx, db.writes), engine: db.engine}}); err != nil {
		return err
	}
	committed = true
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// writePipelined is write on PostgreSQL: one connection, its statements
// through a pipeline (BEGIN with the first held write or batched read,
// COMMIT with the last writes).
func (db *DB) writePipelined(ctx context.Context, fn func(ally.Tx) error) error {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer conn.Close()
	pipe := newPipeline(conn)
	committed := false
	defer func() {
		if committed {
			return
		}
		if rbErr := pipe.rollback(ctx); rbErr != nil {
			db.logger.Warn("rollback failed", "err", rbErr)
		}
	}()
	err = fn(&tx{queries{q: pipe, engine: db.engine}})
	if pipe.err != nil {
		return pipe.err // what made the statements after it fail
	}
	if err != nil {
		return err
	}
	if err := pipe.commit(ctx); err != nil {
		return err
	}
	committed = true
	return nil
}

// querier is what *sql.DB and *sql.Tx share, so one implementation of each
// query serves reads outside a transaction and reads and writes inside one.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries holds the read methods (ally.Reader).
type queries struct {
	q      querier
	stmts  *stmtCache // prepared reads; nil in transactions and on PostgreSQL
	engine string     // for the few statements whose text differs per engine
}

// tx is a write transaction (ally.Tx): the reads plus the write methods.
type tx struct{ queries }

var _ ally.Tx = (*tx)(nil)

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// nullIfEmpty stores "" as NULL, so optional references satisfy foreign keys
// and optional unique columns allow many blanks.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// millis stores a time as unix milliseconds, and the zero time as NULL.
func millis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMillis reads what millis stored, in UTC.
func fromMillis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

// limitSQL is a list's LIMIT: written into the SQL for the page sizes the
// UI asks for (with and without the extra row that says a next page
// exists), bound otherwise. SQLite reads a bound LIMIT while planning, so
// it compiles such a statement anew on every run; a literal keeps one
// compiled statement per size, and binding the rest keeps an API
// client's arbitrary limits from filling the statement cache.
func limitSQL(w *where, n int) string {
	switch n {
	case 10, 11, 20, 21, 50, 51, 100, 101, 200, 201:
		return strconv.Itoa(n)
	}
	return w.arg(n)
}

// pageLimit applies the default page size to a non-positive limit.
func pageLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return n
}

// execOne runs a DELETE (or UPDATE) meant to change one row; none is
// ally.ErrNotFound.
func execOne(ctx context.Context, q querier, op, query string, args ...any) error {
	return exec(ctx, q, oneRow(op, query, args))
}
