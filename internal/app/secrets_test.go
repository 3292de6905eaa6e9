package app_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/secretbox"
	"github.com/allyprm/ally/internal/webhook/webhooktest"
)

const (
	secretKey      = "test-secret-key-0123456789abcdefghij"
	otherSecretKey = "another-key-0123456789abcdefghijklmn"
	smtpPassword   = "smtp-pa55word-never-stored-plain"
)

func withKey(t *testing.T, key string) app.Option {
	t.Helper()
	b, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return app.WithSecrets(b)
}

// reopen is the app over the same database after a restart with other
// options (another ALLY_SECRET_KEY), with its own job runner.
func (e *deliveryEnv) reopen(opts ...app.Option) *deliveryEnv {
	e.t.Helper()
	return newDeliveryEnv(e.t, e.db, e.clock, opts...)
}

// raw reads one value straight from the database, past the app, as text.
func (e *deliveryEnv) raw(query string, args ...any) string {
	e.t.Helper()
	var s string
	if err := e.db.SQLDB().QueryRowContext(e.ctx, query, args...).Scan(&s); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return s
}

func (e *deliveryEnv) rawWebhookSecret(partnerID string) string {
	return e.raw(`SELECT webhook_secret FROM delivery_settings WHERE partner_id = $1`, partnerID)
}

func (e *deliveryEnv) rawSubscriptionSecret(id string) string {
	return e.raw(`SELECT secret FROM subscriptions WHERE id = $1`, id)
}

func (e *deliveryEnv) rawSettings() string { return e.raw(`SELECT data FROM settings WHERE id = 1`) }

// wantSealed fails unless a raw value is in the encrypted form and holds
// no part of the secret.
func wantSealed(t *testing.T, what, raw, secret string) {
	t.Helper()
	if !strings.HasPrefix(raw, secretbox.Prefix) || strings.Contains(raw, secret) ||
		strings.Contains(raw, strings.TrimPrefix(secret, "whsec_")) {
		t.Fatalf("%s is stored as %q, not encrypted", what, raw)
	}
}

