package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Jobs are durable background work. A job row is inserted in the
// transaction of the change that causes it (so it exists exactly when the
// change does), claimed by a worker on any node with a lock that expires
// (so a crashed worker's jobs run again), and completed or retried.
//
// States: pending (waiting or running), done, failed (out of attempts).

// DefaultMaxAttempts is what Enqueue uses when a job does not say.
const DefaultMaxAttempts = 10

// Enqueue inserts j as pending. It fills in what is unset, in j: the id,
// RunAt and CreatedAt (now), MaxAttempts (DefaultMaxAttempts). Workers see
// the job only once this transaction commits. Like every write nothing
// reads, it goes out with the transaction's next statement (tx.later).
func (t *tx) Enqueue(ctx context.Context, j *ally.Job) error {
	return t.EnqueueMany(ctx, []*ally.Job{j})
}

// dueJobsSQL updates, with set, up to $2 pending jobs of the kinds $3 that
// are due at $1 and not locked (or whose lock ran out), oldest run_at
// first, and returns them.
//
// PostgreSQL: FOR UPDATE SKIP LOCKED makes concurrent claims on several
// nodes pass over each other's rows instead of taking the same ones or
// waiting; a row claimed and committed meanwhile is re-checked against the
// WHERE and dropped, because its locked_until is now in the future. The
// selection is a MATERIALIZED CTE, not an IN (subquery), so the locking
// SELECT and its LIMIT run exactly once whatever plan the UPDATE gets.
//
// SQLite: the one writer connection serializes claims, so the UPDATE alone
// is atomic.
func dueJobsSQL(set string) map[string]string {
	return map[string]string{EngineSQLite: dueJobsOf(EngineSQLite, set), EnginePostgres: dueJobsOf(EnginePostgres, set)}
}

func dueJobsOf(engine, set string) string {
	const due = `WHERE state = 'pending' AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1)`
	if engine == EngineSQLite {
		return `UPDATE jobs SET ` + set + ` WHERE id IN (SELECT id FROM jobs ` + due + `
				AND kind IN (SELECT value FROM json_each($3))
			ORDER BY run_at, id LIMIT $2)
		RETURNING id, kind, args, attempts, max_attempts, run_at, last_error, created_at`
	}
	return `WITH due AS MATERIALIZED (SELECT id FROM jobs ` + due + `
				AND kind = ANY($3::text[])
			ORDER BY run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
		UPDATE jobs SET ` + set + ` FROM due WHERE jobs.id = due.id
		RETURNING jobs.id, jobs.kind, jobs.args, jobs.attempts, jobs.max_attempts, jobs.run_at,
			jobs.last_error, jobs.created_at`
}

// claimJobsSQL is the claim: due jobs locked for worker $4 until $5, an
// attempt counted on each.
var claimJobsSQL = dueJobsSQL(`locked_by = $4, locked_until = $5, attempts = attempts + 1`)

// takeJobsSQL marks due jobs done at $1 (TakeJobs).
var takeJobsSQL = dueJobsSQL(jobDone("$1"))

// jobDone is the SET of a job done at the parameter at, its lock released.
func jobDone(at string) string {
	return `state = 'done', finished_at = ` + at + `, locked_by = NULL, locked_until = NULL`
}

// ClaimJobs locks up to n due jobs of the given kinds for worker until
// lockedUntil, counts an attempt on each and returns them in run order. A
// job whose lock expires (its worker died) is claimed again; RetryJob
// decides when attempts run out.
func (db *DB) ClaimJobs(ctx context.Context, worker string, kinds []string, n int, now, lockedUntil time.Time) ([]*ally.Job, error) {
	if n <= 0 || len(kinds) == 0 {
		return []*ally.Job{}, nil
	}
	rows, err := db.writer.QueryContext(ctx, claimJobsSQL[db.engine],
		now.UnixMilli(), n, listArg(db.engine, kinds), worker, lockedUntil.UnixMilli())
	return scanJobs(rows, err, "claim jobs")
}

