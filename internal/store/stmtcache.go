package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"sync"
)

// stmtCache keeps prepared statements for a SQLite pool. SQLite spends most
// of a point read compiling the SQL (measured: about 60% of
// FindPartnerByID), and modernc's driver does not cache statements itself;
// pgx does, so PostgreSQL does not use this. database/sql prepares each
// cached statement once per connection and reuses it after.
//
// The reader pool prepares on first use (get). The writer pool cannot:
// its one connection is held by the transaction that meets a new
// statement, so a transaction asks for it (want) and Write prepares the
// wanted statements once the connection is free again (prepareWanted);
// transactions after that run them through tx.StmtContext (txQuerier).
type stmtCache struct {
	db     *sql.DB
	mu     sync.RWMutex
	m      map[string]*sql.Stmt
	wanted map[string]bool // writer: to prepare after the transaction
}

// maxCachedStmts bounds the cache; the partner list builds at most a few
// hundred distinct texts (one per combination of filters).
const maxCachedStmts = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns the prepared statement for query, preparing it the first
// time, or nil (run it unprepared) on a nil cache, a full cache or a
// failed prepare, whose error the unprepared run then reports.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if st := c.lookup(query); st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prepareLocked(ctx, query)
}

// lookup returns the prepared statement for query, or nil.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// want notes query for prepareWanted, while the cache has room.
func (c *stmtCache) want(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m)+len(c.wanted) < maxCachedStmts {
		c.wanted[query] = true
	}
}

// prepareWanted prepares the statements transactions asked for. It holds
// no lock while it waits for the connection, which a transaction looking
// up statements may hold. A failed prepare is dropped: the statement keeps
// running unprepared, which reports its error.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	queries := slices.Collect(maps.Keys(c.wanted))
	clear(c.wanted)
	c.mu.Unlock()
	for _, query := range queries {
		st, err := c.db.PrepareContext(ctx, query)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.m[query] == nil && len(c.m) < maxCachedStmts {
			c.m[query], st = st, nil
		}
		c.mu.Unlock()
		if st != nil {
			_ = st.Close() // another Write prepared it first
		}
	}
}

func (c *stmtCache) prepareLocked(ctx context.Context, query string) *sql.Stmt {
	if st := c.m[query]; st != nil || len(c.m) >= maxCachedStmts {
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
