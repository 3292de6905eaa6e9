package config_test

import (
	"flag"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/config"
)

func load(t *testing.T, env map[string]string, args ...string) (*config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l := config.Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return l.Load(func(k string) string { return env[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		Addr: "127.0.0.1:8080", DataDir: "./data", BaseURL: "http://127.0.0.1:8080",
		LogLevel: slog.LevelInfo, LogFormat: "text", APIRate: 50, APIBurst: 100,
		ShutdownTimeout: 15 * time.Second, SMTP: config.SMTP{Port: 587},
		JobLock: 5 * time.Minute, JobConcurrency: 8,
	}
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", *c, want)
	}
}

type goodCase struct {
	env   string
	value string
	check func(c *config.Config) bool
}

func goodCases() []goodCase {
	return []goodCase{
		{"ALLY_ADDR", "0.0.0.0:9000", func(c *config.Config) bool { return c.Addr == "0.0.0.0:9000" && c.BaseURL == "http://0.0.0.0:9000" }},
		{"ALLY_ADDR", ":8080", func(c *config.Config) bool { return c.Addr == ":8080" }},
		{"ALLY_ADDR", "127.0.0.1:0", func(c *config.Config) bool { return c.Addr == "127.0.0.1:0" }},
		{"ALLY_ADDR", "[::1]:8080", func(c *config.Config) bool { return c.Addr == "[::1]:8080" }},
		{"ALLY_DATA_DIR", "/var/lib/ally", func(c *config.Config) bool { return c.DataDir == "/var/lib/ally" }},
		{"ALLY_DATABASE_URL", "postgres://ally:pw@db:5432/ally?sslmode=disable", func(c *config.Config) bool {
			return c.DatabaseURL == "postgres://ally:pw@db:5432/ally?sslmode=disable"
		}},
		{"ALLY_DATABASE_URL", "postgresql://db/ally", func(c *config.Config) bool { return c.DatabaseURL == "postgresql://db/ally" }},
		{"ALLY_BASE_URL", "https://ally.example.com/", func(c *config.Config) bool {
			return c.BaseURL == "https://ally.example.com" && c.BaseURLSet
		}},
		{"ALLY_BASE_URL", "http://localhost:8080/ally", func(c *config.Config) bool { return c.BaseURL == "http://localhost:8080/ally" }},
		{"ALLY_SECRET_KEY", strings.Repeat("k", 32), func(c *config.Config) bool { return len(c.SecretKey) == 32 }},
		{"ALLY_LOG_LEVEL", "debug", func(c *config.Config) bool { return c.LogLevel == slog.LevelDebug && c.LogLevelSet }},
		{"ALLY_LOG_LEVEL", "WARN", func(c *config.Config) bool { return c.LogLevel == slog.LevelWarn }},
		{"ALLY_LOG_LEVEL", "error", func(c *config.Config) bool { return c.LogLevel == slog.LevelError }},
		{"ALLY_LOG_FORMAT", "json", func(c *config.Config) bool { return c.LogFormat == "json" }},
		{"ALLY_API_RATE", "2.5", func(c *config.Config) bool { return c.APIRate == 2.5 }},
		{"ALLY_API_BURST", "7", func(c *config.Config) bool { return c.APIBurst == 7 }},
		{"ALLY_SHUTDOWN_TIMEOUT", "1m30s", func(c *config.Config) bool { return c.ShutdownTimeout == 90*time.Second }},
		{"ALLY_OUTBOUND_ALLOW", " hooks.internal, 10.0.0.5:8443 ,", func(c *config.Config) bool {
			return reflect.DeepEqual(c.OutboundAllow, []string{"hooks.internal", "10.0.0.5:8443"})
		}},
		{"ALLY_JOB_LOCK", "30s", func(c *config.Config) bool { return c.JobLock == 30*time.Second }},
		{"ALLY_JOB_CONCURRENCY", "3", func(c *config.Config) bool { return c.JobConcurrency == 3 }},
		{"ALLY_SMTP_HOST", "smtp.example.com", nil}, // needs ALLY_SMTP_FROM: see TestSMTP
		{"ALLY_SMTP_PORT", "465", func(c *config.Config) bool { return c.SMTP.Port == 465 }},
		{"ALLY_SMTP_USERNAME", "mailer", func(c *config.Config) bool { return c.SMTP.Username == "mailer" }},
		{"ALLY_SMTP_PASSWORD", "hunter2", func(c *config.Config) bool { return c.SMTP.Password == "hunter2" }},
		{"ALLY_SMTP_FROM", "Ally <ally@example.com>", func(c *config.Config) bool { return c.SMTP.From == `"Ally" <ally@example.com>` }},
		{"ALLY_SMTP_FROM", "ally@example.com", func(c *config.Config) bool { return c.SMTP.From == "<ally@example.com>" }},
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	for _, tt := range goodCases() {
		if tt.check == nil {
			continue
		}
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			c, err := load(t, map[string]string{tt.env: tt.value})
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !tt.check(c) {
				t.Errorf("setting not applied: %+v", *c)
			}
		})
	}
}

