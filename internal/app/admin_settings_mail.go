package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// SendTestEmail queues the test e-mail, in the vendor's branding, to the
// address to, so an admin can check the e-mail settings. It goes through
// the same job as every other e-mail, so it proves the path real mail
// takes: the sender is picked when the job runs, from the settings then.
// Owners and admins only; audited.
func (a *App) SendTestEmail(ctx context.Context, actor ally.Actor, to string) error {
	if err := requireAdmin(actor, "may send test e-mails"); err != nil {
		return err
	}
	to = ally.NormalizeEmail(to)
	if !ally.ValidEmail(to) {
		return invalid("to", "must be a valid e-mail address")
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		if err := a.enqueueMail(ctx, tx, mail.KindTest, mail.TestData{}, to); err != nil {
			return err
		}
		c := changes{}
		c.add("to", nil, to)
		return a.record(ctx, tx, actor, "settings.test_email_sent", "settings", "settings", "", c)
	})
}

// MailSettings returns the stored settings with the SMTP password opened,
// for the mail sender to read at send time (mail.Dynamic's Settings); it
// is Ally's own read, not an actor's, so no handler may call it. A
// password ALLY_SECRET_KEY does not open is an error: the e-mail job
// retries rather than log in with a wrong one.
func (a *App) MailSettings(ctx context.Context) (*ally.Settings, error) {
	s, err := a.store.FindSettings(ctx)
	if err != nil {
		return nil, err
	}
	if s.SMTP.Password, err = a.openSecret("the SMTP password of the e-mail settings", s.SMTP.Password); err != nil {
		return nil, err
	}
	return s, nil
}
