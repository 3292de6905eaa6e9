package main_test

import (
	"strings"
	"testing"
)

// ally demo seeds through the application, can run again, and the API then
// serves the data.
func TestDemo(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	first := b.mustRun(t, "demo")
	second := b.mustRun(t, "demo")
	if !strings.Contains(first, "admin@ally.example") || !strings.Contains(first, "ally-demo-password") {
		t.Errorf("demo does not print how to sign in:\n%s", first)
	}
	if !strings.Contains(second, "(0 new)") {
		t.Errorf("second demo run created partners again:\n%s", second)
	}

	_, key := b.setupAdmin(t)
	p := b.serve(t)
	var partners []any
	next := ""
	for {
		url := p.URL + "/api/v1/partners?limit=20"
		if next != "" {
			url += "&cursor=" + next
		}
		r := mustCall(t, 200, "GET", url, key, nil)
		page, _ := r.body["data"].([]any)
		partners = append(partners, page...)
		n, _ := r.body["nextCursor"].(string)
		if n == "" {
			break
		}
		next = n
	}
	if len(partners) < 50 {
		t.Fatalf("%d partners after demo, want at least 50", len(partners))
	}
	statuses := map[string]int{}
	domains := map[string]bool{}
	for _, x := range partners {
		p := x.(map[string]any)
		statuses[p["status"].(string)]++
		domains[p["domain"].(string)] = true
		if p["tierId"] == nil || p["phaseId"] == nil || p["owner"] == nil || p["externalId"] == nil {
			t.Errorf("demo partner lacks tier, phase, owner or external id: %v", p)
		}
		props, _ := p["partnerObjectCrmProperties"].(map[string]any)
		for _, k := range []string{"industry", "country", "region", "employeeCount"} {
			if props[k] == nil {
				t.Errorf("%s lacks CRM property %s", p["name"], k)
			}
		}
	}
	if len(domains) != len(partners) {
		t.Errorf("%d distinct domains for %d partners", len(domains), len(partners))
	}
	for _, s := range []string{"onboarding", "active", "dormant", "archived"} {
		if statuses[s] == 0 {
			t.Errorf("no demo partner is %s: %v", s, statuses)
		}
	}
	for path, want := range map[string]int{"/api/v1/tiers": 4, "/api/v1/phases": 5, "/api/v1/experience-templates": 2} {
		list, _ := mustCall(t, 200, "GET", p.URL+path, key, nil).body["data"].([]any)
		if len(list) != want {
			t.Errorf("%s: %d items, want %d", path, len(list), want)
		}
	}
}
