package main_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// exitCode runs the binary with env and returns its exit status, stdout and stderr.
func exitCode(t *testing.T, b backend, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath(), args...)
	cmd.Env = b.Env(env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errOut.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, out.String(), errOut.String()
}

// A bad setting stops start-up with one line that names it, before anything else happens.
func TestBadSettingStopsStartup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  string
		want string
	}{
		{"ALLY_ADDR=nonsense", `ally: ALLY_ADDR: "nonsense" is not host:port`},
		{"ALLY_LOG_LEVEL=loud", `ally: ALLY_LOG_LEVEL: "loud" is not debug, info, warn or error`},
		{"ALLY_BASE_URL=ally.example.com", `ally: ALLY_BASE_URL: "ally.example.com" is not an absolute http(s) URL like https://ally.example.com`},
		{"ALLY_SECRET_KEY=too-short", `ally: ALLY_SECRET_KEY: must be at least 32 characters, is 9`},
		{"ALLY_DATABASE_URL=mysql://db/ally", `ally: ALLY_DATABASE_URL: scheme "mysql" is not postgres:// or sqlite:`},
		{"ALLY_SMTP_PORT=0", `ally: ALLY_SMTP_PORT: "0" is not a port from 1 to 65535`},
		{"ALLY_SHUTDOWN_TIMEOUT=soon", `ally: ALLY_SHUTDOWN_TIMEOUT: "soon" is not a duration greater than 0, like 15s or 1m`},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			b := sqliteBackend(t)
			code, out, errOut := exitCode(t, b, []string{tt.env}, "serve")
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if errOut != tt.want+"\n" || out != "" {
				t.Errorf("stderr %q, stdout %q; want the one line %q", errOut, out, tt.want)
			}
		})
	}
}

// A flag wins over the environment, and a bad flag is named as the flag.
func TestFlagOverridesEnvironment(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	code, _, errOut := exitCode(t, b, []string{"ALLY_ADDR=127.0.0.1:1"}, "serve", "--addr", "nowhere")
	if code != 1 || errOut != "ally: --addr: \"nowhere\" is not host:port\n" {
		t.Errorf("status %d, stderr %q", code, errOut)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	tests := []struct {
		args     []string
		code     int
		stdout   string // substring
		lastLine string // of stderr
	}{
		{nil, 2, "", "ally: no command given"},
		{[]string{"help"}, 0, "Usage:\n  ally <command>", ""},
		{[]string{"--help"}, 0, "ALLY_DATABASE_URL", ""},
		{[]string{"bogus"}, 2, "", `ally: unknown command "bogus"`},
		{[]string{"apikey", "rotate"}, 2, "", `ally: unknown command "apikey rotate"`},
		{[]string{"serve", "--nope"}, 2, "", "ally: serve: flag provided but not defined: -nope"},
		{[]string{"serve", "-h"}, 0, "Usage: ally serve", ""},
		{[]string{"apikey", "revoke"}, 2, "", "ally: apikey revoke: wants 1 argument(s), got 0"},
		{[]string{"user", "create", "--email", "a@b.example"}, 2, "", "ally: user create: --email, --password and --role are required"},
		{[]string{"user", "reset-2fa"}, 2, "", "ally: user reset-2fa: --email is required"},
		{[]string{"user", "reset-2fa", "--email", "nobody@b.example"}, 1, "", `ally: finding the user: no staff user "nobody@b.example"`},
		{[]string{"apikey", "create", "--name", "x", "--scopes", "partners:read,everything"}, 2, "", `ally: apikey create: --scopes: unknown scope "everything"`},
		{[]string{"version"}, 0, "ally ", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := exitCode(t, b, nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d; stderr %q", code, tt.code, errOut)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout %q lacks %q", out, tt.stdout)
			}
			if tt.lastLine != "" && !strings.HasPrefix(lastLine(errOut), tt.lastLine) {
				t.Errorf("stderr ends %q, want %q", lastLine(errOut), tt.lastLine)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out := sqliteBackend(t).mustRun(t, "version")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ally ") || !strings.HasPrefix(lines[1], "commit ") || !strings.HasPrefix(lines[2], "go1.") {
		t.Errorf("version output %q", out)
	}
}

// API keys: scoped, listed without their secret, revoked.
func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	_, admin := b.setupAdmin(t)
	out := b.mustRun(t, "apikey", "create", "--name", "CRM sync", "--scopes", "partners:read, partners:write")
	readWrite := lastLine(out)
	if !strings.Contains(out, "partners:read,partners:write") {
		t.Errorf("create does not state the scopes: %q", out)
	}
	doomed := lastLine(b.mustRun(t, "apikey", "create", "--name", "doomed"))

	list := b.mustRun(t, "apikey", "list")
	if strings.Contains(list, readWrite) || strings.Contains(list, doomed) || strings.Contains(list, admin) {
		t.Errorf("apikey list shows a secret:\n%s", list)
	}
	var doomedID string
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, "doomed") {
			doomedID = strings.Fields(line)[0]
		}
	}
	if !strings.HasPrefix(doomedID, "key_") || !strings.Contains(list, readWrite[:13]) {
		t.Fatalf("apikey list lacks the keys or their prefixes:\n%s", list)
	}
	b.mustRun(t, "apikey", "revoke", doomedID)
	if code, _, errOut := exitCode(t, b, nil, "apikey", "revoke", "key_01HVK6Y8Z8Q7J8J8J8J8J8J8J8"); code != 1 || !strings.Contains(errOut, "no API key") {
		t.Errorf("revoking an unknown key: %d %q", code, errOut)
	}
	for _, line := range strings.Split(b.mustRun(t, "apikey", "list"), "\n") {
		if strings.HasPrefix(line, doomedID) && strings.HasSuffix(strings.TrimSpace(line), " -") {
			t.Errorf("revoked key not shown as revoked: %q", line)
		}
	}

	p := b.serve(t)
	mustCall(t, 200, "GET", p.URL+"/api/v1/partners", readWrite, nil)
	mustCall(t, 201, "POST", p.URL+"/api/v1/partners", readWrite, map[string]any{"name": "Scoped"})
	mustCall(t, 403, "GET", p.URL+"/api/v1/tiers", readWrite, nil)
	mustCall(t, 401, "GET", p.URL+"/api/v1/partners", doomed, nil)
	mustCall(t, 200, "GET", p.URL+"/api/v1/tiers", admin, nil)
}

