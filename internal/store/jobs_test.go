package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

func mustEnqueue(t testing.TB, db *store.DB, jobs ...*ally.Job) {
	t.Helper()
	mustWrite(t, db, func(tx ally.Tx) error {
		for _, j := range jobs {
			if err := tx.Enqueue(context.Background(), j); err != nil {
				return err
			}
		}
		return nil
	})
}

// testKinds are the kinds of job these tests enqueue, what claim asks for.
var testKinds = []string{ally.JobDeliver, "email.send", "lost", "a", "b", "c", "later", "permanent", "k"}

func claim(t testing.TB, db *store.DB, worker string, n int, at, until time.Time) []*ally.Job {
	t.Helper()
	jobs, err := db.ClaimJobs(context.Background(), worker, testKinds, n, at, until)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return jobs
}

func jobIDs(js []*ally.Job) []string {
	out := []string{}
	for _, j := range js {
		out = append(out, j.ID)
	}
	return out
}

// jobState reads what ally.Job does not carry: the state and whether a
// finish time was recorded.
func jobState(t testing.TB, db *store.DB, id string) (state string, finished bool) {
	t.Helper()
	err := db.SQLDB().QueryRowContext(context.Background(),
		`SELECT state, finished_at IS NOT NULL FROM jobs WHERE id = $1`, id).Scan(&state, &finished)
	if err != nil {
		t.Fatal(err)
	}
	return state, finished
}

func TestEnqueue(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		before := now()
		j := &ally.Job{Kind: "email.send", Args: []byte(`{"to":["a@x.example"]}`)}
		mustEnqueue(t, db, j)
		if !ally.HasPrefix(j.ID, ally.PrefixJob) || j.MaxAttempts != store.DefaultMaxAttempts ||
			j.RunAt.Before(before) || !j.CreatedAt.Equal(j.RunAt) {
			t.Errorf("defaults: %+v", j)
		}
		got := claim(t, db, "w1", 10, time.Now(), time.Now().Add(time.Minute))
		want := *j
		want.Attempts = 1
		if len(got) != 1 || fmt.Sprint(*got[0]) != fmt.Sprint(want) {
			t.Errorf("claimed %+v, want %+v", got, want)
		}
		if err := db.CompleteJob(t.Context(), j.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.Write(t.Context(), func(tx ally.Tx) error { return tx.Enqueue(t.Context(), &ally.Job{}) }); err == nil {
			t.Error("a job without a kind was enqueued")
		}

		// A job enqueued in a transaction that rolls back never existed.
		boom := errors.New("boom")
		err := db.Write(t.Context(), func(tx ally.Tx) error {
			if err := tx.Enqueue(t.Context(), &ally.Job{Kind: "lost"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got := claim(t, db, "w1", 10, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour)); len(got) != 0 {
			t.Errorf("rolled-back job claimed: %+v", got)
		}
	})
}

// TestClaimOnlyKinds: a claim takes only the kinds it names (a runner's
// handlers), oldest first, and leaves the others due for another runner.
func TestClaimOnlyKinds(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		t0 := now()
		mail := &ally.Job{Kind: "email.send", RunAt: t0.Add(-2 * time.Second)}
		other := &ally.Job{Kind: "k", RunAt: t0.Add(-time.Second)}
		mustEnqueue(t, db, mail, other)
		got, err := db.ClaimJobs(t.Context(), "w", []string{"k", "unknown"}, 10, t0, t0.Add(time.Minute))
		if err != nil || len(got) != 1 || got[0].ID != other.ID {
			t.Fatalf("claim of k: %v %v", jobIDs(got), err)
		}
		if got, err := db.ClaimJobs(t.Context(), "w", nil, 10, t0, t0.Add(time.Minute)); err != nil || len(got) != 0 {
			t.Fatalf("claim of no kind: %v %v", jobIDs(got), err)
		}
		if got := claim(t, db, "w", 10, t0, t0.Add(time.Minute)); len(got) != 1 || got[0].ID != mail.ID {
			t.Fatalf("the e-mail job was not left due: %v", jobIDs(got))
		}
	})
}

