package config

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// setting is one configuration value: where it comes from and how it lands in Config.
type setting struct {
	env   string // ALLY_* variable
	flag  string // flag name without dashes; "" for secrets, which stay out of process lists
	def   string
	usage string
	apply func(c *Config, v string) error
}

// Setting documents one setting for help text and the README.
type Setting struct {
	Env     string
	Flag    string // "" when the setting has no flag
	Default string
	Usage   string
}

// Settings lists every setting in the order help text shows them.
func Settings() []Setting {
	var out []Setting
	for _, s := range settings() {
		out = append(out, Setting{Env: s.env, Flag: s.flag, Default: s.def, Usage: s.usage})
	}
	return out
}

func settings() []setting {
	return []setting{
		{"ALLY_ADDR", "addr", "127.0.0.1:8080", "address to listen on, host:port; port 0 picks a free port",
			func(c *Config, v string) (err error) { c.Addr, err = parseAddr(v); return err }},
		{"ALLY_DATA_DIR", "data-dir", "./data", "directory for the SQLite database and files",
			func(c *Config, v string) error { c.DataDir = v; return nil }},
		{"ALLY_DATABASE_URL", "database-url", "", "database; default the SQLite file ally.db in the data directory, postgres://… selects PostgreSQL",
			func(c *Config, v string) (err error) { c.DatabaseURL, err = parseDatabaseURL(v); return err }},
		{"ALLY_BASE_URL", "base-url", "", "absolute http(s) URL users reach Ally at; default http://<addr>",
			func(c *Config, v string) (err error) { c.BaseURL, err = parseBaseURL(v); return err }},
		{"ALLY_SECRET_KEY", "", "", "key that encrypts the webhook signing secrets and the SMTP password in the database, at least 32 characters; without it they are stored unencrypted",
			func(c *Config, v string) error {
				if v != "" && len(v) < 32 {
					return fmt.Errorf("must be at least 32 characters, is %d", len(v))
				}
				c.SecretKey = v
				return nil
			}},
		{"ALLY_LOG_LEVEL", "log-level", "info", "log level: debug, info, warn or error",
			func(c *Config, v string) (err error) { c.LogLevel, err = parseLevel(v); return err }},
		{"ALLY_LOG_FORMAT", "log-format", "text", "log format: text or json",
			func(c *Config, v string) error {
				if v != "text" && v != "json" {
					return fmt.Errorf("%q is not text or json", v)
				}
				c.LogFormat = v
				return nil
			}},
		{"ALLY_API_RATE", "api-rate", "50", "API requests per second allowed per key",
			func(c *Config, v string) (err error) { c.APIRate, err = parsePositiveFloat(v); return err }},
		{"ALLY_API_BURST", "api-burst", "100", "API requests a key may make at once before the rate applies",
			func(c *Config, v string) (err error) { c.APIBurst, err = parsePositiveInt(v); return err }},
		{"ALLY_SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "how long to let in-flight requests finish on stop",
			func(c *Config, v string) (err error) { c.ShutdownTimeout, err = parseTimeout(v); return err }},
		{"ALLY_OUTBOUND_ALLOW", "outbound-allow", "", "comma-separated hosts (or host:port) webhooks may reach although they resolve to loopback or private addresses; empty allows none",
			func(c *Config, v string) (err error) { c.OutboundAllow, err = parseHostList(v); return err }},
		{"ALLY_JOB_LOCK", "job-lock", "5m", "how long a node holds a background job it claimed; after a crash another node takes the job over after this (at least 5s)",
			func(c *Config, v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d < 5*time.Second || d > 24*time.Hour {
					return fmt.Errorf("%q is not a duration from 5s to 24h", v)
				}
				c.JobLock = d
				return nil
			}},
		{"ALLY_JOB_CONCURRENCY", "job-concurrency", "8", "background jobs (webhooks, e-mails, imports) one node runs at once",
			func(c *Config, v string) (err error) { c.JobConcurrency, err = parsePositiveInt(v); return err }},
		{"ALLY_SMTP_HOST", "smtp-host", "", "SMTP server host name; empty writes e-mails as files into <data dir>/mail (unless the admin settings name a server)",
			func(c *Config, v string) error {
				if strings.ContainsAny(v, " /:@") {
					return fmt.Errorf("%q is not a host name", v)
				}
				c.SMTP.Host = v
				return nil
			}},
		{"ALLY_SMTP_PORT", "smtp-port", "587", "SMTP server port, 1 to 65535",
			func(c *Config, v string) error {
				p, err := strconv.Atoi(v)
				if err != nil || p < 1 || p > 65535 {
					return fmt.Errorf("%q is not a port from 1 to 65535", v)
				}
				c.SMTP.Port = p
				return nil
			}},
		{"ALLY_SMTP_USERNAME", "smtp-username", "", "SMTP user name",
			func(c *Config, v string) error { c.SMTP.Username = v; return nil }},
		{"ALLY_SMTP_PASSWORD", "", "", "SMTP password",
			func(c *Config, v string) error { c.SMTP.Password = v; return nil }},
		{"ALLY_SMTP_FROM", "smtp-from", "", "sender address, e.g. \"Ally <ally@example.com>\"; required with ALLY_SMTP_HOST",
			func(c *Config, v string) error {
				if v == "" {
					return nil
				}
				a, err := mail.ParseAddress(v)
				if err != nil || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@"):], ".") {
					return fmt.Errorf("%q is not an e-mail address", v)
				}
				c.SMTP.From = a.String()
				return nil
			}},
	}
}

// parseHostList splits a comma-separated list, dropping blanks.
func parseHostList(v string) ([]string, error) {
	var out []string
	for _, h := range strings.Split(v, ",") {
		h = strings.TrimSpace(h)
		if strings.ContainsAny(h, " /@") {
			return nil, fmt.Errorf("%q is not a host name or host:port", h)
		}
		if h != "" {
			out = append(out, h)
		}
	}
	return out, nil
}

func parseAddr(v string) (string, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil || strings.ContainsAny(host, " /") {
		return "", fmt.Errorf("%q is not host:port", v)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("%q is not host:port (the port must be a number from 0 to 65535)", v)
	}
	return v, nil
}

func parseDatabaseURL(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", errors.New("is not a URL") // the URL may hold a password: do not echo it
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		return v, nil
	case "sqlite", "file":
		return v, nil
	}
	return "", fmt.Errorf("scheme %q is not postgres:// or sqlite:", u.Scheme)
}

func parseBaseURL(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL like https://ally.example.com", v)
	}
	return strings.TrimSuffix(v, "/"), nil
}

func parseLevel(v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q is not debug, info, warn or error", v)
}

func parsePositiveFloat(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%q is not a number greater than 0", v)
	}
	return f, nil
}

func parsePositiveInt(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a whole number greater than 0", v)
	}
	return n, nil
}

func parseTimeout(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration greater than 0, like 15s or 1m", v)
	}
	return d, nil
}

// redactURL hides a password in a database URL.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
