package mail

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
)

// JobKind is the kind of the job that sends one e-mail.
const JobKind = "email.send"

// JobMaxAttempts is how often a message is tried. With the runner's default
// backoff (10s doubling) the last try is about six hours after the first,
// long enough for an admin to fix the SMTP settings.
const JobMaxAttempts = 12

// NewJob returns the job that sends m, for the application to enqueue in
// the transaction of the change that causes the e-mail (Tx.Enqueue), so the
// message goes out once that change commits, and never if it rolls back.
func NewJob(m ally.Email) (*ally.Job, error) {
	if len(m.To) == 0 {
		return nil, fmt.Errorf("mail: job for %q has no recipient", m.Subject)
	}
	args, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("mail: encode job: %w", err)
	}
	return &ally.Job{
		ID:          ally.NewID(ally.PrefixJob),
		Kind:        JobKind,
		Args:        args,
		MaxAttempts: JobMaxAttempts,
	}, nil
}

// FromJob decodes the e-mail a JobKind job carries.
func FromJob(job *ally.Job) (ally.Email, error) {
	var m ally.Email
	if job.Kind != JobKind {
		return m, fmt.Errorf("mail: job %s is a %s, not an e-mail", job.ID, job.Kind)
	}
	if err := json.Unmarshal(job.Args, &m); err != nil {
		return m, fmt.Errorf("mail: job %s: bad arguments: %w", job.ID, err)
	}
	return m, nil
}

// Handler returns the job handler for JobKind, sending through s. A send
// error is returned, so the runner retries with backoff; arguments that do
// not decode can never succeed and fail the job for good.
func Handler(s Sender) jobs.Handler {
	return func(ctx context.Context, job *ally.Job) error {
		m, err := FromJob(job)
		if err != nil {
			return jobs.Permanent(err)
		}
		if len(m.To) == 0 {
			return jobs.Permanent(fmt.Errorf("mail: job %s: no recipient", job.ID))
		}
		return s.Send(ctx, m)
	}
}
