package main

import (
	"os"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/config"
)

// The README documents every setting (with its flag and default) and every
// command, so it cannot drift from the binary unnoticed.
func TestREADMEDocumentsSettingsAndCommands(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	rows := map[string]string{}
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "| `ALLY_") {
			env := strings.Trim(strings.Fields(line)[1], "`")
			rows[env] = line
		}
	}
	for _, s := range config.Settings() {
		row, ok := rows[s.Env]
		if !ok {
			t.Errorf("README's configuration table lacks %s", s.Env)
			continue
		}
		if s.Flag != "" && !strings.Contains(row, "`--"+s.Flag+"`") {
			t.Errorf("README: %s row lacks its flag --%s", s.Env, s.Flag)
		}
		if s.Default != "" && !strings.Contains(row, "`"+s.Default+"`") {
			t.Errorf("README: %s row lacks its default %s", s.Env, s.Default)
		}
	}
	if len(rows) != len(config.Settings()) {
		t.Errorf("README documents %d settings, the binary has %d", len(rows), len(config.Settings()))
	}
	for _, c := range commands() {
		if !strings.Contains(readme, "`ally "+c.name) {
			t.Errorf("README does not document ally %s", c.name)
		}
	}
}
