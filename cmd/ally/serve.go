package main

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/allyprm/ally/internal/server"
)

func serveCommand() *command {
	return &command{
		name:    "serve",
		summary: "run the HTTP server (API at /api/v1, /healthz, /readyz, /metrics) and the background jobs",
		usesDB:  true,
		run:     func(ctx context.Context, m *Main) error { return m.serve(ctx) },
	}
}

// serve starts the HTTP server and then the background job runner, and
// returns once both run; Execute waits for a signal and Close drains them.
func (m *Main) serve(ctx context.Context) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(m.db.SQLDB(), m.db.Engine()))
	m.server = server.New(server.Config{
		Addr:            m.cfg.Addr,
		Logger:          m.log,
		ShutdownTimeout: m.cfg.ShutdownTimeout,
		Ready:           m.app.Ready,
		Routes:          m.routes,
		Registry:        reg,
	})
	if err := m.server.Open(); err != nil {
		return err
	}
	if !m.cfg.BaseURLSet {
		m.cfg.BaseURL = m.server.URL() // the real port when ALLY_ADDR asked for port 0
		m.app.SetBaseURL(m.cfg.BaseURL)
	}
	m.log.Info("listening on "+m.server.URL(), "addr", m.server.Addr(), "baseURL", m.cfg.BaseURL,
		"database", m.db.Engine(), "version", buildVersion().Version)
	m.log.Debug("configuration", "config", m.cfg)
	if m.cfg.SecretKey == "" {
		m.log.Warn("ALLY_SECRET_KEY is not set: webhook signing secrets, the SMTP password and two-step sign-in keys are stored unencrypted in the database")
	}
	if err := m.app.CheckSecretKey(ctx); err != nil {
		m.log.Error("the secrets stored in the database cannot be read: deliveries, e-mail and two-step sign-ins that need them fail until this node has the key they were encrypted with", "err", err)
	}
	return m.startJobs(ctx)
}
