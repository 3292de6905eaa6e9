package app

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// DefaultAccentColor is the accent colour when the vendor set none.
const DefaultAccentColor = "#2f6fed"

// Settings returns the vendor's settings (admins only: they hold the SMTP
// password). No page shows the password, so one ALLY_SECRET_KEY does not
// open comes back empty, to be entered again, instead of failing the page.
func (a *App) Settings(ctx context.Context, actor ally.Actor) (*ally.Settings, error) {
	if err := requireAdmin(actor, "see settings"); err != nil {
		return nil, err
	}
	s, err := a.store.FindSettings(ctx)
	if err != nil {
		return nil, err
	}
	s.SMTP.Password, _ = a.secrets.Open(s.SMTP.Password)
	return s, nil
}

// Branding returns the vendor's name, logo and colour, with defaults filled
// in. It is public: the sign-in pages show it.
func (a *App) Branding(ctx context.Context) (ally.Branding, error) {
	s, err := a.store.FindSettings(ctx)
	if err != nil {
		return ally.Branding{}, err
	}
	b := s.Branding
	if b.VendorName == "" {
		b.VendorName = "Ally"
	}
	if b.AccentColor == "" {
		b.AccentColor = DefaultAccentColor
	}
	return b, nil
}

// UpdateSettings saves the settings. An empty SMTP password keeps the stored one,
// so the form never has to show it; the password is stored sealed (secrets.go).
func (a *App) UpdateSettings(ctx context.Context, actor ally.Actor, s ally.Settings) error {
	if err := requireAdmin(actor, "change settings"); err != nil {
		return err
	}
	if err := validateSettings(&s); err != nil {
		return err
	}
	return a.store.Write(ctx, func(tx ally.Tx) error {
		before, err := tx.FindSettings(ctx)
		if err != nil {
			return err
		}
		// The stored password is opened only to tell whether a typed one
		// differs: one the key does not open is replaced, or kept as stored.
		old, openErr := a.secrets.Open(before.SMTP.Password)
		passwordChanged := s.SMTP.Password != "" && (openErr != nil || old != s.SMTP.Password)
		switch {
		case passwordChanged:
			s.SMTP.Password = a.secrets.Seal(s.SMTP.Password)
		case openErr == nil:
			s.SMTP.Password = a.secrets.Seal(old) // sealed now if it was stored plain
		default:
			s.SMTP.Password = before.SMTP.Password
		}
		c := changes{}
		c.str("vendorName", before.Branding.VendorName, s.Branding.VendorName)
		c.str("logoUrl", before.Branding.LogoURL, s.Branding.LogoURL)
		c.str("accentColor", before.Branding.AccentColor, s.Branding.AccentColor)
		c.str("smtpHost", before.SMTP.Host, s.SMTP.Host)
		c.str("smtpFrom", before.SMTP.From, s.SMTP.From)
		c.str("smtpUsername", before.SMTP.Username, s.SMTP.Username)
		if before.SMTP.Port != s.SMTP.Port {
			c.add("smtpPort", before.SMTP.Port, s.SMTP.Port)
		}
		if passwordChanged {
			c.add("smtpPassword", "•••", "•••") // that it changed, never what it is
		}
		if before.QuietDays != s.QuietDays {
			c.add("quietDays", before.QuietDays, s.QuietDays)
		}
		if len(c) == 0 {
			return nil
		}
		if err := tx.SaveSettings(ctx, &s); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "settings.updated", "settings", "settings", "", c)
	})
}

func validateSettings(s *ally.Settings) error {
	var v ally.Validator
	b := &s.Branding
	b.VendorName, b.LogoURL, b.AccentColor = strings.TrimSpace(b.VendorName), strings.TrimSpace(b.LogoURL), strings.TrimSpace(b.AccentColor)
	v.Check(utf8.RuneCountInString(b.VendorName) <= 100 && ally.PlainText(b.VendorName), "vendorName", "must be at most 100 characters of text")
	if b.LogoURL != "" {
		f := ally.PartnerFields{LogoURL: &b.LogoURL}
		v.Check(f.Validate(false) == nil || strings.HasPrefix(b.LogoURL, "/files/"), "logoUrl", "must be an http or https URL")
	}
	v.Check(b.AccentColor == "" || hexColor.MatchString(b.AccentColor), "accentColor", "must be a colour like #2f6fed")
	m := &s.SMTP
	m.Host, m.From, m.Username = strings.TrimSpace(m.Host), strings.TrimSpace(m.From), strings.TrimSpace(m.Username)
	if m.Host != "" {
		v.Check(len(m.Host) <= 255 && !strings.ContainsAny(m.Host, " /:"), "smtpHost", "must be a host name")
		v.Check(m.Port >= 1 && m.Port <= 65535, "smtpPort", "must be 1 to 65535")
		v.Check(m.From != "" && len(m.From) <= 320 && ally.PlainText(m.From), "smtpFrom", "is required with an SMTP host")
	}
	v.Check(len(m.Username) <= 255 && len(m.Password) <= 1024 && ally.PlainText(m.Username+m.Password), "smtpUsername", "is too long")
	v.Check(s.QuietDays >= 0 && s.QuietDays <= 3650, "quietDays", "must be 0 to 3650")
	return v.Err()
}
