package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// forEngine runs fn as a parallel subtest on each engine storetest offers.
func forEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, engine)
		})
	}
}

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Millisecond)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// mustEnqueue commits the jobs in one transaction.
func mustEnqueue(tb testing.TB, db ally.Store, js ...*ally.Job) {
	tb.Helper()
	err := db.Write(context.Background(), func(tx ally.Tx) error {
		for _, j := range js {
			if err := tx.Enqueue(context.Background(), j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("enqueue: %v", err)
	}
}

// mustRunOnce runs one batch and checks how many jobs it claimed.
func mustRunOnce(tb testing.TB, r *jobs.Runner, want int) {
	tb.Helper()
	n, err := r.RunOnce(context.Background())
	if err != nil {
		tb.Fatalf("RunOnce: %v", err)
	}
	if n != want {
		tb.Fatalf("RunOnce ran %d jobs, want %d", n, want)
	}
}

// jobRow is a job's state as stored. The store has no query for jobs (the
// application never reads them back), so the test reads the table.
type jobRow struct {
	State     string
	Attempts  int
	LastError string
	RunAt     time.Time
}

func mustJob(tb testing.TB, db *store.DB, id string) jobRow {
	tb.Helper()
	var r jobRow
	var runAt int64
	err := db.SQLDB().QueryRowContext(context.Background(),
		`SELECT state, attempts, last_error, run_at FROM jobs WHERE id = $1`, id).
		Scan(&r.State, &r.Attempts, &r.LastError, &runAt)
	if err != nil {
		tb.Fatalf("job %s: %v", id, err)
	}
	r.RunAt = time.UnixMilli(runAt).UTC()
	return r
}

// waitFor polls cond until it holds or fails the test after timeout.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var errBoom = errors.New("boom")