// subscribe makes a subscription to lead.created at url.
func (e *deliveryEnv) subscribe(url string) *ally.Subscription {
	e.t.Helper()
	s, err := e.app.CreateSubscription(e.ctx, sys, ally.SubscriptionFields{URL: &url, Events: &[]string{ally.EventLeadCreated}})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// saveSMTP saves an SMTP server with password ("" keeps the stored one)
// and quietDays, the one other setting the tests change.
func (e *deliveryEnv) saveSMTP(password string, quietDays int) {
	e.t.Helper()
	err := e.app.UpdateSettings(e.ctx, sys, ally.Settings{QuietDays: quietDays, SMTP: ally.SMTPSettings{
		Host: "smtp.vendor.example", Port: 587, Username: "ally", Password: password, From: "ally@vendor.example"}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// wantMailPassword fails unless the mail sender reads password.
func (e *deliveryEnv) wantMailPassword(password string) {
	e.t.Helper()
	if s, err := e.app.MailSettings(e.ctx); err != nil || s.SMTP.Password != password {
		e.t.Fatalf("mail settings: %+v, %v; want the password %q", s, err, password)
	}
}

// wantVerified fails unless rc got n requests, each signed with its secret.
func wantVerified(t *testing.T, rc *webhooktest.Receiver, n int) {
	t.Helper()
	reqs := rc.Requests()
	if len(reqs) != n {
		t.Fatalf("receiver got %d requests, want %d: %v", len(reqs), n, reqs)
	}
	for _, r := range reqs {
		if r.Verified != nil {
			t.Fatalf("request not signed with the secret: %v", r)
		}
	}
}

// wantNoSecretInAudit fails if an audit event's changes show a secret or
// an encrypted value.
func wantNoSecretInAudit(t *testing.T, e *deliveryEnv, secrets ...string) {
	t.Helper()
	page, err := e.app.AuditEvents(e.ctx, sys, ally.AuditFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range page.Items {
		b, _ := json.Marshal(ev.Changes)
		for _, s := range append(secrets, secretbox.Prefix) {
			if strings.Contains(string(b), s) {
				t.Fatalf("audit event %s shows a secret: %s", ev.Action, b)
			}
		}
	}
}

// lastChanges returns the changes of the newest audit event of action.
func (e *deliveryEnv) lastChanges(action string) map[string]ally.Change {
	e.t.Helper()
	page, err := e.app.AuditEvents(e.ctx, sys, ally.AuditFilter{Action: action, Limit: 1})
	if err != nil || len(page.Items) != 1 {
		e.t.Fatalf("no %s audit event: %v", action, err)
	}
	return page.Items[0].Changes
}

func wantKeyError(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) || !strings.Contains(err.Error(), "ALLY_SECRET_KEY") {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

// secretsSetup is what each test stores through e's app: a partner whose
// lead webhook goes to rc, a subscription to lead.created at vendor, and
// SMTP settings with smtpPassword.
type secretsSetup struct {
	rc, vendor *webhooktest.Receiver
	p          *ally.Partner
	set        *ally.DeliverySettings
	sub        *ally.Subscription
}

func (e *deliveryEnv) setUpSecrets(t *testing.T) secretsSetup {
	t.Helper()
	x := secretsSetup{rc: newReceiver(t, nil), vendor: newReceiver(t, nil)}
	x.p, x.set = e.partnerWithWebhook("Acme", "", x.rc.URL)
	x.sub = e.subscribe(x.vendor.URL)
	e.saveSMTP(smtpPassword, 0)
	return x
}

// deliverSigned takes a lead in for x's partner and runs the jobs; both
// receivers, given these secrets to verify with, must then have n
// requests, each signed with its secret.
func (e *deliveryEnv) deliverSigned(x secretsSetup, webhookSecret, subSecret string, n int) {
	e.t.Helper()
	x.rc.SetSecret(e.t, webhookSecret)
	x.vendor.SetSecret(e.t, subSecret)
	e.lead(x.p.ID, "Ada", "Lovelace", "Analytical Engines")
	e.run()
	wantVerified(e.t, x.rc, n)
	wantVerified(e.t, x.vendor, n)
}

// TestSecretsEncryptedAtRest: with a key, no secret is in its column, yet
// deliveries are signed with it and those allowed see it.
func TestSecretsEncryptedAtRest(t *testing.T) {
	eachDelivery(t, func(t *testing.T, e *deliveryEnv) {
		x := e.setUpSecrets(t)
		p, set, sub := x.p, x.set, x.sub
		wantSealed(t, "the partner's webhook secret", e.rawWebhookSecret(p.ID), set.WebhookSecret)
		wantSealed(t, "the subscription's secret", e.rawSubscriptionSecret(sub.ID), sub.Secret)
		if raw := e.rawSettings(); strings.Contains(raw, smtpPassword) || !strings.Contains(raw, secretbox.Prefix) {
			t.Fatalf("settings stored as %s", raw)
		}
		e.deliverSigned(x, set.WebhookSecret, sub.Secret, 1)

		got, err := e.app.DeliverySettings(e.ctx, sys, p.ID)
		if err != nil || got.WebhookSecret != set.WebhookSecret {
			t.Fatalf("settings show %+v, %v; want the secret %s", got, err, set.WebhookSecret)
		}
		gotSub, err := e.app.Subscription(e.ctx, sys, sub.ID)
		if err != nil || gotSub.Secret != sub.Secret {
			t.Fatalf("subscription shows %+v, %v", gotSub, err)
		}
		if subs, err := e.app.Subscriptions(e.ctx, sys); err != nil || len(subs) != 1 || subs[0].Secret != sub.Secret {
			t.Fatalf("subscriptions: %+v, %v", subs, err)
		}
		if s, err := e.app.Settings(e.ctx, sys); err != nil || s.SMTP.Password != smtpPassword {
			t.Fatalf("settings: %+v, %v", s, err)
		}
		e.saveSMTP("", 30) // no password typed: the stored one stays
		e.wantMailPassword(smtpPassword)

		rotated, err := e.app.UpdateDeliverySettings(e.ctx, sys, p.ID, ally.DeliverySettingsFields{RotateSecret: true}, nil)
		if err != nil || rotated.WebhookSecret == set.WebhookSecret || !strings.HasPrefix(rotated.WebhookSecret, "whsec_") {
			t.Fatalf("rotated: %+v, %v", rotated, err)
		}
		wantSealed(t, "the rotated secret", e.rawWebhookSecret(p.ID), rotated.WebhookSecret)
		rotatedSub, err := e.app.UpdateSubscription(e.ctx, sys, sub.ID, ally.SubscriptionFields{RotateSecret: true}, nil)
		if err != nil || rotatedSub.Secret == sub.Secret {
			t.Fatalf("rotated subscription: %+v, %v", rotatedSub, err)
		}
		wantSealed(t, "the rotated subscription secret", e.rawSubscriptionSecret(sub.ID), rotatedSub.Secret)
		e.deliverSigned(x, rotated.WebhookSecret, rotatedSub.Secret, 2)

		if err := e.app.DeleteSubscription(e.ctx, sys, sub.ID); err != nil {
			t.Fatal(err)
		}
		wantNoSecretInAudit(t, e, set.WebhookSecret, rotated.WebhookSecret, sub.Secret, rotatedSub.Secret, smtpPassword)
	}, withKey(t, secretKey))
}

// TestSecretsStoredBeforeTheKey: secrets saved without a key keep working
// once it is set, and are encrypted at their next save with a change.
func TestSecretsStoredBeforeTheKey(t *testing.T) {
	eachDelivery(t, func(t *testing.T, plain *deliveryEnv) {
		x := plain.setUpSecrets(t)
		p, set, sub := x.p, x.set, x.sub
		if raw := plain.rawWebhookSecret(p.ID); raw != set.WebhookSecret {
			t.Fatalf("without a key the secret is stored as %q, want it as it is", raw)
		}
		if raw := plain.rawSubscriptionSecret(sub.ID); raw != sub.Secret {
			t.Fatalf("without a key the subscription secret is stored as %q", raw)
		}

		e := plain.reopen(withKey(t, secretKey))
		e.deliverSigned(x, set.WebhookSecret, sub.Secret, 1)
		e.wantMailPassword(smtpPassword)

		saved, err := e.app.UpdateDeliverySettings(e.ctx, sys, p.ID, ally.DeliverySettingsFields{EmailTo: &[]string{"leads@acme.example"}}, nil)
		if err != nil || saved.WebhookSecret != set.WebhookSecret {
			t.Fatalf("saved: %+v, %v; want the secret kept", saved, err)
		}
		wantSealed(t, "the webhook secret after a save", e.rawWebhookSecret(p.ID), set.WebhookSecret)
		savedSub, err := e.app.UpdateSubscription(e.ctx, sys, sub.ID, ally.SubscriptionFields{Description: ptr("CRM")}, nil)
		if err != nil || savedSub.Secret != sub.Secret {
			t.Fatalf("saved subscription: %+v, %v", savedSub, err)
		}
		wantSealed(t, "the subscription secret after a save", e.rawSubscriptionSecret(sub.ID), sub.Secret)
		e.saveSMTP("", 30)
		if raw := e.rawSettings(); strings.Contains(raw, smtpPassword) {
			t.Fatalf("settings still hold the password plain: %s", raw)
		}
		e.wantMailPassword(smtpPassword)
		// Encrypting is no change of a secret.
		for _, action := range []string{"delivery_settings.updated", "subscription.updated", "settings.updated"} {
			for field := range e.lastChanges(action) {
				if strings.Contains(strings.ToLower(field), "secret") || field == "smtpPassword" {
					t.Errorf("%s records a %s change", action, field)
				}
			}
		}
		e.deliverSigned(x, set.WebhookSecret, sub.Secret, 2)
	})
}

// TestSecretsWithAnotherKey: a node with another key (or none) sends
// nothing with a secret it cannot open and says why, keeps what it cannot
// read through saves, and can replace it by rotating.
func TestSecretsWithAnotherKey(t *testing.T) {
	eachDelivery(t, func(t *testing.T, first *deliveryEnv) {
		x := first.setUpSecrets(t)
		p, set, sub := x.p, x.set, x.sub
		stored := first.rawWebhookSecret(p.ID)

		cases := []struct {
			name string
			opts []app.Option
			want error
		}{
			{"another key", []app.Option{withKey(t, otherSecretKey)}, secretbox.ErrWrongKey},
			{"no key", nil, secretbox.ErrNoKey},
		}
		for i, tc := range cases {
			e := first.reopen(tc.opts...)
			_, err := e.app.DeliverySettings(e.ctx, sys, p.ID)
			wantKeyError(t, tc.name+": delivery settings", err, tc.want)
			_, err = e.app.Subscription(e.ctx, sys, sub.ID)
			wantKeyError(t, tc.name+": subscription", err, tc.want)
			_, err = e.app.MailSettings(e.ctx)
			wantKeyError(t, tc.name+": mail settings", err, tc.want)
			_, err = e.app.UpdateDeliverySettings(e.ctx, sys, p.ID, ally.DeliverySettingsFields{EmailTo: &[]string{"x@acme.example"}}, nil)
			wantKeyError(t, tc.name+": a save", err, tc.want)
			// The list and the settings page show no secret: they still work.
			if subs, err := e.app.Subscriptions(e.ctx, sys); err != nil || len(subs) != 1 || subs[0].Secret != "" {
				t.Fatalf("%s: subscriptions %+v, %v", tc.name, subs, err)
			}
			if s, err := e.app.Settings(e.ctx, sys); err != nil || s.SMTP.Password != "" || s.SMTP.Host != "smtp.vendor.example" {
				t.Fatalf("%s: settings %+v, %v", tc.name, s, err)
			}
			e.saveSMTP("", 30+i) // no password typed: the stored one stays as it is

			l := e.lead(p.ID, "Ada", "Lovelace", tc.name)
			e.run()
			if n := len(x.rc.Requests()) + len(x.vendor.Requests()); n != 0 {
				t.Fatalf("%s: %d webhooks went out", tc.name, n)
			}
			if d := e.only(ally.DeliveryFilter{LeadID: l.ID, PartnerID: p.ID}); d.Status != ally.DeliveryPending || d.Attempts != 0 {
				t.Fatalf("%s: delivery %+v", tc.name, d)
			}
			// Every waiting delivery job failed saying why, and will retry.
			jobs := func(cond string) string {
				return e.raw(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'pending' AND last_error `+cond, ally.JobDeliver)
			}
			if named, other := jobs(`LIKE '%ALLY_SECRET_KEY%'`), jobs(`NOT LIKE '%ALLY_SECRET_KEY%'`); named == "0" || other != "0" {
				t.Fatalf("%s: %s waiting delivery jobs name ALLY_SECRET_KEY, %s do not", tc.name, named, other)
			}
			if raw := e.rawWebhookSecret(p.ID); raw != stored {
				t.Fatalf("%s: the stored secret changed to %q", tc.name, raw)
			}
			for _, d := range e.deliveries(ally.DeliveryFilter{LeadID: l.ID}) {
				d.Status = ally.DeliveryFailed // so the next case starts clean
				if err := e.db.Write(e.ctx, func(tx ally.Tx) error { return tx.UpdateDelivery(e.ctx, d) }); err != nil {
					t.Fatal(err)
				}
			}
		}
		first.wantMailPassword(smtpPassword)

		// A lost key: rotating replaces what cannot be read.
		e := first.reopen(withKey(t, otherSecretKey))
		rotated, err := e.app.UpdateDeliverySettings(e.ctx, sys, p.ID, ally.DeliverySettingsFields{RotateSecret: true}, nil)
		if err != nil || rotated.WebhookSecret == set.WebhookSecret || rotated.WebhookSecret == "" {
			t.Fatalf("rotated: %+v, %v", rotated, err)
		}
		if c := e.lastChanges("delivery_settings.updated")["webhookSecret"]; c.Before != "•••" {
			t.Fatalf("the unreadable secret is audited as %+v", c)
		}
		rotatedSub, err := e.app.UpdateSubscription(e.ctx, sys, sub.ID, ally.SubscriptionFields{RotateSecret: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.saveSMTP("a-new-password", 30)
		e.wantMailPassword("a-new-password")
		e.deliverSigned(x, rotated.WebhookSecret, rotatedSub.Secret, 1)
		wantNoSecretInAudit(t, e, set.WebhookSecret, rotated.WebhookSecret, sub.Secret, rotatedSub.Secret, smtpPassword, "a-new-password")
	}, withKey(t, secretKey))
}
