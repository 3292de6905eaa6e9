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
		recv.SetSecret(t, secret)
		leads := make([]string, deliveryLeads)
		for i := range leads {
			leads[i] = createLead(t, p.URL, key, partner, i)
		}

		// Kill once a fifth of the webhooks arrived, at a moment one is
		// in the receiver's hands: it is never answered.
		timeout := time.After(30 * time.Second)
		for len(recv.ByID()) < deliveryLeads/5 || recv.InFlight() == 0 {
			select {
			case <-recv.Arrived():
			case <-timeout:
				t.Fatalf("%d webhooks arrived within 30s of the intake, want %d", len(recv.ByID()), deliveryLeads/5)
			}
		}
		p.Kill()
		atKill := len(recv.ByID())
		if atKill >= deliveryLeads {
			t.Fatalf("all %d webhooks had arrived before the kill; slow the receiver down", atKill)
		}
		t.Logf("%s: killed with %d of %d webhooks arrived", b.Name, atKill, deliveryLeads)

		p = b.serveLeads(t)
		ds := waitDelivered(t, p, key, partner, deliveryLeads, 60*time.Second)
		if repeated := checkReceipts(t, recv.ByID(), ds, leads); repeated == 0 {
			t.Errorf("no webhook arrived twice: the one in flight at the kill was never answered, so it must come again")
		}
	})
}