// TestFinishJobInTransaction: a job finished in a transaction is done
// exactly when that transaction commits, and a second finish is
// ErrNotFound, which is how a handler knows its work is done.
func TestFinishJobInTransaction(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		t0 := now()
		j := &ally.Job{Kind: "k", RunAt: t0}
		mustEnqueue(t, db, j)
		rolledBack := errors.New("roll back")
		err := db.Write(t.Context(), func(tx ally.Tx) error {
			if err := tx.FinishJob(t.Context(), j.ID, t0); err != nil {
				return err
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			t.Fatal(err)
		}
		if s, _ := jobState(t, db, j.ID); s != "pending" {
			t.Fatalf("finished in a rolled-back transaction: %s", s)
		}
		finish := func(tx ally.Tx) error { return tx.FinishJob(t.Context(), j.ID, t0) }
		if err := db.Write(t.Context(), finish); err != nil {
			t.Fatal(err)
		}
		if s, fin := jobState(t, db, j.ID); s != "done" || !fin {
			t.Fatalf("finished job: %s, finished %v", s, fin)
		}
		wantIs(t, db.Write(t.Context(), finish), ally.ErrNotFound)
	})
}

// TestTakeJobs: a transaction takes the due jobs of a kind that no runner
// holds, oldest first, and they are done exactly when it commits.
func TestTakeJobs(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		t0 := now()
		old := &ally.Job{Kind: "k", RunAt: t0.Add(-2 * time.Second)}
		held := &ally.Job{Kind: "k", RunAt: t0.Add(-3 * time.Second)}
		young := &ally.Job{Kind: "k", RunAt: t0.Add(-time.Second)}
		future := &ally.Job{Kind: "k", RunAt: t0.Add(time.Hour)}
		other := &ally.Job{Kind: "a", RunAt: t0.Add(-time.Second)}
		mustEnqueue(t, db, old, held, young, future, other)
		if got := claim(t, db, "runner", 1, t0, t0.Add(time.Minute)); len(got) != 1 || got[0].ID != held.ID {
			t.Fatalf("claim: %v", jobIDs(got))
		}
		take := func(n int, fail error) []*ally.Job {
			var got []*ally.Job
			err := db.Write(t.Context(), func(tx ally.Tx) error {
				var err error
				if got, err = tx.TakeJobs(t.Context(), "k", n, t0); err != nil {
					return err
				}
				return fail
			})
			if !errors.Is(err, fail) {
				t.Fatal(err)
			}
			return got
		}
		rolledBack := errors.New("roll back")
		if got := take(10, rolledBack); len(got) != 2 {
			t.Fatalf("took %v", jobIDs(got))
		}
		if s, _ := jobState(t, db, old.ID); s != "pending" {
			t.Fatalf("taken in a rolled-back transaction: %s", s)
		}
		if got := take(1, nil); len(got) != 1 || got[0].ID != old.ID {
			t.Fatalf("took %v, want the oldest unheld [%s]", jobIDs(got), old.ID)
		}
		if got := take(10, nil); len(got) != 1 || got[0].ID != young.ID {
			t.Fatalf("took %v, want [%s]", jobIDs(got), young.ID)
		}
		for id, want := range map[string]string{old.ID: "done", young.ID: "done", held.ID: "pending", future.ID: "pending", other.ID: "pending"} {
			if s, _ := jobState(t, db, id); s != want {
				t.Errorf("job %s: %s, want %s", id, s, want)
			}
		}
	})
}

