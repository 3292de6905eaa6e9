package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

func TestJobRunsAfterCommit(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, engine string) {
		db := storetest.Open(t, engine)
		r := jobs.New(db, jobs.Options{PollInterval: 10 * time.Millisecond})
		got := make(chan string, 1)
		r.Handle("test.echo", func(ctx context.Context, j *ally.Job) error {
			got <- string(j.Args)
			return nil
		})
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Stop(context.Background()) })

		job := &ally.Job{Kind: "test.echo", Args: []byte(`{"hello":"world"}`)}
		mustEnqueue(t, db, job)
		select {
		case args := <-got:
			if args != `{"hello":"world"}` {
				t.Errorf("args %s", args)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the committed job did not run")
		}
		waitFor(t, 5*time.Second, "the job to be done", func() bool { return mustJob(t, db, job.ID).State == "done" })
		if j := mustJob(t, db, job.ID); j.Attempts != 1 {
			t.Errorf("attempts %d", j.Attempts)
		}
	})
}

func TestRolledBackJobNeverRuns(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, engine string) {
		db := storetest.Open(t, engine)
		r := jobs.New(db, jobs.Options{})
		var ran atomic.Int32
		r.Handle("test.echo", func(context.Context, *ally.Job) error { ran.Add(1); return nil })

		err := db.Write(context.Background(), func(tx ally.Tx) error {
			if err := tx.Enqueue(context.Background(), &ally.Job{Kind: "test.echo"}); err != nil {
				return err
			}
			return errBoom // the change fails, so its job must go with it
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("Write: %v", err)
		}
		mustRunOnce(t, r, 0)
		if ran.Load() != 0 {
			t.Error("a rolled-back job ran")
		}
	})
}

func TestRetryWithBackoffThenFail(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, engine string) {
		db := storetest.Open(t, engine)
		clk := newClock()
		var attempts []int
		r := jobs.New(db, jobs.Options{Now: clk.Now, Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }})
		r.Handle("test.fail", func(_ context.Context, j *ally.Job) error {
			attempts = append(attempts, j.Attempts)
			return errBoom
		})
		job := &ally.Job{Kind: "test.fail", MaxAttempts: 3, RunAt: clk.Now()}
		mustEnqueue(t, db, job)

		mustRunOnce(t, r, 1) // attempt 1 fails: next at +1m
		j := mustJob(t, db, job.ID)
		if j.State != "pending" || j.Attempts != 1 || j.LastError != "boom" || !j.RunAt.Equal(clk.Now().Add(time.Minute)) {
			t.Fatalf("after attempt 1: %+v (now %v)", j, clk.Now())
		}
		clk.Advance(59 * time.Second)
		mustRunOnce(t, r, 0) // not due yet
		clk.Advance(time.Second)
		mustRunOnce(t, r, 1) // attempt 2 fails: next at +2m
		clk.Advance(time.Minute)
		mustRunOnce(t, r, 0)
		clk.Advance(time.Minute)
		mustRunOnce(t, r, 1) // attempt 3 fails: no attempts left
		if j := mustJob(t, db, job.ID); j.State != "failed" || j.Attempts != 3 {
			t.Fatalf("after attempt 3: %+v", j)
		}
		clk.Advance(24 * time.Hour)
		mustRunOnce(t, r, 0)
		if len(attempts) != 3 || attempts[0] != 1 || attempts[2] != 3 {
			t.Errorf("attempts seen by the handler: %v", attempts)
		}
	})
}

func TestFailuresAndRecovery(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, engine string) {
		db := storetest.Open(t, engine)
		clk := newClock()
		r := jobs.New(db, jobs.Options{Now: clk.Now, Backoff: func(int) time.Duration { return time.Second }})
		r.Handle("test.flaky", func(_ context.Context, j *ally.Job) error {
			if j.Attempts < 3 {
				return errBoom
			}
			return nil
		})
		r.Handle("test.panic", func(context.Context, *ally.Job) error { panic("kaputt") })
		r.Handle("test.permanent", func(context.Context, *ally.Job) error {
			return jobs.Permanent(errors.New("recipient deleted"))
		})
		r.Handle("test.long", func(ctx context.Context, _ *ally.Job) error {
			return errors.New(strings.Repeat("é", 5000)) // longer than what is stored
		})
		flaky := &ally.Job{Kind: "test.flaky", RunAt: clk.Now()}
		panicky := &ally.Job{Kind: "test.panic", RunAt: clk.Now()}
		permanent := &ally.Job{Kind: "test.permanent", RunAt: clk.Now()}
		unknown := &ally.Job{Kind: "test.unknown", RunAt: clk.Now()}
		long := &ally.Job{Kind: "test.long", RunAt: clk.Now()}
		mustEnqueue(t, db, flaky, panicky, permanent, unknown)
		mustEnqueue(t, db, long)

		mustRunOnce(t, r, 4) // Concurrency 4 per batch; the unknown kind is not claimed
		mustRunOnce(t, r, 0)
		if j := mustJob(t, db, panicky.ID); j.State != "pending" || j.LastError != "panic: kaputt" {
			t.Errorf("panicking job: %+v", j)
		}
		if j := mustJob(t, db, unknown.ID); j.State != "pending" || j.Attempts != 0 || j.LastError != "" {
			t.Errorf("job without a handler was touched: %+v", j)
		}
		// A permanent error fails the job at once (the store's FailJob).
		if j := mustJob(t, db, permanent.ID); j.LastError != "recipient deleted" || j.State != "failed" || j.Attempts != 1 {
			t.Errorf("permanently failed job: %+v", j)
		}
		if j := mustJob(t, db, long.ID); len(j.LastError) > 2000 || !strings.HasPrefix(j.LastError, "éé") || strings.ContainsRune(j.LastError, '\uFFFD') {
			t.Errorf("long error stored as %d bytes", len(j.LastError))
		}

		r.Handle("test.unknown", func(context.Context, *ally.Job) error { return nil })
		for range 2 {
			clk.Advance(time.Second)
			_, _ = r.RunOnce(context.Background())
		}
		if j := mustJob(t, db, flaky.ID); j.State != "done" || j.Attempts != 3 {
			t.Errorf("flaky job: %+v", j)
		}
		if j := mustJob(t, db, unknown.ID); j.State != "done" {
			t.Errorf("job run once its handler exists: %+v", j)
		}
	})
}

