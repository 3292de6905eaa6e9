package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/allytest"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/webhook/webhooktest"
)

// Helpers of the lead reliability tests: kill -9 during an import and
// during deliveries, and two nodes sharing deliveries.

// leadEnv is the environment of a serve in these tests: no API rate limit
// in the way of a test that creates leads quickly, the test's loopback
// webhook receiver allowed, and a job lock short enough that the jobs a
// killed node held are taken over within seconds.
var leadEnv = []string{"ALLY_API_RATE=100000", "ALLY_API_BURST=100000",
	"ALLY_OUTBOUND_ALLOW=127.0.0.1", "ALLY_JOB_LOCK=5s"}

// serveLeads starts ally serve with leadEnv plus extraEnv.
func (b backend) serveLeads(t *testing.T, extraEnv ...string) *allytest.Process {
	t.Helper()
	return b.serve(t, append(append([]string{}, leadEnv...), extraEnv...)...)
}

// postRaw sends body as it is with the content type, as a client uploads a file.
func postRaw(t *testing.T, url, key, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", key)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("POST %s: bad JSON %q: %v", url, raw, err)
		}
	}
	return r
}

// object is the response's "data" object, or the body itself when the
// API answers without the envelope.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	if d, ok := r.body["data"].(map[string]any); ok {
		return d
	}
	if r.body == nil {
		t.Fatalf("no JSON object in %d %s", r.status, r.raw)
	}
	return r.body
}

// num reads a JSON number member as an int64 (0 when absent).
func num(m map[string]any, key string) int64 {
	f, _ := m[key].(float64)
	return int64(f)
}

// str reads a JSON string member ("" when absent).
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// listAll reads every page of an API list (path with its filters, no
// cursor or limit) and returns the items in order.
func listAll(t *testing.T, base, key, path string) []map[string]any {
	t.Helper()
	var all []map[string]any
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	cursor := ""
	for {
		u := base + path + sep + "limit=200"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		r := mustCall(t, 200, "GET", u, key, nil)
		items, ok := r.body["data"].([]any)
		if !ok {
			t.Fatalf("GET %s: no data list in %s", u, r.raw)
		}
		for _, it := range items {
			all = append(all, it.(map[string]any))
		}
		next, _ := r.body["nextCursor"].(string)
		if next == "" || len(items) == 0 {
			return all
		}
		cursor = next
	}
}

// eventually polls cond every 25 ms until it holds, and fails the test
// with cond's last word on the state when timeout passes first.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; last: %s", what, timeout, state)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// openStore opens the backend's database from the test, as another node
// would, to read what the server committed.
func openStore(t *testing.T, b backend) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{URL: b.DBURL, DataDir: b.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// webhookPartner creates a partner whose leads go to the webhook at
// hookURL and returns its id and the signing secret Ally made.
func webhookPartner(t *testing.T, base, key, name, hookURL string) (id, secret string) {
	t.Helper()
	p := mustCall(t, 201, "POST", base+"/api/v1/partners", key, map[string]any{"name": name}).object(t)
	id = str(p, "id")
	s := mustCall(t, 200, "PATCH", base+"/api/v1/partners/"+id+"/delivery-settings", key,
		map[string]any{"webhookUrl": hookURL, "webhookEnabled": true}).object(t)
	secret = str(s, "webhookSecret")
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("delivery settings without a whsec_ secret: %v", s)
	}
	return id, secret
}

// createLead takes one lead in for the partner and returns its id.
func createLead(t *testing.T, base, key, partnerID string, i int) string {
	t.Helper()
	l := mustCall(t, 201, "POST", base+"/api/v1/leads", key, map[string]any{
		"externalId": fmt.Sprintf("hook-%04d", i), "firstName": "Lena", "lastName": fmt.Sprintf("Lead %d", i),
		"email": fmt.Sprintf("lena.%d@prospect.example", i), "company": "Prospect GmbH", "country": "DE",
		"region": "Berlin", "source": "web", "partnerId": partnerID,
	}).object(t)
	if str(l, "partnerId") != partnerID {
		t.Fatalf("lead %d not assigned to %s: %v", i, partnerID, l)
	}
	return str(l, "id")
}

// newReceiver is a partner's webhook endpoint answering 204 after delay
// (so requests are in flight for a while); a request cut off by a killed
// node does not count as arrived.
func newReceiver(t *testing.T, delay time.Duration) *webhooktest.Receiver {
	return webhooktest.New(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) },
		webhooktest.Delay(delay), webhooktest.SenderMayDie())
}

// deliveriesOf returns the partner's deliveries by id, read through the API.
func deliveriesOf(t *testing.T, base, key, partnerID string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, d := range listAll(t, base, key, "/api/v1/deliveries?partnerId="+url.QueryEscape(partnerID)) {
		out[str(d, "id")] = d
	}
	return out
}

// waitDelivered waits until the partner has n deliveries and all are
// delivered, and returns them by id.
func waitDelivered(t *testing.T, p *allytest.Process, key, partnerID string, n int, timeout time.Duration) map[string]map[string]any {
	t.Helper()
	var ds map[string]map[string]any
	eventually(t, timeout, "every delivery delivered", func() (bool, string) {
		ds = deliveriesOf(t, p.URL, key, partnerID)
		count := map[string]int{}
		for _, d := range ds {
			count[str(d, "status")]++
		}
		return len(ds) == n && count[string(ally.DeliveryDelivered)] == n,
			fmt.Sprintf("%d deliveries (want %d), by status %v", len(ds), n, count)
	})
	return ds
}

// checkReceipts asserts what the receiver saw against the deliveries (by
// id) of the leads created: every lead's delivery arrived, nothing else
// did, every request was signed correctly, a repeat carried the same body,
// and each body is the lead its delivery is for. It returns how many ids
// arrived more than once.
func checkReceipts(t *testing.T, got map[string][]webhooktest.Request, ds map[string]map[string]any, leads []string) (repeated int) {
	t.Helper()
	byLead := map[string]string{}
	for id, d := range ds {
		if prev, dup := byLead[str(d, "leadId")]; dup {
			t.Errorf("lead %s has two deliveries: %s and %s", str(d, "leadId"), prev, id)
		}
		byLead[str(d, "leadId")] = id
	}
	for _, lead := range leads {
		id, ok := byLead[lead]
		switch {
		case !ok:
			t.Errorf("lead %s has no delivery", lead)
		case len(got[id]) == 0:
			t.Errorf("lead %s: delivery %s never arrived (status %s)", lead, id, str(ds[id], "status"))
		}
	}
	for id, rs := range got {
		d, ok := ds[id]
		if !ok {
			t.Errorf("webhook-id %q arrived %d time(s) but is no delivery of a lead created", id, len(rs))
			continue
		}
		for i, r := range rs {
			if r.Verified != nil {
				t.Errorf("webhook-id %s, arrival %d: signature not valid: %v", id, i+1, r.Verified)
			}
			if !bytes.Equal(r.Body, rs[0].Body) {
				t.Errorf("webhook-id %s: arrival %d carried another body\nfirst: %s\n then: %s", id, i+1, rs[0].Body, r.Body)
			}
		}
		var body struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(rs[0].Body, &body); err != nil || body.Type != ally.EventLeadAssigned || str(body.Data, "id") != str(d, "leadId") {
			t.Errorf("webhook-id %s (lead %s): body is not lead.assigned of that lead: %s", id, str(d, "leadId"), rs[0].Body)
		}
		if len(rs) > 1 {
			repeated++
		}
	}
	return repeated
}
