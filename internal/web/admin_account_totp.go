package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"

	"github.com/pquerna/otp"
)

// Two-step sign-in (TOTP) on the account page: begin shows the secret once,
// as text, as an otpauth:// link and as a QR code; a code from the app
// turns it on; the password turns it off.

// totpSetupData is the set-up page. QR is a data: URL of a PNG made here,
// so no outside service ever sees the secret.
type totpSetupData struct {
	Secret string
	URL    string
	QR     template.URL
}

// totpQRSize is the QR code's size in pixels: big enough for any phone camera.
const totpQRSize = 200

// totpBegin stores a new secret (not yet active) and shows it.
func (s *server) totpBegin(w http.ResponseWriter, r *http.Request) {
	secret, url, err := s.app.BeginTOTP(r.Context(), actor(r))
	if err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderAccount(w, r, status, nil, "totp", e) })
		return
	}
	d := totpSetupData{Secret: secret, URL: url, QR: totpQR(url)}
	s.render(w, r, http.StatusOK, "admin/account_totp", view{Title: "Set up two-step sign-in", Data: d})
}

// totpQR renders the otpauth URL as a PNG data URL, or "" when it cannot
// (the secret and link are shown as text either way).
func totpQR(url string) template.URL {
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return ""
	}
	img, err := key.Image(totpQRSize, totpQRSize)
	if err != nil {
		return ""
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return ""
	}
	// Safe to mark as a URL: it is built here from our own PNG bytes.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// totpEnable turns two-step sign-in on with a code from the app.
func (s *server) totpEnable(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	if err := s.app.EnableTOTP(r.Context(), actor(r), f.text("code")); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderAccount(w, r, status, nil, "totp", e) })
		return
	}
	redirect(w, r, "/admin/account", "totp")
}

// totpDisable turns it off; the password is asked again.
func (s *server) totpDisable(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	if err := s.app.DisableTOTP(r.Context(), actor(r), f.r.PostFormValue("password")); err != nil {
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderAccount(w, r, status, nil, "totpoff", e) })
		return
	}
	redirect(w, r, "/admin/account", "totpoff")
}
