// Command ally is Ally's one binary: the HTTP server and the admin commands
// (migrate, user, apikey, demo, version). See "ally help".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/config"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/server"
	"github.com/allyprm/ally/internal/server/reqid"
	"github.com/allyprm/ally/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once instead of waiting for the drain
	}()
	code := NewMain().Execute(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main is the program: ParseFlags reads the command line and configuration,
// Run does the command (for serve: starts serving and returns), Close
// releases what Run opened, in order. Tests boot the real program through it.
type Main struct {
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	cmd  *command
	args []string // the command's positional arguments
	cfg  *config.Config
	log  *slog.Logger

	db     *store.DB
	app    *app.App
	server *server.Server
	jobs   *jobs.Runner // background jobs, while serving; see jobs.go
	sweep  func()       // stops the periodic sweep, while serving; see jobs.go
}

// NewMain returns a Main wired to the process's standard streams and environment.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Execute runs the whole program for args and returns the exit code: it
// parses, runs, waits for ctx (a signal) while serving, and closes.
func (m *Main) Execute(ctx context.Context, args []string) int {
	if err := m.ParseFlags(args); err != nil {
		return m.fail(err)
	}
	err := m.Run(ctx)
	if err == nil && m.server != nil {
		select {
		case <-ctx.Done():
			m.log.Info("shutting down: no new connections; finishing requests in flight", "timeout", m.cfg.ShutdownTimeout)
		case err = <-m.server.Done():
			err = fmt.Errorf("serving HTTP: %w", err)
		}
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m.fail(err)
	}
	return 0
}

// Run executes the parsed command. Commands that touch the database open it
// and apply migrations first.
func (m *Main) Run(ctx context.Context) error {
	if m.cmd == nil {
		return errors.New("Run before ParseFlags")
	}
	if m.cfg != nil {
		if m.cmd.quiet && !m.cfg.LogLevelSet {
			m.cfg.LogLevel = slog.LevelWarn // keep a one-off command's output to its result
		}
		m.log = reqid.Logger(m.cfg.NewLogger(m.Stderr)) // log lines carry the request id
	}
	if m.cmd.usesDB {
		if err := m.openApp(ctx); err != nil {
			return err
		}
	}
	return m.cmd.run(ctx, m)
}

// Close stops the HTTP server (draining requests in flight), then the
// background jobs (letting running ones finish), then closes the database.
// It is safe to call after a failed Run.
func (m *Main) Close() error {
	var errs []error
	if m.server != nil {
		if err := m.server.Close(); err != nil {
			errs = append(errs, fmt.Errorf("stopping HTTP server: %w", err))
		}
		m.log.Info("HTTP server stopped")
		m.server = nil
	}
	if m.sweep != nil {
		m.sweep()
		m.sweep = nil
	}
	if m.jobs != nil {
		// Same bound as the HTTP drain; a job cut off runs again once its lock expires.
		ctx, cancel := context.WithTimeout(context.Background(), m.cfg.ShutdownTimeout)
		if err := m.jobs.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stopping background jobs: %w", err))
		}
		cancel()
		m.jobs = nil
	}
	if m.db != nil {
		if err := m.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing database: %w", err))
		} else {
			m.log.Info("database closed")
		}
		m.db = nil
	}
	return errors.Join(errs...)
}

// fail reports err on one line of stderr and returns the exit code for it:
// 0 for a help request, 2 for a usage mistake, else 1.
func (m *Main) fail(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(m.Stderr, "ally: "+oneLine(err.Error()))
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// oneLine keeps an error message to the single line promised to operators.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
