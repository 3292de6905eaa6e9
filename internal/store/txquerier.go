package store

import (
	"context"
	"database/sql"
)

// txQuerier runs a SQLite write transaction's statements prepared: each
// text is prepared once per transaction, from the writer's cache
// (tx.StmtContext reuses the connection's compiled statement) or, the
// first time the writer meets it, on the transaction's connection. In an
// intake, compiling was about a quarter of the CPU; an import batch runs
// each insert thousands of times. A transaction runs on one goroutine.
type txQuerier struct {
	tx    *sql.Tx
	cache *stmtCache
	stmts map[string]*sql.Stmt // this transaction's; nil: run unprepared
}

func newTxQuerier(tx *sql.Tx, cache *stmtCache) *txQuerier {
	return &txQuerier{tx: tx, cache: cache, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the transaction's statement for query, or nil when it
// does not prepare (its unprepared run then reports why).
func (q *txQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := q.stmts[query]; ok {
		return st
	}
	var st *sql.Stmt
	if shared := q.cache.lookup(query); shared != nil {
		st = q.tx.StmtContext(ctx, shared)
	} else if prepared, err := q.tx.PrepareContext(ctx, query); err == nil {
		st = prepared
		q.cache.want(query)
	}
	q.stmts[query] = st
	return st
}

func (q *txQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.tx.ExecContext(ctx, query, args...)
}

func (q *txQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.tx.QueryContext(ctx, query, args...)
}

func (q *txQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.tx.QueryRowContext(ctx, query, args...)
}
