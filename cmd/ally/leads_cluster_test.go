package main_test

import (
	"regexp"
	"testing"
	"time"
)

// clusterLeads is how many leads the two-node test assigns.
const clusterLeads = 200

// deliveryDone is the runner's debug line for a delivery job that ended
// well; the process's log is the only place that says which node ran it.
var deliveryDone = regexp.MustCompile(`msg="job done".*kind=delivery\.send`)

// Two ally serve processes on one PostgreSQL database share the delivery
// work, and with no node dying each webhook arrives exactly once.
func TestLeadDeliveriesShareTwoNodes(t *testing.T) {
	t.Parallel()
	b := postgresBackend(t)
	_, key := b.setupAdmin(t)
	recv := newReceiver(t, 20*time.Millisecond)
	// A long lock: with no node dying no job may be taken over, however
	// slow the race detector makes a node.
	env := []string{"ALLY_LOG_LEVEL=debug", "ALLY_JOB_LOCK=5m"}
	a, c := b.serveLeads(t, env...), b.serveLeads(t, env...)
	partner, secret := webhookPartner(t, a.URL, key, "Clustered Reseller", recv.URL)
	recv.SetSecret(t, secret)

	leads := make([]string, clusterLeads)
	for i := range leads {
		node := a
		if i%2 == 1 {
			node = c
		}
		leads[i] = createLead(t, node.URL, key, partner, i)
	}
	ds := waitDelivered(t, c, key, partner, clusterLeads, 60*time.Second)
	got := recv.ByID()
	checkReceipts(t, got, ds, leads)
	for id, rs := range got {
		if len(rs) != 1 {
			t.Errorf("webhook-id %s arrived %d times with no node killed, want once", id, len(rs))
		}
	}
	for id, d := range ds {
		if n := num(d, "attemptCount"); n != 1 {
			t.Errorf("delivery %s: %d attempts recorded, want 1", id, n)
		}
	}

	onA := len(deliveryDone.FindAllString(a.Logs.String(), -1))
	onC := len(deliveryDone.FindAllString(c.Logs.String(), -1))
	t.Logf("deliveries done: %d on one node, %d on the other", onA, onC)
	if onA == 0 || onC == 0 || onA+onC != clusterLeads {
		t.Errorf("delivery jobs done per node: %d and %d; want both nodes working and %d in all", onA, onC, clusterLeads)
	}
}
