package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Bulk writes of the lead half (leads, deliveries, jobs, import errors)
// insert many rows per statement: one round trip and one statement run per
// few hundred rows instead of per row, which is what lets an import keep
// pace with a bare bulk insert. Each engine gets the shape it runs fastest.

// batchInsert is one table's bulk INSERT.
type batchInsert struct {
	head    string   // INSERT INTO t (a, b, …)
	types   []string // the columns' PostgreSQL types, for unnest's arrays
	tail    string   // what follows the rows: an ON CONFLICT clause, or ""
	pgQuery string   // the PostgreSQL statement, built once
}

// newBatchInsert describes a bulk insert into table of columns given as
// "name type" (the PostgreSQL type), with tail after the rows.
func newBatchInsert(table, tail string, columns ...string) batchInsert {
	b := batchInsert{tail: tail}
	names := make([]string, len(columns))
	arrays := make([]string, len(columns))
	for i, c := range columns {
		name, typ, _ := strings.Cut(c, " ")
		names[i], arrays[i] = name, "$"+strconv.Itoa(i+1)+"::"+typ+"[]"
		b.types = append(b.types, typ)
	}
	b.head = "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ")"
	b.pgQuery = b.head + " SELECT * FROM unnest(" + strings.Join(arrays, ", ") + ")" + tail
	return b
}

// Rows per statement. SQLite: 250 rows of 25 columns is 6,250 placeholders,
// under its limit of 32,766. PostgreSQL takes one array per column, so a
// statement's size has no limit but memory.
const (
	sqliteBatchRows   = 250
	sqliteBatchParams = 32_000
	pgBatchRows       = 2_000
)

// rowFunc appends row i's values, in the batch's column order, to dst.
type rowFunc func(i int, dst []any) ([]any, error)

// insertMany writes n rows.
func (t *tx) insertMany(ctx context.Context, b batchInsert, n int, row rowFunc) error {
	if t.engine == EnginePostgres {
		return t.insertArrays(ctx, b, n, row)
	}
	return t.insertValues(ctx, b, n, row)
}

// insertArrays is PostgreSQL's bulk insert: one array per column, turned
// back into rows by unnest. Measured on leads it ran at 0.9 of COPY, while
// a multi-row VALUES list ran at 0.3 to 0.5: the server plans a statement
// of thousands of parameters on every run, and an unnest of 25 arrays once.
func (t *tx) insertArrays(ctx context.Context, b batchInsert, n int, row rowFunc) error {
	cols := make([][]any, len(b.types))
	args := make([]any, len(b.types))
	var vals []any
	for start := 0; start < n; start += pgBatchRows {
		end := min(start+pgBatchRows, n)
		for c := range cols {
			cols[c] = make([]any, 0, end-start)
		}
		for i := start; i < end; i++ {
			var err error
			if vals, err = row(i, vals[:0]); err != nil {
				return err
			}
			for c, v := range vals {
				cols[c] = append(cols[c], v)
			}
		}
		for c := range cols {
			args[c] = cols[c]
		}
		if _, err := t.q.ExecContext(ctx, b.pgQuery, args...); err != nil {
			return err
		}
	}
	return nil
}

// insertValues is SQLite's bulk insert: a multi-row VALUES list with
// anonymous placeholders ("?"). SQLite keeps $N placeholders as names in a
// list that every bind searches from the start: with thousands per
// statement that was 96% of an insert's time (4,000 rows/s; 109,000 with
// "?"). When two or more statements take a full batch, the full-batch
// statement is prepared once and run for each, as compiling a statement
// this long is a real share of running it.
func (t *tx) insertValues(ctx context.Context, b batchInsert, n int, row rowFunc) error {
	per := min(sqliteBatchRows, sqliteBatchParams/len(b.types))
	args := make([]any, 0, per*len(b.types))
	var full *sql.Stmt
	if p, ok := t.q.(preparer); ok && n >= 2*per {
		st, err := p.PrepareContext(ctx, b.values(per))
		if err != nil {
			return err
		}
		defer st.Close()
		full = st
	}
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args = args[:0]
		for i := start; i < end; i++ {
			var err error
			if args, err = row(i, args); err != nil {
				return err
			}
		}
		var err error
		if full != nil && end-start == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.q.ExecContext(ctx, b.values(end-start), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// values returns SQLite's statement for rows rows.
func (b batchInsert) values(rows int) string {
	one := "(?" + strings.Repeat(", ?", len(b.types)-1) + ")"
	return b.head + " VALUES " + one + strings.Repeat(", "+one, rows-1) + b.tail
}

// preparer is *sql.Tx: a transaction prepares on its own connection.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}
