package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/mail"
)

// startJobs builds the background job runner over the store, registers
// every job kind and starts it. serve calls it once the HTTP server
// listens; Close stops it after the HTTP server and before the database.
// The runner ends only through Close, not with the context of Run.
func (m *Main) startJobs(ctx context.Context) error {
	m.jobs = jobs.New(m.db, jobs.Options{Logger: m.log, LockFor: m.cfg.JobLock, Concurrency: m.cfg.JobConcurrency})
	m.registerJobs(m.jobs)
	if err := m.jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	m.sweep = m.startSweep(sweepEvery)
	return nil
}

// sweepEvery is how often each node deletes expired sessions, spent tokens,
// old login failures and finished jobs. The sweep is idempotent, so nodes
// need not agree on who runs it.
const sweepEvery = 10 * time.Minute

// startSweep runs app.Sweep every interval until the returned stop is called.
func (m *Main) startSweep(every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n, err := m.app.Sweep(ctx); err != nil && ctx.Err() == nil {
					m.log.Warn("sweep", "err", err)
				} else if n > 0 {
					m.log.Debug("sweep", "deleted", n)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// registerJobs registers the handler of each kind of job this binary runs.
// New kinds (CRM sync) are registered here.
func (m *Main) registerJobs(r *jobs.Runner) {
	r.Handle(mail.JobKind, mail.Handler(m.mailSender()))
	r.Handle(app.JobPartnerUpdated, m.partnerUpdated)
	m.app.ServeJobs(r)
}

// partnerUpdated consumes a partner's own profile edit. The CRM connector
// that pushes it to the vendor's CRM comes with the CRM sync; until then the
// event is logged and done, so it does not pile up as failed work.
func (m *Main) partnerUpdated(ctx context.Context, j *ally.Job) error {
	m.log.Info("partner.updated: no CRM connector configured; nothing to push", "job", j.ID)
	return nil
}

// mailSender sends e-mail through the SMTP server of the admin settings,
// else of ALLY_SMTP_*, else into .eml files in <data dir>/mail, deciding
// per message so a change in the admin UI applies at once.
func (m *Main) mailSender() mail.Dynamic {
	env := ally.SMTPSettings{Host: m.cfg.SMTP.Host, Port: m.cfg.SMTP.Port,
		Username: m.cfg.SMTP.Username, Password: m.cfg.SMTP.Password, From: m.cfg.SMTP.From}
	dir := filepath.Join(m.cfg.DataDir, "mail")
	if env.Host != "" {
		m.log.Info("e-mail goes to "+env.Host+" unless the admin settings name another SMTP server", "smtpHost", env.Host)
	} else {
		m.log.Info("no SMTP server configured: e-mails are written to "+dir+" unless the admin settings name one", "dir", dir)
	}
	return mail.Dynamic{
		// Read through the app, which opens the stored SMTP password; m.app
		// is set by the time anything is sent.
		Settings: func(ctx context.Context) (*ally.Settings, error) { return m.app.MailSettings(ctx) },
		Env:      env,
		File:     mail.FileSender{Dir: dir, From: env.From, Logger: m.log},
	}
}
