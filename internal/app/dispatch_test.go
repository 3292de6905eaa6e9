package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
)

// dispatchJob returns the oldest pending dispatch job.
func (e *deliveryEnv) dispatchJob() *ally.Job {
	e.t.Helper()
	id := e.raw(`SELECT id FROM jobs WHERE kind = $1 AND state = 'pending' ORDER BY id LIMIT 1`, ally.JobDispatch)
	return &ally.Job{ID: id, Kind: ally.JobDispatch, Args: []byte(e.raw(`SELECT args FROM jobs WHERE id = $1`, id))}
}

// newLeadEntries returns a partner's "New lead" timeline entries.
func (e *deliveryEnv) newLeadEntries(partnerID string) []string {
	e.t.Helper()
	page, err := e.app.Timeline(e.ctx, sys, partnerID, "", 50)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, a := range page.Items {
		if strings.HasPrefix(a.Text, "New lead: ") {
			out = append(out, a.Text)
		}
	}
	return out
}

// TestDispatchWritesOnce: an intake's deliveries and timeline entry come
// from its dispatch job, dated at intake; a dispatch that runs again (its
// runner died before recording it done) writes nothing twice, and the
// partner's endpoint is called once.
func TestDispatchWritesOnce(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, answering(200))
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		sub, err := e.app.CreateSubscription(e.ctx, sys, ally.SubscriptionFields{URL: ptr("https://crm.vendor.example/hook"),
			Events: &[]string{ally.EventLeadCreated, ally.EventLeadAssigned}})
		if err != nil {
			t.Fatal(err)
		}
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")
		job := e.dispatchJob()

		e.clock.Add(2 * time.Second) // the dispatch runs later than the intake
		for range 2 {
			if err := e.app.HandleDispatch(e.ctx, job); !errors.Is(err, jobs.ErrDone) {
				t.Fatal(err)
			}
		}
		d := e.only(ally.DeliveryFilter{PartnerID: p.ID})
		if d.LeadID != l.ID || d.Event != ally.EventLeadAssigned || !d.CreatedAt.Equal(l.ReceivedAt) {
			t.Fatalf("partner delivery: %+v (lead received %s)", d, l.ReceivedAt)
		}
		if n := len(e.deliveries(ally.DeliveryFilter{SubscriptionID: sub.ID})); n != 2 {
			t.Fatalf("%d vendor deliveries, want lead.created and lead.assigned", n)
		}
		if tl := e.newLeadEntries(p.ID); len(tl) != 1 || tl[0] != "New lead: Ada Lovelace (Analytical Engines)" {
			t.Fatalf("timeline: %q", tl)
		}
		e.run()
		if n := len(rc.Requests()); n != 1 {
			t.Fatalf("the partner's endpoint was called %d times, want once", n)
		}
	})
}

// TestDispatchAfterReassignment: a lead given to another partner before
// its dispatch ran is announced to the new partner by the reassignment
// alone, and never to the partner it left.
func TestDispatchAfterReassignment(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		first, _ := e.partnerWithWebhook("Acme", "", "https://hooks.acme.example/leads")
		second, _ := e.partnerWithWebhook("Globex", "", "https://hooks.globex.example/leads")
		l := e.lead(first.ID, "Ada", "Lovelace", "Analytical Engines")
		if _, err := e.app.AssignLead(e.ctx, sys, l.ID, second.ID, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.app.HandleDispatch(e.ctx, e.dispatchJob()); !errors.Is(err, jobs.ErrDone) {
			t.Fatal(err)
		}
		if ds := e.deliveries(ally.DeliveryFilter{PartnerID: first.ID}); len(ds) != 0 {
			t.Fatalf("the partner the lead left got %+v", ds)
		}
		e.only(ally.DeliveryFilter{PartnerID: second.ID})
		if tl := e.newLeadEntries(first.ID); len(tl) != 0 {
			t.Fatalf("the partner the lead left has %q on its timeline", tl)
		}
	})
}

// TestDispatchTakesTheWaitingJobs: one dispatch writes the deliveries of
// every lead whose dispatch is waiting, in one transaction, and those jobs
// are done: none runs again, and each lead is delivered once.
func TestDispatchTakesTheWaitingJobs(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		rc := newReceiver(t, answering(200))
		p, set := e.partnerWithWebhook("Acme", "", rc.URL)
		rc.SetSecret(t, set.WebhookSecret)
		var leads []*ally.Lead
		for _, name := range []string{"Ada", "Grace", "Alan"} {
			leads = append(leads, e.lead(p.ID, name, "Tester", "Engines"))
		}
		if err := e.app.HandleDispatch(e.ctx, e.dispatchJob()); !errors.Is(err, jobs.ErrDone) {
			t.Fatal(err)
		}
		if n := e.raw(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'pending'`, ally.JobDispatch); n != "0" {
			t.Fatalf("%s dispatch jobs still pending", n)
		}
		for _, l := range leads {
			e.only(ally.DeliveryFilter{LeadID: l.ID})
		}
		if tl := e.newLeadEntries(p.ID); len(tl) != 3 {
			t.Fatalf("timeline: %q", tl)
		}
		if n := e.run(); n != 3 || len(rc.Requests()) != 3 {
			t.Fatalf("%d jobs ran, %d requests; want the 3 deliveries", n, len(rc.Requests()))
		}
	})
}
