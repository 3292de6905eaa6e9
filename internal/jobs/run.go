package jobs

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

// maxErrorLen bounds the error text stored on a job.
const maxErrorLen = 2000

// recordTimeout bounds writing a job's outcome. The outcome is written on
// a context of its own, so that work done before a shutdown is recorded
// and not done again.
const recordTimeout = 30 * time.Second

// RunOnce claims up to Concurrency due jobs, runs them in parallel and
// returns when all are recorded, with how many it claimed. Handler errors
// are recorded on the jobs, not returned; the error reports failures to
// claim or to record. For tests (with a fake clock) and for a manual kick.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	if !r.begin() {
		return 0, errStopped
	}
	defer r.running.Done()
	jobs, err := r.claim(ctx, r.opts.Concurrency)
	if err != nil {
		return 0, fmt.Errorf("jobs: claim: %w", err)
	}
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() { errs[i] = r.run(ctx, job) })
	}
	wg.Wait()
	return len(jobs), errors.Join(errs...)
}

// maxDueRounds bounds RunDue: jobs that keep enqueueing due jobs would
// otherwise keep it going for ever.
const maxDueRounds = 100_000

// RunDue runs RunOnce until a round claims nothing, and returns how many
// jobs ran: the work due now and the work it makes due now (a dispatch
// and its deliveries' first attempts). For tests.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	total := 0
	for range maxDueRounds {
		n, err := r.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, fmt.Errorf("jobs: still due after %d rounds", maxDueRounds)
}

// run runs one claimed job under parent and records the outcome. It
// returns only an error to record the outcome, which it also logs.
func (r *Runner) run(parent context.Context, job *ally.Job) error {
	start := time.Now()
	herr := r.call(parent, job)
	log := r.log.With("job", job.ID, "kind", job.Kind, "attempt", job.Attempts, "maxAttempts", job.MaxAttempts)

	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), recordTimeout)
	defer cancel()
	now := r.opts.Now()
	var err error
	switch {
	case herr == nil:
		err = r.store.CompleteJob(ctx, job.ID, now)
		log.Debug("job done", "took", time.Since(start))
	case errors.Is(herr, ErrDone):
		log.Debug("job done by its handler", "took", time.Since(start))
	case IsPermanent(herr):
		err = r.fail(ctx, job, now, cleanError(herr))
		log.Error("job failed for good", "err", herr)
	default:
		runAt := now.Add(r.opts.Backoff(job.Attempts))
		if ra := (*retryAtError)(nil); errors.As(herr, &ra) {
			runAt = ra.at
		}
		err = r.store.RetryJob(ctx, job.ID, runAt, cleanError(herr))
		if job.MaxAttempts > 0 && job.Attempts >= job.MaxAttempts {
			log.Error("job failed for good: no attempts left", "err", herr)
		} else {
			log.Warn("job failed; will retry", "err", herr, "retryAt", runAt)
		}
	}
	if err != nil {
		log.Error("recording the job's outcome failed; it runs again when its lock expires", "err", err)
		return fmt.Errorf("jobs: record %s: %w", job.ID, err)
	}
	return nil
}

// call runs the job's handler with the timeout, turning a missing handler
// and a panic into errors.
func (r *Runner) call(parent context.Context, job *ally.Job) (err error) {
	h := r.handler(job.Kind)
	if h == nil {
		// Claims ask only for kinds with a handler (Handle with a nil one
		// aside): retried rather than failed, like any mistake of ours.
		return fmt.Errorf("no handler for kind %s", job.Kind)
	}
	ctx, cancel := context.WithTimeout(parent, r.opts.Timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("job handler panicked", "job", job.ID, "kind", job.Kind, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, job)
}

// failer is a store that can fail a job at once, whatever attempts it has left.
type failer interface {
	FailJob(ctx context.Context, id string, at time.Time, lastError string) error
}

// fail ends a job that returned Permanent. Without a store method for it,
// the job is retried after the longest backoff, which keeps it from
// spinning while it uses up its attempts.
func (r *Runner) fail(ctx context.Context, job *ally.Job, now time.Time, msg string) error {
	if f, ok := r.store.(failer); ok {
		return f.FailJob(ctx, job.ID, now, msg)
	}
	return r.store.RetryJob(ctx, job.ID, now.Add(MaxBackoff), msg)
}

// cleanError makes an error storable: valid UTF-8 without NUL (the
// domain's text rule) and at most maxErrorLen bytes.
func cleanError(err error) string {
	s := strings.ReplaceAll(strings.ToValidUTF8(err.Error(), "\uFFFD"), "\x00", "")
	if len(s) <= maxErrorLen {
		return s
	}
	s = s[:maxErrorLen]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1] // cut inside a multi-byte character
	}
	return s
}