// TestUserResetTOTP: the CLI turns a staff user's two-step sign-in off,
// for when no admin can sign in to do it.
func TestUserResetTOTP(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	b.mustRun(t, "user", "create", "--email", "ann@acme.example", "--password", "correct horse battery", "--role", "owner")
	a := app.New(openStore(t, b))
	u, err := a.UserByEmail(t.Context(), ally.System("test"), "ann@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	ann := ally.Actor{Kind: ally.ActorStaff, ID: u.ID, Label: u.Email, Role: u.Role}
	secret, _, err := a.BeginTOTP(t.Context(), ann)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EnableTOTP(t.Context(), ann, code); err != nil {
		t.Fatal(err)
	}
	out := b.mustRun(t, "user", "reset-2fa", "--email", "ANN@acme.example")
	if !strings.Contains(out, "two-step sign-in is off for ann@acme.example") {
		t.Fatalf("stdout %q", out)
	}
	in, err := a.SignInStaff(t.Context(), "ann@acme.example", "correct horse battery", app.ClientMeta{IP: "192.0.2.1"})
	if err != nil || in.NeedTOTP {
		t.Fatalf("sign-in after the reset: %+v %v", in, err)
	}
}

func TestUserCreateErrors(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	b.mustRun(t, "user", "create", "--email", "ann@acme.example", "--password", "correct horse battery", "--role", "viewer")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--email", "bob@acme.example", "--password", "short", "--role", "admin"}, "ally: creating the user: --password must be at least 12 characters\n"},
		{[]string{"--email", "bob@acme.example", "--password", "correct horse battery", "--role", "boss"}, "ally: creating the user: --role must be owner, admin, manager or viewer\n"},
		{[]string{"--email", "not-an-address", "--password", "correct horse battery", "--role", "admin"}, "ally: creating the user: --email must be a valid e-mail address\n"},
	}
	for _, tt := range tests {
		code, _, errOut := exitCode(t, b, nil, append([]string{"user", "create"}, tt.args...)...)
		if code != 1 || errOut != tt.want {
			t.Errorf("%v: status %d, stderr %q, want %q", tt.args, code, errOut, tt.want)
		}
	}
	code, _, errOut := exitCode(t, b, nil, "user", "create", "--email", "ANN@acme.example", "--password", "correct horse battery", "--role", "viewer")
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "creating the user") {
		t.Errorf("duplicate e-mail: status %d, stderr %q", code, errOut)
	}
}
