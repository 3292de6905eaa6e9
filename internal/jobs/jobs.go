// Package jobs runs Ally's durable background work: jobs are rows in the
// database (ally.Job), enqueued in the transaction of the change that
// causes them (Tx.Enqueue) and run after commit by a Runner on any node.
//
// A Runner claims due jobs of the kinds it has handlers for with
// Store.ClaimJobs, which locks them for Options.LockFor and counts an
// attempt, runs the handler registered for the job's kind, and records the
// outcome: CompleteJob on success, RetryJob with a backoff on failure (the
// store fails the job for good when it has used its attempts). A job whose
// runner dies stays locked until its lock expires and is then claimed
// again, so a handler must be safe to run more than once: delivery is at
// least once. A handler whose work is one transaction can make it exactly
// once instead: it marks the job done in that transaction
// (ally.Tx.FinishJob) and returns ErrDone.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Handler does the work of one job. Returning an error retries the job
// later; returning Permanent(err) fails it without retrying. The context
// ends at the job's timeout or when the runner is stopped for good.
type Handler func(ctx context.Context, job *ally.Job) error

// Options tune a Runner; the zero value of each field means its default.
type Options struct {
	Logger *slog.Logger // nil discards
	// Worker names this node in the jobs it locks; default hostname-pid-random.
	Worker string
	// Concurrency is how many jobs run at once on this runner; default 4.
	Concurrency int
	// PollInterval is how long the runner waits when nothing was due; default 1s.
	PollInterval time.Duration
	// LockFor is how long a claimed job stays locked to this runner; after
	// it, another runner may claim the job again. Default 5 minutes.
	LockFor time.Duration
	// Timeout bounds one run of a handler; default 1 minute. It is kept
	// under LockFor, so no job runs past its lock on another node too.
	Timeout time.Duration
	// Backoff says how long to wait before the next try after a failed
	// attempt (1 for the first). Default: DefaultBackoff.
	Backoff func(attempt int) time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Runner claims and runs jobs. Register handlers with Handle, then Start;
// Stop drains. RunOnce runs one batch synchronously instead.
type Runner struct {
	store ally.Store
	opts  Options
	log   *slog.Logger

	mu       sync.RWMutex
	handlers map[string]Handler
	kinds    []string // the handlers' kinds, what claims ask for

	life    sync.Mutex // guards the fields below
	stopped bool
	stop    context.CancelFunc // ends the poll loop
	abort   context.CancelFunc // ends the running handlers' contexts
	loop    chan struct{}      // closed when the poll loop has returned
	jobCtx  context.Context    // parent of every handler's context
	running sync.WaitGroup     // handlers in flight (loop and RunOnce)
	kick    chan struct{}
}

// New returns a Runner over store with opts' defaults filled in.
func New(store ally.Store, opts Options) *Runner {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Worker == "" {
		opts.Worker = defaultWorker()
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.LockFor <= 0 {
		opts.LockFor = 5 * time.Minute
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	if limit := opts.LockFor * 9 / 10; opts.Timeout > limit {
		opts.Timeout = limit
	}
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	jobCtx, abort := context.WithCancel(context.Background())
	return &Runner{
		store:    store,
		opts:     opts,
		log:      opts.Logger.With("worker", opts.Worker),
		handlers: map[string]Handler{},
		jobCtx:   jobCtx,
		abort:    abort,
		kick:     make(chan struct{}, 1),
	}
}

// Handle registers h for jobs of kind, replacing an earlier one. It may be
// called before or after Start. The runner claims only the kinds it has
// handlers for, so a node without one (an older version, during a rolling
// deploy) leaves those jobs to the nodes that have it.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
	r.kinds = slices.Sorted(maps.Keys(r.handlers))
}

// claim claims up to n due jobs of the kinds this runner handles.
func (r *Runner) claim(ctx context.Context, n int) ([]*ally.Job, error) {
	r.mu.RLock()
	kinds := r.kinds
	r.mu.RUnlock()
	now := r.opts.Now()
	return r.store.ClaimJobs(ctx, r.opts.Worker, kinds, n, now, now.Add(r.opts.LockFor))
}

func (r *Runner) handler(kind string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[kind]
}

// Worker returns the name this runner locks jobs under.
func (r *Runner) Worker() string { return r.opts.Worker }

// MaxBackoff caps DefaultBackoff.
const MaxBackoff = 6 * time.Hour

// DefaultBackoff waits 10s after the first failed attempt and doubles with
// each further one, up to MaxBackoff, with ±20% jitter so jobs that failed
// together (an SMTP server down) do not all come back at the same moment.
func DefaultBackoff(attempt int) time.Duration {
	d := MaxBackoff
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 22 { // 10s << 21 already passes MaxBackoff; no overflow
		d = min(10*time.Second<<(attempt-1), MaxBackoff)
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// ErrDone is what a handler returns when it has marked its job done itself,
// in the transaction of its work (ally.Tx.FinishJob), so that the work is
// done exactly once: the runner then records nothing more.
var ErrDone = errors.New("jobs: done by its handler")

// Permanent wraps err so that the job fails without further attempts,
// for work that can never succeed (arguments that do not decode, a
// recipient that was deleted). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// retryAtError asks for the next attempt at a given time.
type retryAtError struct {
	err error
	at  time.Time
}

func (e *retryAtError) Error() string { return e.err.Error() }
func (e *retryAtError) Unwrap() error { return e.err }

// RetryAt wraps err so that the job's next attempt is at t instead of the
// runner's backoff: for handlers with their own schedule (webhooks, which
// honour Retry-After). RetryAt(nil, t) is nil.
func RetryAt(err error, t time.Time) error {
	if err == nil {
		return nil
	}
	return &retryAtError{err: err, at: t}
}

// IsPermanent reports whether err (or an error it wraps) came from Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// defaultWorker names this process: host and pid say where a stuck job
// ran; the random part tells apart two runners in one process (tests).
func defaultWorker() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "ally"
	}
	return fmt.Sprintf("%s-%d-%04x", host, os.Getpid(), rand.IntN(1<<16))
}
