package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/mail/mailtest"
)

// TestEmailDelivery: a partner with e-mail delivery on gets each lead as a
// readable e-mail, at every recipient, linking to the lead in the portal.
func TestEmailDelivery(t *testing.T) {
	smtp := mailtest.NewServer(t)
	sender := mail.SMTPSender{Settings: ally.SMTPSettings{Host: smtp.Host, Port: smtp.Port, From: "leads@vendor.example"}, Timeout: 5 * time.Second}
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		p := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), Status: ptr(ally.StatusActive)})
		to := []string{"sales@acme.example", "Leads@Acme.example "}
		if _, err := e.app.UpdateDeliverySettings(e.ctx, sys, p.ID, ally.DeliverySettingsFields{EmailTo: &to, EmailOn: ptr(true)}, nil); err != nil {
			t.Fatal(err)
		}
		// A name unique to the engine, since both share the SMTP server.
		first := "Ada" + strings.ReplaceAll(t.Name()[len("TestEmailDelivery/"):], "/", "")
		l := e.lead(p.ID, first, "Lovelace", "Analytical Engines")
		e.run()

		d := e.only(ally.DeliveryFilter{LeadID: l.ID})
		if d.Channel != ally.ChannelEmail || d.Status != ally.DeliveryDelivered || d.Target != "sales@acme.example, leads@acme.example" {
			t.Fatalf("%+v", d)
		}
		var m mailtest.Message
		for _, msg := range smtp.Messages() {
			if strings.Contains(msg.Subject, first) {
				m = msg
			}
		}
		if !m.SentTo("sales@acme.example") || !m.SentTo("leads@acme.example") {
			t.Fatalf("message %+v", m)
		}
		for _, part := range []string{m.Text, m.HTML} {
			for _, want := range []string{first + " Lovelace", "Analytical Engines", strings.ToLower(first) + "@lead.example", testBaseURL + "/partner/leads/" + l.ID} {
				if !strings.Contains(part, want) {
					t.Errorf("the e-mail lacks %q:\n%s", want, part)
				}
			}
		}
		if v := e.view(d.ID); len(v.Attempts) != 1 || !v.Attempts[0].OK || v.Attempts[0].Target != d.Target {
			t.Fatalf("attempts %+v", v.Attempts)
		}
	}, app.WithSender(sender))
}

// TestEmailDeliveryWithoutSender: with no way to send e-mail, the delivery
// waits and is retried like a webhook without an answer.
func TestEmailDeliveryWithoutSender(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		p := mustPartner(t, e.app, sys, ally.PartnerFields{Name: ptr("Acme"), Status: ptr(ally.StatusActive)})
		to := []string{"sales@acme.example"}
		if _, err := e.app.UpdateDeliverySettings(e.ctx, sys, p.ID, ally.DeliverySettingsFields{EmailTo: &to, EmailOn: ptr(true)}, nil); err != nil {
			t.Fatal(err)
		}
		l := e.lead(p.ID, "Ada", "Lovelace", "Analytical Engines")
		e.run()
		d := e.only(ally.DeliveryFilter{LeadID: l.ID})
		if d.Status != ally.DeliveryPending || d.Attempts != 1 || !strings.Contains(d.LastError, "e-mail is not set up") ||
			!d.NextAttemptAt.After(e.clock.Now()) {
			t.Fatalf("%+v", d)
		}
	})
}