// TestHandlerFinishesItsJob: a handler that marks its job done in the
// transaction of its work and returns ErrDone runs once; a second run
// (after its lock ran out) finds the job done and writes nothing again.
func TestHandlerFinishesItsJob(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, engine string) {
		db := storetest.Open(t, engine)
		clk := newClock()
		r := jobs.New(db, jobs.Options{Now: clk.Now, LockFor: time.Minute})
		var wrote atomic.Int32
		handler := func(ctx context.Context, j *ally.Job) error {
			err := db.Write(ctx, func(tx ally.Tx) error {
				if err := tx.FinishJob(ctx, j.ID, clk.Now()); err != nil {
					return err
				}
				wrote.Add(1)
				return nil
			})
			if ally.IsNotFound(err) {
				return jobs.ErrDone // an earlier run did the work
			}
			if err != nil {
				return err
			}
			return jobs.ErrDone
		}
		r.Handle("test.once", handler)
		job := &ally.Job{Kind: "test.once", RunAt: clk.Now()}
		mustEnqueue(t, db, job)
		mustRunOnce(t, r, 1)
		if j := mustJob(t, db, job.ID); j.State != "done" || j.LastError != "" || wrote.Load() != 1 {
			t.Fatalf("after the run: %+v, wrote %d times", j, wrote.Load())
		}
		// The same job run again, as after a crash between its commit and
		// the runner's record: nothing is written twice.
		if err := handler(context.Background(), job); !errors.Is(err, jobs.ErrDone) || wrote.Load() != 1 {
			t.Fatalf("second run: %v, wrote %d times", err, wrote.Load())
		}
	})
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.EngineSQLite)
	r := jobs.New(db, jobs.Options{Timeout: 50 * time.Millisecond})
	r.Handle("test.slow", func(ctx context.Context, _ *ally.Job) error {
		<-ctx.Done()
		return ctx.Err()
	})
	job := &ally.Job{Kind: "test.slow"}
	mustEnqueue(t, db, job)
	mustRunOnce(t, r, 1)
	if j := mustJob(t, db, job.ID); j.LastError != context.DeadlineExceeded.Error() {
		t.Errorf("timed-out job: %+v", j)
	}
}

func TestTwoRunnersShareJobs(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, engine string) {
		db, url := storetest.OpenURL(t, engine)
		other, err := store.Open(context.Background(), store.Config{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = other.Close() })

		const total = 200
		var mu sync.Mutex
		runs := map[string]int{}
		byRunner := map[string]int{}
		handler := func(name string) jobs.Handler {
			return func(_ context.Context, j *ally.Job) error {
				time.Sleep(time.Millisecond) // long enough for the other runner to claim meanwhile
				mu.Lock()
				defer mu.Unlock()
				runs[j.ID]++
				byRunner[name]++
				return nil
			}
		}
		var runners []*jobs.Runner
		for i, s := range []ally.Store{db, other} {
			r := jobs.New(s, jobs.Options{PollInterval: 5 * time.Millisecond})
			r.Handle("test.count", handler([]string{"a", "b"}[i]))
			runners = append(runners, r)
		}
		for i := 0; i < total; i += 50 {
			batch := make([]*ally.Job, 50)
			for k := range batch {
				batch[k] = &ally.Job{Kind: "test.count"}
			}
			mustEnqueue(t, db, batch...)
		}
		for _, r := range runners {
			if err := r.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, 60*time.Second, "200 jobs to run", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(runs) == total
		})
		for _, r := range runners {
			if err := r.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		for id, n := range runs {
			if n != 1 {
				t.Errorf("job %s ran %d times", id, n)
			}
		}
		if byRunner["a"] == 0 || byRunner["b"] == 0 {
			t.Errorf("one runner did all the work: %v", byRunner)
		}
		var done int
		if err := db.SQLDB().QueryRow(`SELECT COUNT(*) FROM jobs WHERE state = 'done'`).Scan(&done); err != nil || done != total {
			t.Errorf("%d jobs done (%v), want %d", done, err, total)
		}
		t.Logf("%s: runner a ran %d, b ran %d", engine, byRunner["a"], byRunner["b"])
	})
}
