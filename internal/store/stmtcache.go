package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps prepared statements for the SQLite reader pool. SQLite
// spends most of a point read compiling the SQL (measured: about 60% of
// FindPartnerByID), and modernc's driver does not cache statements itself;
// pgx does, so PostgreSQL does not use this. database/sql prepares each
// cached statement once per connection and reuses it after.
//
// Only the reader pool uses it: preparing on the one-connection writer pool
// from inside a transaction would wait for the connection the transaction holds.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache; the partner list builds at most a few
// hundred distinct texts (one per combination of filters).
const maxCachedStmts = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for query, preparing it the first
// time, or nil (run it unprepared) on a nil cache, a full cache or a
// failed prepare, whose error the unprepared run then reports.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil || len(c.m) >= maxCachedStmts {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.m {
		errs = append(errs, st.Close())
		delete(c.m, q)
	}
	return errors.Join(errs...)
}

// query runs a read, prepared when the cache has it.
func (q queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmts.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.q.QueryContext(ctx, query, args...)
}

// queryRow runs a single-row read, prepared when the cache has it.
func (q queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmts.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.q.QueryRowContext(ctx, query, args...)
}
