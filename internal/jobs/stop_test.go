package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/store/storetest"
)

func TestStopWaitsForRunningJob(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, engine string) {
		db := storetest.Open(t, engine)
		r := jobs.New(db, jobs.Options{PollInterval: 5 * time.Millisecond})
		started, release := make(chan struct{}), make(chan struct{})
		r.Handle("test.block", func(ctx context.Context, _ *ally.Job) error {
			close(started)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		job := &ally.Job{Kind: "test.block"}
		mustEnqueue(t, db, job)
		<-started

		stopped := make(chan error, 1)
		go func() { stopped <- r.Stop(context.Background()) }()
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned while a job was running: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		if j := mustJob(t, db, job.ID); j.State != "done" {
			t.Errorf("job after Stop: %+v", j)
		}
		if _, err := r.RunOnce(context.Background()); err == nil {
			t.Error("RunOnce after Stop")
		}
		if err := r.Start(context.Background()); err == nil {
			t.Error("Start after Stop")
		}
	})
}

func TestStopGivesUpAtDeadline(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	r := jobs.New(db, jobs.Options{PollInterval: 5 * time.Millisecond})
	started, cancelled := make(chan struct{}), make(chan struct{})
	r.Handle("test.stuck", func(ctx context.Context, _ *ally.Job) error {
		close(started)
		<-ctx.Done() // only the abort at Stop's deadline ends it
		close(cancelled)
		return ctx.Err()
	})
	// Start's context ending stops claiming but does not cancel running jobs.
	startCtx, cancelStart := context.WithCancel(context.Background())
	if err := r.Start(startCtx); err != nil {
		t.Fatal(err)
	}
	mustEnqueue(t, db, &ally.Job{Kind: "test.stuck"})
	<-started
	cancelStart()
	select {
	case <-cancelled:
		t.Fatal("the job was cancelled with Start's context")
	case <-time.After(50 * time.Millisecond):
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := r.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the job's context was not cancelled")
	}
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		attempt int
		base    time.Duration
	}{{0, 10 * time.Second}, {1, 10 * time.Second}, {2, 20 * time.Second}, {5, 160 * time.Second},
		{12, 20480 * time.Second}, {13, jobs.MaxBackoff}, {40, jobs.MaxBackoff}, {1 << 30, jobs.MaxBackoff}} {
		for range 20 {
			d := jobs.DefaultBackoff(tt.attempt)
			if d < tt.base*8/10 || d > tt.base*12/10 {
				t.Errorf("DefaultBackoff(%d) = %v, want %v ±20%%", tt.attempt, d, tt.base)
			}
		}
	}
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	if jobs.Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
	err := jobs.Permanent(errBoom)
	if !jobs.IsPermanent(err) || !errors.Is(err, errBoom) || err.Error() != "boom" {
		t.Errorf("Permanent: %v", err)
	}
	if jobs.IsPermanent(errBoom) {
		t.Error("a plain error is permanent")
	}
}
