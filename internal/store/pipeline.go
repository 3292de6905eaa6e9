package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pipeline is a PostgreSQL write transaction that holds back the writes
// nothing in the transaction reads back (inserts, counter bumps: t.later)
// and sends them together, in one round trip, just before the next
// statement that needs an answer, or before COMMIT. Over loopback a round
// trip is most of a short statement's cost: a single lead intake made 13
// of them, seven of which were such writes.
//
// The transaction is database/sql's; the held-back writes go out as one
// pgx batch on the same connection (sql.Conn.Raw), so they run inside it.
// A held-back write that fails aborts the transaction; its error is kept
// (err) and is what the transaction returns, as if the write had failed
// where it was made.
type pipeline struct {
	*sql.Tx
	conn    *sql.Conn
	pending []heldWrite
	err     error
}

// heldWrite is one write waiting to be sent; fail turns its error into the
// one its store method would have returned, and one says it must change a
// row (none is ally.ErrNotFound, as execOne has it).
type heldWrite struct {
	query string
	args  []any
	fail  func(error) error
	one   bool
}

// outcome is what w's method returns for a statement's outcome.
func (w heldWrite) outcome(rows int64, err error) error {
	switch {
	case err != nil:
		return w.fail(err)
	case w.one && rows == 0:
		return ally.ErrNotFound
	}
	return nil
}

// flush sends the held-back writes, if any.
func (p *pipeline) flush(ctx context.Context) error {
	if p.err != nil || len(p.pending) == 0 {
		return p.err
	}
	held := p.pending
	p.pending = nil
	if len(held) == 1 {
		p.err = held[0].outcome(execRows(p.Tx.ExecContext(ctx, held[0].query, held[0].args...)))
		return p.err
	}
	p.err = p.conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: pipeline: driver connection is %T, not pgx", driverConn)
		}
		var b pgx.Batch
		for _, w := range held {
			b.Queue(w.query, w.args...)
		}
		res := c.Conn().SendBatch(ctx, &b)
		for _, w := range held {
			tag, err := res.Exec()
			if err := w.outcome(tag.RowsAffected(), err); err != nil {
				_ = res.Close()
				return err
			}
		}
		return res.Close()
	})
	return p.err
}

func (p *pipeline) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.Tx.ExecContext(ctx, query, args...)
}

func (p *pipeline) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext cannot return the flush's error itself: the query then
// fails in the aborted transaction, and the transaction returns p.err.
func (p *pipeline) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	_ = p.flush(ctx)
	return p.Tx.QueryRowContext(ctx, query, args...)
}

// later runs a write whose outcome (but for an error) nothing reads: held
// back on PostgreSQL (pipeline), at once on SQLite. fail maps its error as
// the calling method would; args must not be reused by the caller.
func (t *tx) later(ctx context.Context, fail func(error) error, query string, args ...any) error {
	return t.hold(ctx, heldWrite{query: query, args: args, fail: fail})
}

// laterOne is later for a write that must change one row, like execOne.
func (t *tx) laterOne(ctx context.Context, op, query string, args ...any) error {
	return t.hold(ctx, heldWrite{query: query, args: args, one: true,
		fail: func(err error) error { return fmt.Errorf("store: %s: %w", op, err) }})
}

func (t *tx) hold(ctx context.Context, w heldWrite) error {
	if p, ok := t.q.(*pipeline); ok {
		p.pending = append(p.pending, w)
		return nil
	}
	return w.outcome(execRows(t.q.ExecContext(ctx, w.query, w.args...)))
}

// execRows is an Exec's rows affected, or its error.
func execRows(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
