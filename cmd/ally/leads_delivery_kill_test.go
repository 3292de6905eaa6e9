package main_test

import (
	"testing"
	"time"
)

// deliveryLeads is how many leads the delivery kill test assigns.
const deliveryLeads = 100

// kill -9 while webhooks are on their way: after a restart every assigned
// lead is delivered at least once, and a webhook that comes again (the one
// in flight at the kill was never answered) has the same webhook-id, the
// same body and a valid signature.
func TestLeadDeliverySurvivesKill(t *testing.T) {
	t.Parallel()
	onEachBackend(t, func(t *testing.T, b backend) {
		_, key := b.setupAdmin(t)
		recv := newReceiver(t, 300*time.Millisecond) // slow, so deliveries are in flight
		p := b.serveLeads(t)
		partner, secret := webhookPartner(t, p.URL, key, "Hooked Reseller", recv.URL)
		recv.setSecret(t, secret)
		leads := make([]string, deliveryLeads)
		for i := range leads {
			leads[i] = createLead(t, p.URL, key, partner, i)
		}

		// Kill when the next webhook arrives: it is still in the
		// receiver's hands (unanswered) when the process dies.
		select {
		case <-recv.arrive:
		default:
		}
		select {
		case <-recv.arrive:
		case <-time.After(30 * time.Second):
			t.Fatalf("no webhook arrived within 30s of the intake; %d arrived in all", len(recv.received()))
		}
		p.Kill()
		atKill := len(recv.received())
		if atKill >= deliveryLeads {
			t.Fatalf("all %d webhooks had arrived before the kill; slow the receiver down", atKill)
		}
		t.Logf("%s: killed with %d of %d webhooks arrived", b.Name, atKill, deliveryLeads)

		p = b.serveLeads(t)
		ds := waitDelivered(t, p, key, partner, deliveryLeads, 60*time.Second)
		if repeated := checkReceipts(t, recv.received(), ds, leads); repeated == 0 {
			t.Errorf("no webhook arrived twice: the one in flight at the kill was never answered, so it must come again")
		}
	})
}
