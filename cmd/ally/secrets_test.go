package main

import (
	"strings"
	"testing"
)

// Without ALLY_SECRET_KEY, serve says once, at start, that secrets are
// stored unencrypted.
func TestServeWarnsWithoutSecretKey(t *testing.T) {
	t.Parallel()
	m, stderr := serveInProcess(t, nil)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "ALLY_SECRET_KEY is not set") ||
		!strings.Contains(lines[0], "unencrypted") {
		t.Fatalf("want one warning about ALLY_SECRET_KEY, got:\n%s", stderr.String())
	}
}
