package main

import (
	"context"
	"path/filepath"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/mail"
)

// startJobs builds the background job runner over the store, registers
// every job kind and starts it. serve calls it once the HTTP server
// listens; Close stops it after the HTTP server and before the database.
// The runner ends only through Close, not with the context of Run.
func (m *Main) startJobs(ctx context.Context) error {
	m.jobs = jobs.New(m.db, jobs.Options{Logger: m.log})
	m.registerJobs(m.jobs)
	return m.jobs.Start(context.WithoutCancel(ctx))
}

// registerJobs registers the handler of each kind of job this binary runs.
// New kinds (sweeps, deliveries, CRM sync) are registered here.
func (m *Main) registerJobs(r *jobs.Runner) {
	r.Handle(mail.JobKind, mail.Handler(m.mailSender()))
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
		Settings: m.db.FindSettings,
		Env:      env,
		File:     mail.FileSender{Dir: dir, From: env.From, Logger: m.log},
	}
}