// TakeJobs marks up to n due, unclaimed jobs of kind done in this
// transaction and returns them in run order, for a handler that does
// their work in the same transaction: several jobs' work in one commit,
// each exactly once (rolled back, they are pending again). On PostgreSQL
// it passes over jobs other transactions hold.
func (t *tx) TakeJobs(ctx context.Context, kind string, n int, now time.Time) ([]*ally.Job, error) {
	if n <= 0 {
		return []*ally.Job{}, nil
	}
	rows, err := t.q.QueryContext(ctx, takeJobsSQL[t.engine], now.UnixMilli(), n, listArg(t.engine, []string{kind}))
	return scanJobs(rows, err, "take jobs")
}

// scanJobs reads the jobs a dueJobsSQL statement returned, in run order.
func scanJobs(rows *sql.Rows, err error, op string) ([]*ally.Job, error) {
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	defer rows.Close()
	jobs := []*ally.Job{}
	for rows.Next() {
		var j ally.Job
		var runAt, created sql.NullInt64
		if err := rows.Scan(&j.ID, &j.Kind, &j.Args, &j.Attempts, &j.MaxAttempts, &runAt,
			&j.LastError, &created); err != nil {
			return nil, fmt.Errorf("store: %s: %w", op, err)
		}
		j.RunAt, j.CreatedAt = fromMillis(runAt), fromMillis(created)
		jobs = append(jobs, &j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	// RETURNING gives no order.
	slices.SortFunc(jobs, func(a, b *ally.Job) int {
		return cmp.Or(a.RunAt.Compare(b.RunAt), cmp.Compare(a.ID, b.ID))
	})
	return jobs, nil
}

// CompleteJob marks the job done at at and releases its lock; an unknown id
// is ally.ErrNotFound.
func (db *DB) CompleteJob(ctx context.Context, id string, at time.Time) error {
	return execOne(ctx, db.writer, "complete job", `UPDATE jobs SET `+jobDone("$2")+` WHERE id = $1`, id, at.UnixMilli())
}

// FinishJob marks the pending job id done in this transaction; a job that
// is not pending (done by an earlier run), or an unknown id, is
// ally.ErrNotFound. It runs at once, not held (tx.later), so the caller
// knows before it writes anything else.
func (t *tx) FinishJob(ctx context.Context, id string, at time.Time) error {
	return execOne(ctx, t.q, "finish job", `UPDATE jobs SET `+jobDone("$2")+` WHERE id = $1 AND state = 'pending'`, id, at.UnixMilli())
}

// RetryJob records lastError and releases the job to run again at runAt or,
// when it has used max_attempts attempts, marks it failed for good. Only a
// pending job is retried: a job that is done (another worker finished it
// after this one's lock ran out) is not brought back; that, or an unknown
// id, is ally.ErrNotFound.
func (db *DB) RetryJob(ctx context.Context, id string, runAt time.Time, lastError string) error {
	return execOne(ctx, db.writer, "retry job", `UPDATE jobs SET
		state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
		finished_at = CASE WHEN attempts >= max_attempts THEN CAST($4 AS BIGINT) ELSE NULL END,
		run_at = $2, last_error = $3, locked_by = NULL, locked_until = NULL
		WHERE id = $1 AND state = 'pending'`,
		id, runAt.UnixMilli(), lastError, time.Now().UnixMilli())
}

// FailJob marks a pending job failed for good at at, whatever attempts it
// has left, for errors no retry can fix (the job runner looks for this
// method). A job that is not pending, or an unknown id, is ally.ErrNotFound.
func (db *DB) FailJob(ctx context.Context, id string, at time.Time, lastError string) error {
	return execOne(ctx, db.writer, "fail job", `UPDATE jobs SET state = 'failed', finished_at = $2,
		last_error = $3, locked_by = NULL, locked_until = NULL WHERE id = $1 AND state = 'pending'`,
		id, at.UnixMilli(), lastError)
}
