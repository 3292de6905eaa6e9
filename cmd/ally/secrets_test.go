package main

import (
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
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

// A node started with another ALLY_SECRET_KEY than the one the stored
// secrets were encrypted with, or with none, says so at start; with the
// right key it says nothing.
func TestServeChecksTheSecretKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const key = "the-first-key-0123456789abcdefghijk"
	m, _ := serveInProcess(t, map[string]string{"ALLY_DATA_DIR": dir, "ALLY_SECRET_KEY": key})
	ctx := t.Context()
	sys := ally.System("test")
	name := "Acme"
	p, _, err := m.app.CreatePartner(ctx, sys, ally.PartnerFields{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	url := "https://hooks.acme.example/leads"
	if _, err := m.app.UpdateDeliverySettings(ctx, sys, p.ID, ally.DeliverySettingsFields{WebhookURL: &url}, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, want string
	}{
		{key, ""},
		{"another-key-0123456789abcdefghijklmn", "does not decrypt with this ALLY_SECRET_KEY"},
		{"", "ALLY_SECRET_KEY is not set; set the key it was encrypted with"},
	} {
		m, stderr := serveInProcess(t, map[string]string{"ALLY_DATA_DIR": dir, "ALLY_SECRET_KEY": tc.key})
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		got := stderr.String()
		if tc.want == "" && strings.Contains(got, "level=ERROR") || tc.want != "" && (!strings.Contains(got, "level=ERROR") || !strings.Contains(got, tc.want)) {
			t.Errorf("key %q: want an error with %q, got:\n%s", tc.key, tc.want, got)
		}
	}
}
