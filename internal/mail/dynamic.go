package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Dynamic picks the way to send at send time, so an admin's change of the
// SMTP settings applies to the next message without a restart:
//
//  1. the SMTP server in the settings stored in the database, when its Host is set;
//  2. else the server of ALLY_SMTP_* (Env), when its Host is set;
//  3. else File, writing .eml files.
type Dynamic struct {
	// Settings returns the vendor's current settings; nil skips step 1.
	Settings func(ctx context.Context) (*ally.Settings, error)
	Env      ally.SMTPSettings // from ALLY_SMTP_*
	File     FileSender
	Timeout  time.Duration // per SMTP conversation; 0 means DefaultSMTPTimeout
	// TLSConfig is passed to the SMTP sender; nil verifies against the system roots.
	TLSConfig *tls.Config
}

// Send delivers m with the sender Pick chooses.
func (d Dynamic) Send(ctx context.Context, m ally.Email) error {
	s, err := d.Pick(ctx)
	if err != nil {
		return err
	}
	return s.Send(ctx, m)
}

// Pick returns the sender a message sent now would go through.
// A failure to read the settings is an error rather than a fall back to
// the next choice: mail the admin routed elsewhere must not leak out
// through another server because the database blinked; the job retries.
func (d Dynamic) Pick(ctx context.Context) (Sender, error) {
	if d.Settings != nil {
		s, err := d.Settings(ctx)
		if err != nil {
			return nil, fmt.Errorf("mail: reading the SMTP settings: %w", err)
		}
		if s != nil && s.SMTP.Host != "" {
			set := s.SMTP
			if set.From == "" {
				set.From = d.Env.From // the admin may rely on the operator's sender address
			}
			return d.smtp(set), nil
		}
	}
	if d.Env.Host != "" {
		return d.smtp(d.Env), nil
	}
	f := d.File
	if f.From == "" {
		f.From = d.Env.From
	}
	return f, nil
}

func (d Dynamic) smtp(set ally.SMTPSettings) SMTPSender {
	return SMTPSender{Settings: set, Timeout: d.Timeout, TLSConfig: d.TLSConfig, Now: d.File.Now}
}