type badCase struct{ env, value, want string }

func badCases() []badCase {
	return []badCase{
		{"ALLY_ADDR", "nonsense", `ALLY_ADDR: "nonsense" is not host:port`},
		{"ALLY_ADDR", "127.0.0.1", `ALLY_ADDR: "127.0.0.1" is not host:port`},
		{"ALLY_ADDR", "127.0.0.1:http", `ALLY_ADDR: "127.0.0.1:http" is not host:port (the port must be a number from 0 to 65535)`},
		{"ALLY_ADDR", "127.0.0.1:70000", `ALLY_ADDR: "127.0.0.1:70000" is not host:port (the port must be a number from 0 to 65535)`},
		{"ALLY_ADDR", "http://x:80", `ALLY_ADDR: "http://x:80" is not host:port`},
		{"ALLY_DATABASE_URL", "mysql://db/ally", `ALLY_DATABASE_URL: scheme "mysql" is not postgres:// or sqlite:`},
		{"ALLY_DATABASE_URL", "postgres://u:secret@db/%zz", `ALLY_DATABASE_URL: is not a URL`},
		{"ALLY_BASE_URL", "ally.example.com", `ALLY_BASE_URL: "ally.example.com" is not an absolute http(s) URL like https://ally.example.com`},
		{"ALLY_BASE_URL", "ftp://ally.example.com", `ALLY_BASE_URL: "ftp://ally.example.com" is not an absolute http(s) URL like https://ally.example.com`},
		{"ALLY_BASE_URL", "https://ally.example.com/?x=1", `ALLY_BASE_URL: "https://ally.example.com/?x=1" is not an absolute http(s) URL like https://ally.example.com`},
		{"ALLY_SECRET_KEY", "short-secret", `ALLY_SECRET_KEY: must be at least 32 characters, is 12`},
		{"ALLY_LOG_LEVEL", "loud", `ALLY_LOG_LEVEL: "loud" is not debug, info, warn or error`},
		{"ALLY_LOG_FORMAT", "xml", `ALLY_LOG_FORMAT: "xml" is not text or json`},
		{"ALLY_API_RATE", "0", `ALLY_API_RATE: "0" is not a number greater than 0`},
		{"ALLY_API_RATE", "-1", `ALLY_API_RATE: "-1" is not a number greater than 0`},
		{"ALLY_API_RATE", "fast", `ALLY_API_RATE: "fast" is not a number greater than 0`},
		{"ALLY_API_RATE", "Inf", `ALLY_API_RATE: "Inf" is not a number greater than 0`},
		{"ALLY_API_BURST", "0", `ALLY_API_BURST: "0" is not a whole number greater than 0`},
		{"ALLY_API_BURST", "1.5", `ALLY_API_BURST: "1.5" is not a whole number greater than 0`},
		{"ALLY_SHUTDOWN_TIMEOUT", "15", `ALLY_SHUTDOWN_TIMEOUT: "15" is not a duration greater than 0, like 15s or 1m`},
		{"ALLY_SHUTDOWN_TIMEOUT", "-5s", `ALLY_SHUTDOWN_TIMEOUT: "-5s" is not a duration greater than 0, like 15s or 1m`},
		{"ALLY_OUTBOUND_ALLOW", "hooks.internal, http://10.0.0.5", `ALLY_OUTBOUND_ALLOW: "http://10.0.0.5" is not a host name or host:port`},
		{"ALLY_JOB_LOCK", "1s", `ALLY_JOB_LOCK: "1s" is not a duration from 5s to 24h`},
		{"ALLY_JOB_CONCURRENCY", "0", `ALLY_JOB_CONCURRENCY: "0" is not a whole number greater than 0`},
		{"ALLY_SMTP_HOST", "smtp://mail.example.com", `ALLY_SMTP_HOST: "smtp://mail.example.com" is not a host name`},
		{"ALLY_SMTP_PORT", "0", `ALLY_SMTP_PORT: "0" is not a port from 1 to 65535`},
		{"ALLY_SMTP_PORT", "65536", `ALLY_SMTP_PORT: "65536" is not a port from 1 to 65535`},
		{"ALLY_SMTP_PORT", "smtp", `ALLY_SMTP_PORT: "smtp" is not a port from 1 to 65535`},
		{"ALLY_SMTP_FROM", "not an address", `ALLY_SMTP_FROM: "not an address" is not an e-mail address`},
		{"ALLY_SMTP_FROM", "ally@localhost", `ALLY_SMTP_FROM: "ally@localhost" is not an e-mail address`},
	}
}

