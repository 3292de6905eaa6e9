package main

import (
	"context"
	"fmt"

	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/outbound"
	"github.com/allyprm/ally/internal/secretbox"
	"github.com/allyprm/ally/internal/store"
)

// openApp opens the configured database, applies pending migrations and
// builds the application over it. CLI commands act through m.app, as the
// system actor, never with SQL of their own.
func (m *Main) openApp(ctx context.Context) error {
	db, err := store.Open(ctx, store.Config{URL: m.cfg.DatabaseURL, DataDir: m.cfg.DataDir, Logger: m.log})
	if err != nil {
		return err
	}
	m.db = db
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating the %s database: %w", db.Engine(), err)
	}
	secrets, err := secretbox.New(m.cfg.SecretKey)
	if err != nil {
		return fmt.Errorf("ALLY_SECRET_KEY: %w", err)
	}
	m.app = app.New(db, app.WithLogger(m.log), app.WithBaseURL(m.cfg.BaseURL),
		app.WithOutbound(outbound.New(outbound.Options{AllowHosts: m.cfg.OutboundAllow, UserAgent: "Ally-Webhooks/1"})),
		app.WithSender(m.mailSender()), app.WithSecrets(secrets))
	return nil
}

func migrateCommand() *command {
	return &command{
		name:    "migrate",
		summary: "apply pending database migrations (serve also does this at start)",
		usesDB:  true,
		run: func(ctx context.Context, m *Main) error {
			fmt.Fprintf(m.Stdout, "%s database is up to date\n", m.db.Engine())
			return nil
		},
	}
}
