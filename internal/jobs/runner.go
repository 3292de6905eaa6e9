package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errStopped is returned by Start and RunOnce after Stop.
var errStopped = errors.New("jobs: the runner is stopped")

// maxErrorWait caps the wait between claims while the database fails.
const maxErrorWait = 30 * time.Second

// kickGather is how long the poll loop waits after a Kick before it claims.
const kickGather = 20 * time.Millisecond

// Start runs the poll loop in a goroutine until Stop (or until ctx ends,
// which stops claiming but, unlike Stop, does not wait). Jobs already
// running are not cancelled by ctx: Stop drains them.
func (r *Runner) Start(ctx context.Context) error {
	r.life.Lock()
	defer r.life.Unlock()
	switch {
	case r.stopped:
		return errStopped
	case r.stop != nil:
		return errors.New("jobs: the runner is already started")
	}
	loopCtx, stop := context.WithCancel(ctx)
	r.stop = stop
	r.loop = make(chan struct{})
	go r.poll(loopCtx)
	r.log.Info("job runner started", "concurrency", r.opts.Concurrency, "pollInterval", r.opts.PollInterval)
	return nil
}

// Stop stops claiming jobs and waits for the running ones to finish, or
// until ctx ends: then it cancels their contexts and returns ctx's error.
// A job cut off this way stays locked until its lock expires and then runs
// again. Stop is for shutdown: the runner cannot be started again.
func (r *Runner) Stop(ctx context.Context) error {
	r.life.Lock()
	r.stopped = true // from here on RunOnce refuses, so running.Wait below is not raced by Add
	stop, loop := r.stop, r.loop
	r.life.Unlock()
	if stop != nil {
		stop()
		<-loop
	}
	done := make(chan struct{})
	go func() {
		r.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		if stop != nil {
			r.log.Info("job runner stopped")
		}
		return nil
	case <-ctx.Done():
		r.abort()
		return fmt.Errorf("jobs: stopping with jobs still running: %w", ctx.Err())
	}
}

// Kick makes the poll loop look for due jobs now instead of at its next
// tick, for example after enqueueing a job on this node.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default: // a kick is already pending
	}
}

// begin counts a batch of RunOnce as running, unless the runner is stopped.
func (r *Runner) begin() bool {
	r.life.Lock()
	defer r.life.Unlock()
	if r.stopped {
		return false
	}
	r.running.Add(1)
	return true
}

// poll claims as many jobs as there are free slots, runs each in a
// goroutine, and claims again at once when the batch was full (more may be
// due), else after PollInterval or a Kick.
func (r *Runner) poll(ctx context.Context) {
	defer close(r.loop)
	slots := make(chan struct{}, r.opts.Concurrency)
	wait := r.opts.PollInterval
	for {
		select {
		case slots <- struct{}{}: // wait until at least one job slot is free
		case <-ctx.Done():
			return
		}
		n := 1
	fill:
		for n < r.opts.Concurrency {
			select {
			case slots <- struct{}{}:
				n++
			default:
				break fill
			}
		}
		jobs, err := r.claim(ctx, n)
		for range n - len(jobs) {
			<-slots
		}
		for _, job := range jobs {
			r.running.Add(1) // before Stop's Wait: Stop waits for this loop to return first
			go func() {
				defer func() {
					<-slots
					r.running.Done()
				}()
				_ = r.run(r.jobCtx, job) // run logs what it could not record
			}()
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			r.log.Warn("claiming jobs failed", "err", err, "retryIn", wait)
		case len(jobs) == n:
			wait = r.opts.PollInterval
			continue
		default:
			wait = r.opts.PollInterval
		}
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
			// Kicks come with each piece of work (an intake each):
			// waiting a moment lets one claim take what a burst made.
			select {
			case <-ctx.Done():
				return
			case <-time.After(kickGather):
			}
		case <-time.After(wait):
		}
		if err != nil {
			wait = min(2*wait, maxErrorWait) // a failing database is not hammered
		}
	}
}
