package main_test

import (
	"fmt"
	"testing"
)

// Two ally serve processes on one PostgreSQL database both serve, and each
// sees what the other wrote.
func TestTwoNodesShareOnePostgres(t *testing.T) {
	t.Parallel()
	b := postgresBackend(t)
	_, key := b.setupAdmin(t)
	a, c := b.serve(t), b.serve(t)
	if a.URL == c.URL {
		t.Fatal("both nodes on one address")
	}

	fromA := mustCall(t, 201, "POST", a.URL+"/api/v1/partners", key, map[string]any{"name": "Written on A", "domain": "a-node.example"}).data(t)
	fromC := mustCall(t, 201, "POST", c.URL+"/api/v1/partners", key, map[string]any{"name": "Written on C", "domain": "c-node.example"}).data(t)
	if got := mustCall(t, 200, "GET", c.URL+"/api/v1/partners/"+fromA["id"].(string), key, nil).data(t); got["name"] != "Written on A" {
		t.Errorf("C reads A's partner as %v", got)
	}
	if got := mustCall(t, 200, "GET", a.URL+"/api/v1/partners/"+fromC["id"].(string), key, nil).data(t); got["name"] != "Written on C" {
		t.Errorf("A reads C's partner as %v", got)
	}

	// A change on one node is seen on the other, and a stale write there fails.
	id := fromA["id"].(string)
	etag := fmt.Sprintf(`"%v"`, fromA["version"])
	mustCall(t, 200, "PATCH", a.URL+"/api/v1/partners/"+id, key, map[string]any{"name": "Renamed on A"}, "If-Match", etag)
	if got := mustCall(t, 200, "GET", c.URL+"/api/v1/partners/"+id, key, nil).data(t); got["name"] != "Renamed on A" {
		t.Errorf("C sees %v after A renamed it", got["name"])
	}
	mustCall(t, 412, "PATCH", c.URL+"/api/v1/partners/"+id, key, map[string]any{"name": "Stale on C"}, "If-Match", etag)

	// The same domain posted to both nodes is one partner (upsert by domain).
	again := mustCall(t, 200, "POST", c.URL+"/api/v1/partners", key, map[string]any{"name": "Written on A, again", "domain": "a-node.example"}).data(t)
	if again["id"] != id {
		t.Errorf("upsert on C made %v, want %v", again["id"], id)
	}
}
