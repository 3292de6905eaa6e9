package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
)

// The Main type boots in-process too: ParseFlags, Run, then Close, as
// main does around a signal. Configured fully, it starts without a warning.
func TestMainInProcess(t *testing.T) {
	t.Parallel()
	m, stderr := serveInProcess(t, map[string]string{"ALLY_SECRET_KEY": strings.Repeat("k", 32)})
	defer m.Close()
	resp, err := http.Get(m.server.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}
	if err := m.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := http.Get(m.cfg.BaseURL + "/healthz"); err == nil {
		t.Error("still serving after Close")
	}
	if stderr.Len() != 0 {
		t.Errorf("warnings at start: %s", stderr.String())
	}
}

// serveInProcess starts serve on a free port and a fresh data directory,
// logging warnings and errors only, with env added; it returns the Main
// and what it wrote to stderr.
func serveInProcess(t *testing.T, env map[string]string) (*Main, *bytes.Buffer) {
	t.Helper()
	all := map[string]string{"ALLY_DATA_DIR": t.TempDir(), "ALLY_ADDR": "127.0.0.1:0", "ALLY_LOG_LEVEL": "warn"}
	maps.Copy(all, env)
	var stdout, stderr bytes.Buffer
	m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return all[k] }}
	if err := m.ParseFlags([]string{"serve"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m, &stderr
}

func TestExecuteExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		env  map[string]string
		code int
		err  string
	}{
		{[]string{"help"}, nil, 0, ""},
		{nil, nil, 2, "ally: no command given\n"},
		{[]string{"nope"}, nil, 2, "ally: unknown command \"nope\"\n"},
		{[]string{"migrate"}, map[string]string{"ALLY_ADDR": "x"}, 1, "ally: ALLY_ADDR: \"x\" is not host:port\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return tt.env[k] }}
		code := m.Execute(context.Background(), tt.args)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		if tt.err != "" && !strings.HasSuffix(stderr.String(), tt.err) {
			t.Errorf("%v: stderr ends %q, want %q", tt.args, stderr.String(), tt.err)
		}
	}
}
