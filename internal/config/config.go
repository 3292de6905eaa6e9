// Package config reads Ally's settings from flags and ALLY_* environment
// variables (a flag wins over its variable), checks every one of them and
// reports the first bad one in a single line that names it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Config is the whole configuration of one Ally process.
type Config struct {
	Addr            string        // host:port to listen on; port 0 picks a free port
	DataDir         string        // directory for the SQLite database and files
	DatabaseURL     string        // "" means the SQLite file ally.db in DataDir
	BaseURL         string        // absolute URL users reach Ally at, without a trailing slash
	BaseURLSet      bool          // false when BaseURL was derived from Addr
	SecretKey       string        // encrypts stored secrets (internal/secretbox); optional, at least 32 characters when set
	LogLevel        slog.Level    // debug, info, warn or error
	LogLevelSet     bool          // false when LogLevel is the default
	LogFormat       string        // text or json
	APIRate         float64       // API requests per second per key
	APIBurst        int           // API requests a key may make at once
	ShutdownTimeout time.Duration // how long to drain in-flight requests on stop
	OutboundAllow   []string      // hosts webhooks may reach although they resolve to internal addresses
	JobLock         time.Duration // how long a claimed job stays with its node before another may take it
	JobConcurrency  int           // jobs one node runs at once
	SMTP            SMTP
}

// SMTP is the outgoing mail server. An SMTP server set in the admin settings
// takes precedence; with neither, e-mails are written to files (package mail).
type SMTP struct {
	Host     string // "" means no server: e-mails go to files
	Port     int
	Username string
	Password string
	From     string // sender address, e.g. "Ally <ally@example.com>"
}

// Loader binds the settings to a flag set and then resolves them against the environment.
type Loader struct {
	fs    *flag.FlagSet
	flags map[string]*string // flag name -> value
}

// Bind registers a flag for every setting that has one on fs and returns the
// Loader that reads them after fs.Parse.
func Bind(fs *flag.FlagSet) *Loader {
	l := &Loader{fs: fs, flags: map[string]*string{}}
	for _, s := range settings() {
		if s.flag != "" {
			l.flags[s.flag] = fs.String(s.flag, "", s.usage+" (env "+s.env+")")
		}
	}
	return l
}

// Load resolves every setting from the parsed flags, then getenv, then the
// default, and checks it. The error names the flag or variable at fault.
func (l *Loader) Load(getenv func(string) string) (*Config, error) {
	given := map[string]bool{}
	l.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	c := &Config{}
	for _, s := range settings() {
		name, value := s.env, getenv(s.env)
		if s.flag != "" && given[s.flag] {
			name, value = "--"+s.flag, *l.flags[s.flag]
		}
		if value == "" {
			value = s.def
		} else if s.env == "ALLY_LOG_LEVEL" {
			c.LogLevelSet = true
		}
		if err := s.apply(c, value); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

// finish fills the defaults that depend on other settings and checks combinations.
func (c *Config) finish() error {
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	} else {
		c.BaseURLSet = true
	}
	if c.SMTP.Host != "" && c.SMTP.From == "" {
		return errors.New("ALLY_SMTP_FROM: is required when ALLY_SMTP_HOST is set")
	}
	return nil
}

// NewLogger returns the process logger writing to w in the configured format and level.
func (c *Config) NewLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// LogValue shows the configuration without its secrets.
func (c *Config) LogValue() slog.Value {
	db := c.DatabaseURL
	if db == "" {
		db = "sqlite in " + c.DataDir
	} else {
		db = redactURL(db)
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("dataDir", c.DataDir), slog.String("database", db),
		slog.String("baseURL", c.BaseURL), slog.Bool("secretKey", c.SecretKey != ""),
		slog.String("logLevel", strings.ToLower(c.LogLevel.String())), slog.String("logFormat", c.LogFormat),
		slog.Float64("apiRate", c.APIRate), slog.Int("apiBurst", c.APIBurst),
		slog.Duration("shutdownTimeout", c.ShutdownTimeout), slog.String("smtpHost", c.SMTP.Host),
	)
}