func TestBadSettings(t *testing.T) {
	t.Parallel()
	for _, tt := range badCases() {
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			_, err := load(t, map[string]string{tt.env: tt.value})
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

// Every setting must be in the tables above, so a new one cannot go untested.
// Free-form settings have no bad values.
func TestEverySettingTested(t *testing.T) {
	good, bad := map[string]bool{}, map[string]bool{}
	for _, c := range goodCases() {
		good[c.env] = true
	}
	for _, c := range badCases() {
		bad[c.env] = true
	}
	freeForm := map[string]bool{"ALLY_DATA_DIR": true, "ALLY_SMTP_USERNAME": true, "ALLY_SMTP_PASSWORD": true}
	for _, s := range config.Settings() {
		if !good[s.Env] {
			t.Errorf("%s has no good value in goodCases", s.Env)
		}
		if !bad[s.Env] && !freeForm[s.Env] {
			t.Errorf("%s has no bad value in badCases", s.Env)
		}
	}
}

func TestFlagWinsOverEnv(t *testing.T) {
	c, err := load(t, map[string]string{"ALLY_ADDR": "127.0.0.1:1111"}, "--addr", "127.0.0.1:2222")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:2222" {
		t.Errorf("addr %q, want the flag's", c.Addr)
	}
	// A bad environment value does not matter when the flag overrides it.
	if _, err := load(t, map[string]string{"ALLY_ADDR": "nonsense"}, "--addr", "127.0.0.1:2222"); err != nil {
		t.Errorf("env overridden by flag still fails: %v", err)
	}
	// A bad flag is reported by its flag name.
	_, err = load(t, nil, "--log-level", "loud")
	if err == nil || err.Error() != `--log-level: "loud" is not debug, info, warn or error` {
		t.Errorf("got %v", err)
	}
}

func TestSecretsHaveNoFlags(t *testing.T) {
	for _, s := range config.Settings() {
		if (s.Env == "ALLY_SECRET_KEY" || s.Env == "ALLY_SMTP_PASSWORD") && s.Flag != "" {
			t.Errorf("%s has flag --%s; secrets on command lines show in process lists", s.Env, s.Flag)
		}
	}
}

func TestSMTP(t *testing.T) {
	_, err := load(t, map[string]string{"ALLY_SMTP_HOST": "smtp.example.com"})
	if err == nil || err.Error() != "ALLY_SMTP_FROM: is required when ALLY_SMTP_HOST is set" {
		t.Errorf("got %v", err)
	}
	c, err := load(t, map[string]string{"ALLY_SMTP_HOST": "smtp.example.com", "ALLY_SMTP_FROM": "ally@example.com"})
	if err != nil || c.SMTP.Host != "smtp.example.com" {
		t.Errorf("got %+v, %v", c, err)
	}
}

func TestDatabaseURLErrorHidesPassword(t *testing.T) {
	_, err := load(t, map[string]string{"ALLY_DATABASE_URL": "postgres://u:topsecret@db/%zz"})
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("got %v", err)
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c, err := load(t, map[string]string{
		"ALLY_SECRET_KEY":    strings.Repeat("s", 40),
		"ALLY_DATABASE_URL":  "postgres://ally:dbpass@db/ally",
		"ALLY_SMTP_PASSWORD": "mailpass",
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
	for _, secret := range []string{strings.Repeat("s", 40), "dbpass", "mailpass"} {
		if strings.Contains(b.String(), secret) {
			t.Errorf("log shows a secret: %s", b.String())
		}
	}
}
