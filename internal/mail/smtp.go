package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/allyprm/ally/internal/ally"
)

// DefaultSMTPTimeout bounds connecting to the server and each step of the
// conversation, so a stalled server cannot hold a worker for long.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPSender sends through an SMTP server.
//
// Port 465 speaks TLS from the start (SMTPS); any other port starts in
// plain text and upgrades with STARTTLS when the server offers it, so a
// local relay without TLS works too. A password is only sent in the clear
// to a server on localhost: elsewhere, without TLS, only challenge-response
// mechanisms (SCRAM, CRAM-MD5) are used, and sending fails if there are none.
type SMTPSender struct {
	Settings ally.SMTPSettings // Host is required; Port 0 means 587
	Timeout  time.Duration     // 0 means DefaultSMTPTimeout
	// TLSConfig overrides the TLS settings (for a private CA); nil verifies
	// the server's certificate against the system roots for Settings.Host.
	TLSConfig *tls.Config
	// Now stamps the Date header; nil means time.Now.
	Now func() time.Time
}

// authMechs are tried in this order when a user name is set. PLAIN and
// LOGIN come last and, without TLS, go-mail refuses them except to localhost.
func authMechs() []gomail.SMTPAuthType {
	return []gomail.SMTPAuthType{
		gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
		gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1,
		gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin,
	}
}

// Send delivers m in one SMTP conversation.
func (s SMTPSender) Send(ctx context.Context, m ally.Email) error {
	set := s.Settings
	if set.Host == "" {
		return errors.New("mail: SMTP host is not set")
	}
	if set.From == "" {
		return errors.New("mail: SMTP sender address (from) is not set")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg, err := newMsg(set.From, m, now())
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: sending via %s: %w", c.ServerAddr(), err)
	}
	return nil
}

// client builds a go-mail client for the settings; one per message, so a
// change of the settings in the admin UI applies to the next message.
func (s SMTPSender) client() (*gomail.Client, error) {
	set := s.Settings
	port := set.Port
	if port == 0 {
		port = 587
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(timeout)}
	if port == 465 {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.TLSConfig != nil {
		tc := s.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = set.Host // what go-mail's own configuration verifies
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if set.Username != "" {
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(authMechs()...),
			gomail.WithUsername(set.Username), gomail.WithPassword(set.Password))
	}
	c, err := gomail.NewClient(set.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client for %s: %w", set.Host, err)
	}
	return c, nil
}
