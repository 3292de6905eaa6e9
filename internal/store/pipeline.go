package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// pipeline is a PostgreSQL write transaction that holds back the writes
// nothing in the transaction reads back (inserts, counter bumps: t.later)
// and sends them together, in one round trip, with the next statement
// that needs an answer, or with COMMIT. Over loopback a round trip is most
// of a short statement's cost: a single lead intake made 13 of them.
// BEGIN is held back the same way, so it goes out with the first held
// write or batched read (readTogether); a plain query or exec sends what
// is held first, in a round trip of its own. The transaction's last
// writes go out with its COMMIT.
//
// The statements run on one connection taken from the pool (sql.Conn);
// batches go out as pgx batches on it (sql.Conn.Raw). A held-back write
// that fails aborts the transaction; its error is kept (err) and is what
// the transaction returns, as if the write had failed where it was made.
type pipeline struct {
	conn    *sql.Conn
	pending []heldWrite
	err     error
	begun   bool // something was sent: there may be a transaction to end
}

func newPipeline(conn *sql.Conn) *pipeline {
	return &pipeline{conn: conn, pending: []heldWrite{{query: "BEGIN",
		fail: func(err error) error { return fmt.Errorf("store: begin: %w", err) }}}}
}

// heldWrite is one write waiting to be sent; fail turns its error into the
// one its store method would have returned, and one says it must change a
// row (none is ally.ErrNotFound, as execOne has it).
type heldWrite struct {
	query  string
	args   []any
	fail   func(error) error
	one    bool
	commit bool // COMMIT: its tag must say so (an aborted transaction answers ROLLBACK)
}

// outcome is what w's method returns for a statement's outcome.
func (w heldWrite) outcome(tag pgconn.CommandTag, err error) error {
	if err == nil && w.commit && tag.String() != "COMMIT" {
		return w.fail(errors.New("the transaction was rolled back"))
	}
	return w.result(tag.RowsAffected(), err)
}

// result is what w's method returns when it changed n rows (or failed).
func (w heldWrite) result(n int64, err error) error {
	switch {
	case err != nil:
		return w.fail(err)
	case w.one && n == 0:
		return ally.ErrNotFound
	}
	return nil
}

// exec runs w at once through q.
func exec(ctx context.Context, q querier, w heldWrite) error {
	res, err := q.ExecContext(ctx, w.query, w.args...)
	if err != nil {
		return w.fail(err)
	}
	return w.result(res.RowsAffected())
}

// oneRow is a write that must change one row, its errors named by op.
func oneRow(op, query string, args []any) heldWrite {
	return heldWrite{query: query, args: args, one: true,
		fail: func(err error) error { return fmt.Errorf("store: %s: %w", op, err) }}
}

// flush sends the held-back writes, if any.
func (p *pipeline) flush(ctx context.Context) error {
	if p.err != nil || len(p.pending) == 0 {
		return p.err
	}
	return p.send(ctx, nil)
}

// send sends the held-back writes and then reads in one batch, reading
// each read's rows with its each; a failure is kept in p.err.
func (p *pipeline) send(ctx context.Context, reads []read) error {
	if p.err != nil {
		return p.err
	}
	held := p.pending
	p.pending = nil
	p.begun = true
	p.err = p.conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: pipeline: driver connection is %T, not pgx", driverConn)
		}
		var b pgx.Batch
		for _, w := range held {
			b.Queue(w.query, w.args...)
		}
		for _, r := range reads {
			b.Queue(r.query)
		}
		res := c.Conn().SendBatch(ctx, &b)
		defer res.Close()
		for _, w := range held {
			tag, err := res.Exec()
			if err := w.outcome(tag, err); err != nil {
				return err
			}
		}
		for _, r := range reads {
			if err := r.from(res); err != nil {
				return err
			}
		}
		return res.Close()
	})
	return p.err
}

// commit sends the held-back writes and COMMIT together; with nothing
// sent yet and nothing held but BEGIN, there is nothing to commit.
func (p *pipeline) commit(ctx context.Context) error {
	if p.err != nil {
		return p.err
	}
	if !p.begun && len(p.pending) == 1 {
		p.pending = nil
		return nil
	}
	p.pending = append(p.pending, heldWrite{query: "COMMIT", commit: true,
		fail: func(err error) error { return fmt.Errorf("store: commit: %w", err) }})
	return p.send(ctx, nil)
}

// rollback ends a transaction that did not commit. A connection that
// cannot say ROLLBACK is taken out of the pool, never reused mid-transaction.
func (p *pipeline) rollback(ctx context.Context) error {
	if !p.begun {
		return nil
	}
	if _, err := p.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
		_ = p.conn.Raw(func(any) error { return driver.ErrBadConn })
		return err
	}
	return nil
}

func (p *pipeline) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.ExecContext(ctx, query, args...)
}

func (p *pipeline) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext cannot return the flush's error itself: the query then
// fails in the aborted transaction, and the transaction returns p.err.
func (p *pipeline) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	_ = p.flush(ctx)
	return p.conn.QueryRowContext(ctx, query, args...)
}

// later runs a write whose outcome (but for an error) nothing reads: held
// back on PostgreSQL (pipeline), at once on SQLite. fail maps its error as
// the calling method would; args must not be reused by the caller.
func (t *tx) later(ctx context.Context, fail func(error) error, query string, args ...any) error {
	return t.hold(ctx, heldWrite{query: query, args: args, fail: fail})
}

// laterOne is later for a write that must change one row, like execOne.
func (t *tx) laterOne(ctx context.Context, op, query string, args ...any) error {
	return t.hold(ctx, oneRow(op, query, args))
}

func (t *tx) hold(ctx context.Context, w heldWrite) error {
	if p, ok := t.q.(*pipeline); ok {
		p.pending = append(p.pending, w)
		return nil
	}
	return exec(ctx, t.q, w)
}

// read is one query of readTogether: each gets every row, in order.
type read struct {
	query string
	each  func(scanner) error
}

// collect is a read's each that appends every row, as scan reads it, to dst.
func collect[T any](dst *[]*T, scan func(scanner) (*T, error)) func(scanner) error {
	return func(s scanner) error {
		v, err := scan(s)
		if err == nil {
			*dst = append(*dst, v)
		}
		return err
	}
}

// from reads r's rows from the next result of a batch.
func (r read) from(res pgx.BatchResults) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := r.each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// readTogether runs independent reads (no args) back to back: on
// PostgreSQL in one round trip, in the same batch as the held-back writes
// (and BEGIN) before them; elsewhere one after another.
func (t *tx) readTogether(ctx context.Context, op string, reads ...read) error {
	if p, ok := t.q.(*pipeline); ok {
		if err := p.send(ctx, reads); err != nil {
			p.err = fmt.Errorf("store: %s: %w", op, err)
			return p.err
		}
		return nil
	}
	for _, r := range reads {
		if err := eachRow(ctx, t.queries, r.query, nil, r.each, op); err != nil {
			return err
		}
	}
	return nil
}
