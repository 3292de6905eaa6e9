package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// Branding and general settings, and the e-mail (SMTP) settings. Both
// pages save through the one UpdateSettings call, each changing only its
// own part of the settings it read.

// brandingForm is the branding form as typed. Picker is the colour input's
// value; Accent the hex text field, which wins when filled in (a browser
// without a colour picker shows a text box, and some people paste codes).
type brandingForm struct {
	VendorName, LogoURL, Picker, Accent, QuietDays string
}

type brandingData struct {
	Form             brandingForm
	DefaultQuietDays int
	Errs             formErrs
}

func (s *server) brandingEdit(w http.ResponseWriter, r *http.Request) {
	set, err := s.app.Settings(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	b := set.Branding
	picker := b.AccentColor
	if picker == "" {
		picker = app.DefaultAccentColor
	}
	form := brandingForm{VendorName: b.VendorName, LogoURL: b.LogoURL, Picker: picker, QuietDays: itoa(set.QuietDays)}
	s.renderBranding(w, r, http.StatusOK, form, formErrs{})
}

func (s *server) renderBranding(w http.ResponseWriter, r *http.Request, status int, form brandingForm, e formErrs) {
	s.render(w, r, status, "admin/settings_branding", view{Title: "Branding and general", Data: brandingData{
		Form: form, DefaultQuietDays: app.DefaultQuietDays, Errs: e,
	}})
}

func (s *server) brandingUpdate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	form := brandingForm{VendorName: f.text("vendorName"), LogoURL: f.text("logoUrl"), Picker: f.text("accentPicker"),
		Accent: f.text("accentColor"), QuietDays: f.text("quietDays")}
	quiet := f.number("quietDays", "quietDays")
	err := f.check(nil)
	if err == nil {
		err = s.saveSettings(r, func(set *ally.Settings) {
			set.Branding = ally.Branding{VendorName: form.VendorName, LogoURL: form.LogoURL, AccentColor: form.Picker}
			if form.Accent != "" {
				set.Branding.AccentColor = form.Accent
			}
			set.QuietDays = *quiet
		})
	}
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderBranding(w, r, status, form, e) })
		return
	}
	redirect(w, r, "/admin/settings/branding", "saved")
}

// saveSettings reads the settings, lets change edit them and saves them.
// The SMTP password is sent back empty, which keeps the stored one, so it
// never travels through a form.
func (s *server) saveSettings(r *http.Request, change func(*ally.Settings)) error {
	cur, err := s.app.Settings(r.Context(), actor(r))
	if err != nil {
		return err
	}
	next := *cur
	next.SMTP.Password = ""
	change(&next)
	return s.app.UpdateSettings(r.Context(), actor(r), next)
}

// emailForm is the SMTP form as typed; the password is never sent back.
type emailForm struct {
	Host, Port, Username, From string
}

type emailData struct {
	Form        emailForm
	HasPassword bool
	To          string // the test e-mail's recipient
	Which       string // "test" when the test e-mail form was refused
	Errs        formErrs
}

func (s *server) emailEdit(w http.ResponseWriter, r *http.Request) {
	s.renderEmail(w, r, http.StatusOK, nil, actor(r).Label, "", formErrs{})
}

// renderEmail shows the e-mail settings; form, when not nil, is what was
// typed, else the stored settings are shown.
func (s *server) renderEmail(w http.ResponseWriter, r *http.Request, status int, form *emailForm, to, which string, e formErrs) {
	set, err := s.app.Settings(r.Context(), actor(r))
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d := emailData{HasPassword: set.SMTP.Password != "", To: to, Which: which, Errs: e}
	if form != nil {
		d.Form = *form
	} else {
		d.Form = emailForm{Host: set.SMTP.Host, Username: set.SMTP.Username, From: set.SMTP.From}
		if set.SMTP.Port != 0 {
			d.Form.Port = itoa(set.SMTP.Port)
		}
	}
	s.render(w, r, status, "admin/settings_email", view{Title: "E-mail", Data: d})
}

func (s *server) emailUpdate(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	form := emailForm{Host: f.text("smtpHost"), Port: f.text("smtpPort"), Username: f.text("smtpUsername"), From: f.text("smtpFrom")}
	port := f.number("smtpPort", "smtpPort")
	err := f.check(nil)
	if err == nil {
		err = s.saveSettings(r, func(set *ally.Settings) {
			// The password field is not trimmed: spaces may be part of it.
			set.SMTP = ally.SMTPSettings{Host: form.Host, Port: *port, Username: form.Username,
				Password: f.r.PostFormValue("smtpPassword"), From: form.From}
		})
	}
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderEmail(w, r, status, &form, actor(r).Label, "", e) })
		return
	}
	redirect(w, r, "/admin/settings/email", "saved")
}

// emailTest queues the test e-mail; it goes out through the job runner
// with whatever settings hold when it runs.
func (s *server) emailTest(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	to := f.text("to")
	if err := s.app.SendTestEmail(r.Context(), actor(r), to); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderEmail(w, r, status, nil, to, "test", e) })
		return
	}
	redirect(w, r, "/admin/settings/email", "testmail")
}
