// Package mail composes Ally's e-mails from embedded templates carrying the
// vendor's branding, and sends them: over SMTP when a server is configured
// (in the admin settings or ALLY_SMTP_*), else into .eml files in the data
// directory so a newcomer can follow an invite link without a mail server.
//
// E-mail is durable background work: the application composes a message,
// enqueues it with NewJob in the transaction of the change that causes it,
// and the job runner sends it after commit with Handler.
package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/allyprm/ally/internal/ally"
)

// Sender delivers one composed message.
type Sender interface {
	Send(ctx context.Context, m ally.Email) error
}

// DefaultFrom is the sender address when none is configured: the file
// sender's messages need one, and nothing is ever sent to it.
const DefaultFrom = `"Ally" <ally@localhost>`

// newMsg turns a composed e-mail into a MIME message: a text part with the
// HTML part as its alternative, so every client shows one of them.
func newMsg(from string, m ally.Email, now time.Time) (*gomail.Msg, error) {
	if len(m.To) == 0 {
		return nil, errors.New("mail: no recipient")
	}
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("mail: empty message")
	}
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", from, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("mail: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	msg.SetMessageID()
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
