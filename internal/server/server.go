// Package server is Ally's HTTP server: it listens, wraps every route with
// request ids, metrics, an access log and panic recovery, serves the health
// and metrics endpoints, and shuts down gracefully. The routes of the API
// (and later the admin UI and portal) are registered by the caller.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/allyprm/ally/internal/server/reqid"
)

// Timeouts and limits of the HTTP server. Slow clients may not hold
// connections open forever; request bodies are limited by the handlers.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 60 * time.Second
	WriteTimeout      = 90 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 64 << 10
)

// Config is what New needs.
type Config struct {
	Addr            string        // host:port; port 0 picks a free port
	Logger          *slog.Logger  // nil discards logs
	ShutdownTimeout time.Duration // how long Close lets in-flight requests finish; 0 means 15s
	// Ready reports whether the process can serve (the database answers); nil means always.
	Ready func(context.Context) error
	// Routes registers the application's routes (API, UI) on the mux.
	Routes func(mux *http.ServeMux)
	// Registry receives the HTTP metrics and is served at /metrics; nil makes a new one.
	Registry *prometheus.Registry
}

// Server is one HTTP server. Open starts it, Close stops it.
type Server struct {
	cfg      Config
	log      *slog.Logger
	metrics  *metrics
	handler  http.Handler
	http     *http.Server
	ln       net.Listener
	draining atomic.Bool
	done     chan error
}

// New builds the server and its routes; it does not listen yet.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 15 * time.Second
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	s := &Server{cfg: cfg, log: reqid.Logger(cfg.Logger), done: make(chan error, 1)}
	s.metrics = newMetrics(cfg.Registry)
	mux := http.NewServeMux()
	s.routes(mux)
	if cfg.Routes != nil {
		cfg.Routes(mux)
	}
	s.handler = s.requestID(s.observe(s.recoverer(mux)))
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the server's whole handler, middleware included, for in-process tests.
func (s *Server) Handler() http.Handler { return s.handler }

// Open listens on the configured address and serves in the background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	go func() {
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.done <- err
		}
		close(s.done)
	}()
	return nil
}

// Addr returns the address the server listens on, with the real port when
// the configured one was 0. It is "" before Open.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL returns http://<Addr>.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Done is closed when the server stops serving; it first yields the error
// when serving failed rather than being closed by Close.
func (s *Server) Done() <-chan error { return s.done }

// Close stops accepting connections and waits up to the shutdown timeout for
// in-flight requests to finish; requests still running then are cut off.
func (s *Server) Close() error {
	if s.ln == nil {
		return nil
	}
	s.draining.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		_ = s.http.Close()
		return fmt.Errorf("requests still running after %s were cut off", s.cfg.ShutdownTimeout)
	}
	return err
}
