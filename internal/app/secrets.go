package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/secretbox"
	"github.com/allyprm/ally/internal/webhook"
)

// Secrets at rest. The store keeps text; the app seals a secret (a.secrets,
// from ALLY_SECRET_KEY) right before it writes one and opens it where it
// uses or shows one, so every value this package hands out holds the
// secret itself. A plain value stored before the key was set reads as it
// is and is sealed when its record is next saved with a change.
//
// A sealed value the key does not open is an error naming ALLY_SECRET_KEY
// wherever the secret would be used or shown: a delivery waits and
// retries, a page does not render. Only a change that makes a new secret
// (rotating, deleting) goes ahead without the old one, so an operator who
// lost the key can replace the secrets, and one who set the wrong key on a
// node loses nothing by a save there.

// CheckSecretKey tries the node's ALLY_SECRET_KEY on the secrets stored
// in the database (the SMTP password and one encrypted value of each kind)
// and returns the first error: nil when it opens them all, or nothing is
// encrypted. ally serve says so at start, so a node with the wrong key is
// noticed before its deliveries and sign-ins fail.
func (a *App) CheckSecretKey(ctx context.Context) error {
	set, err := a.store.FindSettings(ctx)
	if err != nil {
		return err
	}
	stored, err := a.store.FindSealedSecrets(ctx, secretbox.Prefix)
	if err != nil {
		return err
	}
	for _, s := range append(stored, set.SMTP.Password) {
		if _, err := a.secrets.Open(s); err != nil {
			return err
		}
	}
	return nil
}

// openSecret returns the secret of a stored value; what names it in the error.
func (a *App) openSecret(what, stored string) (string, error) {
	s, err := a.secrets.Open(stored)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return s, nil
}

// openReplaced is openSecret for a change that reads a secret it may
// replace: when replacing, a value that does not open comes back as
// stored, which maskSecret shows as •••.
func (a *App) openReplaced(what, stored string, replacing bool) (string, error) {
	s, err := a.openSecret(what, stored)
	if err != nil && replacing {
		return stored, nil
	}
	return s, err
}

// openDeliverySettings opens the webhook secret of settings just read.
func (a *App) openDeliverySettings(s *ally.DeliverySettings, err error) (*ally.DeliverySettings, error) {
	if err != nil {
		return nil, err
	}
	if s.WebhookSecret, err = a.openSecret(webhookSecretOf(s.PartnerID), s.WebhookSecret); err != nil {
		return nil, err
	}
	return s, nil
}

func webhookSecretOf(partnerID string) string {
	return "the lead webhook signing secret of partner " + partnerID
}

// openSubscription opens the signing secret of a subscription just read.
func (a *App) openSubscription(s *ally.Subscription, err error) (*ally.Subscription, error) {
	if err != nil {
		return nil, err
	}
	if s.Secret, err = a.openSecret(subscriptionSecretOf(s.ID), s.Secret); err != nil {
		return nil, err
	}
	return s, nil
}

func subscriptionSecretOf(id string) string { return "the signing secret of subscription " + id }

// maskSecret keeps a secret recognisable in the audit log without showing
// it; one that did not open shows as •••.
func maskSecret(s string) string {
	if strings.HasPrefix(s, secretbox.Prefix) {
		return "•••"
	}
	if len(s) < 12 {
		return strings.Repeat("•", len(s))
	}
	return webhook.SecretPrefix + "…" + s[len(s)-4:]
}