func TestJobLifecycle(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := now()
		a := &ally.Job{Kind: "a", RunAt: t0.Add(-2 * time.Second)}
		b := &ally.Job{Kind: "b", RunAt: t0.Add(-time.Second), MaxAttempts: 2}
		c := &ally.Job{Kind: "c", RunAt: t0.Add(-time.Second)} // same run_at as b: id decides
		later := &ally.Job{Kind: "later", RunAt: t0.Add(time.Hour)}
		mustEnqueue(t, db, later, c, b, a)
		first, second := b.ID, c.ID
		if c.ID < b.ID {
			first, second = c.ID, b.ID
		}

		got := claim(t, db, "w1", 2, t0, t0.Add(time.Minute))
		if ids := jobIDs(got); len(ids) != 2 || ids[0] != a.ID || ids[1] != first {
			t.Fatalf("first claim %v, want [%s %s]", ids, a.ID, first)
		}
		got = claim(t, db, "w2", 10, t0, t0.Add(time.Minute))
		if ids := jobIDs(got); len(ids) != 1 || ids[0] != second {
			t.Fatalf("second claim %v, want [%s]: locked and future jobs are not due", ids, second)
		}
		if got := claim(t, db, "w3", 10, t0.Add(30*time.Second), t0.Add(time.Minute)); len(got) != 0 {
			t.Fatalf("claimed locked jobs: %v", jobIDs(got))
		}

		if err := db.CompleteJob(ctx, a.ID, t0); err != nil {
			t.Fatal(err)
		}
		if s, fin := jobState(t, db, a.ID); s != "done" || !fin {
			t.Errorf("completed job: %s, finished %v", s, fin)
		}
		wantIs(t, db.CompleteJob(ctx, "job_missing", t0), ally.ErrNotFound)

		// b fails once: back to pending at its new time, with the error.
		if err := db.RetryJob(ctx, b.ID, t0.Add(10*time.Minute), "smtp: 451"); err != nil {
			t.Fatal(err)
		}
		// The locks of the others run out at t0+1m: c is claimed again, b is not due yet.
		got = claim(t, db, "w4", 10, t0.Add(2*time.Minute), t0.Add(time.Hour))
		if ids := jobIDs(got); len(ids) != 1 || ids[0] != c.ID || got[0].Attempts != 2 {
			t.Fatalf("after lock expiry: %+v, want %s on its second attempt", got, c.ID)
		}
		got = claim(t, db, "w4", 10, t0.Add(11*time.Minute), t0.Add(12*time.Minute))
		if len(got) != 1 || got[0].ID != b.ID || got[0].Attempts != 2 || got[0].LastError != "smtp: 451" {
			t.Fatalf("retried job: %+v", got)
		}
		// Its second failure uses its last attempt: failed for good, never claimed again.
		if err := db.RetryJob(ctx, b.ID, t0.Add(20*time.Minute), "smtp: 550"); err != nil {
			t.Fatal(err)
		}
		if s, fin := jobState(t, db, b.ID); s != "failed" || !fin {
			t.Errorf("out of attempts: %s, finished %v", s, fin)
		}
		if got := claim(t, db, "w5", 10, t0.Add(24*time.Hour), t0.Add(25*time.Hour)); len(got) != 2 ||
			got[0].ID != c.ID || got[1].ID != later.ID {
			t.Errorf("a day later: %v, want only c (its lock ran out) and later", jobIDs(got))
		}
		// A done job is not retried back to life.
		wantIs(t, db.RetryJob(ctx, a.ID, t0, "late failure"), ally.ErrNotFound)
		if s, _ := jobState(t, db, a.ID); s != "done" {
			t.Errorf("done job after retry: %s", s)
		}
		// A permanent error fails a job at once, attempts left or not.
		retry := &ally.Job{Kind: "permanent", RunAt: t0}
		mustEnqueue(t, db, retry)
		if err := db.FailJob(ctx, retry.ID, t0, "bad address"); err != nil {
			t.Fatal(err)
		}
		if s, fin := jobState(t, db, retry.ID); s != "failed" || !fin {
			t.Errorf("failed job: %s, finished %v", s, fin)
		}
		wantIs(t, db.FailJob(ctx, retry.ID, t0, "again"), ally.ErrNotFound)
		if got := claim(t, db, "w6", 0, t0.Add(48*time.Hour), t0.Add(49*time.Hour)); len(got) != 0 {
			t.Errorf("n = 0 claimed %v", jobIDs(got))
		}
	})
}

// TestClaimJobsConcurrent has eight workers claim from 300 jobs at once,
// on PostgreSQL through two stores (two nodes) on the same schema: every
// job is claimed exactly once.
func TestClaimJobsConcurrent(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			db, url := storetest.OpenURL(t, engine)
			nodes := []*store.DB{db}
			if engine == store.EnginePostgres {
				other, err := store.Open(t.Context(), store.Config{URL: url})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { other.Close() })
				nodes = append(nodes, other)
			}
			const total = 300
			jobs := make([]*ally.Job, total)
			for i := range jobs {
				jobs[i] = &ally.Job{Kind: "k", Args: []byte(fmt.Sprint(i))}
			}
			mustEnqueue(t, db, jobs...)

			var mu sync.Mutex
			claimedBy := map[string][]string{}
			var wg sync.WaitGroup
			at := time.Now().Add(time.Second)
			for w := range 8 {
				node := nodes[w%len(nodes)]
				worker := fmt.Sprintf("node%d-w%d", w%len(nodes), w)
				wg.Go(func() {
					for {
						got, err := node.ClaimJobs(context.Background(), worker, testKinds, 7, at, at.Add(time.Hour))
						if err != nil {
							t.Error(err)
							return
						}
						if len(got) == 0 {
							return
						}
						mu.Lock()
						for _, j := range got {
							claimedBy[j.ID] = append(claimedBy[j.ID], worker)
						}
						mu.Unlock()
						for _, j := range got {
							if err := node.CompleteJob(context.Background(), j.ID, at); err != nil {
								t.Error(err)
							}
						}
					}
				})
			}
			wg.Wait()
			if len(claimedBy) != total {
				t.Errorf("%d of %d jobs claimed", len(claimedBy), total)
			}
			for id, ws := range claimedBy {
				if len(ws) != 1 {
					t.Errorf("job %s claimed by %s", id, strings.Join(ws, ", "))
				}
			}
		})
	}
}
