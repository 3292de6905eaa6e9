package mail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/mail/mailtest"
)

// invite composes the invite the tests send.
func invite(t *testing.T, to string) ally.Email {
	t.Helper()
	m, err := mail.NewTemplates().Compose(mail.KindInvite, sample(mail.KindInvite), acme, to)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkInvite asserts what a recipient of invite sees.
func checkInvite(t *testing.T, got mailtest.Message, from, to string) {
	t.Helper()
	if got.From != from {
		t.Errorf("From = %q, want %q", got.From, from)
	}
	if len(got.To) != 1 || got.To[0] != to {
		t.Errorf("To = %v", got.To)
	}
	if got.Subject != "Jane Doe invited you to the Acme Cloud partner portal" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if !strings.Contains(got.Text, "as part of Globex") || strings.Contains(got.Text, "<p") {
		t.Errorf("text part:\n%s", got.Text)
	}
	for _, want := range []string{"Acme Cloud", "#aa3300", "<strong>Globex</strong>"} {
		if !strings.Contains(got.HTML, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, got.HTML)
		}
	}
	if link := got.Link("/partner/invite/"); link != "https://prm.acme.example/partner/invite/tok123" {
		t.Errorf("Link = %q", link)
	}
	if got.Header.Get("Date") == "" || got.Header.Get("Message-Id") == "" {
		t.Errorf("headers: %v", got.Header)
	}
}

func TestSMTPSender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		auth     bool
		username string
		password string
		wantErr  bool
	}{
		{name: "no auth"},
		{name: "auth", auth: true, username: "mailer", password: "s3cret"},
		{name: "wrong password", auth: true, username: "mailer", password: "wrong", wantErr: true},
		{name: "auth required", auth: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []mailtest.Option
			if tt.auth {
				opts = append(opts, mailtest.WithAuth("mailer", "s3cret"))
			}
			srv := mailtest.NewServer(t, opts...)
			s := mail.SMTPSender{Settings: ally.SMTPSettings{Host: srv.Host, Port: srv.Port,
				Username: tt.username, Password: tt.password, From: `"Acme Partners" <partners@acme.example>`},
				Timeout: 5 * time.Second}
			err := s.Send(context.Background(), invite(t, "sam@globex.example"))
			if tt.wantErr {
				if err == nil || len(srv.Messages()) != 0 {
					t.Fatalf("sent anyway: err %v, %d messages", err, len(srv.Messages()))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := srv.WaitFor(t, "sam@globex.example", 5*time.Second)
			checkInvite(t, got, `"Acme Partners" <partners@acme.example>`, "sam@globex.example")
			if got.EnvelopeFrom != "partners@acme.example" || got.AuthUser != tt.username {
				t.Errorf("envelope from %q, auth user %q", got.EnvelopeFrom, got.AuthUser)
			}
		})
	}
}

func TestSMTPSenderUnreachable(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s := mail.SMTPSender{Settings: ally.SMTPSettings{Host: srv.Host, Port: 1, From: "a@acme.example"}, Timeout: 2 * time.Second}
	if err := s.Send(context.Background(), invite(t, "sam@globex.example")); err == nil {
		t.Fatal("sent to a closed port")
	}
	if err := (mail.SMTPSender{}).Send(context.Background(), invite(t, "sam@globex.example")); err == nil {
		t.Fatal("sent without a host")
	}
}

func TestFileSender(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "mail")
	var logs bytes.Buffer
	at := time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC)
	s := mail.FileSender{Dir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: func() time.Time { return at }}
	for range 2 { // the same subject twice in the same millisecond: two files
		if err := s.Send(context.Background(), invite(t, "sam@globex.example")); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 2 {
		t.Fatalf("files: %v", files)
	}
	base := filepath.Join(dir, "20260508-120000.000-jane-doe-invited-you-to-the-acme-cloud-partner-portal")
	want := base + ".eml"
	if files[0] != base+"-2.eml" || files[1] != want {
		t.Errorf("files %v, want %s and -2", files, want)
	}
	fi, err := os.Stat(want)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("stat: %v %v", fi, err)
	}
	raw, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	checkInvite(t, got, mail.DefaultFrom, "sam@globex.example")
	if !strings.Contains(logs.String(), "e-mail written to "+want) {
		t.Errorf("log: %s", logs.String())
	}
}

func TestDynamic(t *testing.T) {
	t.Parallel()
	dbSrv, envSrv := mailtest.NewServer(t), mailtest.NewServer(t)
	dir := t.TempDir()
	var settings ally.Settings
	var settingsErr error
	d := mail.Dynamic{
		Settings: func(context.Context) (*ally.Settings, error) { return &settings, settingsErr },
		Env:      ally.SMTPSettings{Host: envSrv.Host, Port: envSrv.Port, From: "env@acme.example"},
		File:     mail.FileSender{Dir: dir},
		Timeout:  5 * time.Second,
	}
	ctx := context.Background()
	send := func(to string) {
		t.Helper()
		if err := d.Send(ctx, invite(t, to)); err != nil {
			t.Fatal(err)
		}
	}

	settings.SMTP = ally.SMTPSettings{Host: dbSrv.Host, Port: dbSrv.Port} // no From: the env's applies
	send("db@globex.example")
	if got := dbSrv.WaitFor(t, "db@globex.example", 5*time.Second); got.From != "<env@acme.example>" {
		t.Errorf("From %q", got.From)
	}

	settings.SMTP = ally.SMTPSettings{}
	send("env@globex.example")
	envSrv.WaitFor(t, "env@globex.example", 5*time.Second)

	d.Env = ally.SMTPSettings{}
	send("file@globex.example")
	if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) != 1 {
		t.Errorf("files: %v", files)
	}
	if n := len(dbSrv.Messages()) + len(envSrv.Messages()); n != 2 {
		t.Errorf("%d messages over SMTP, want 2", n)
	}

	settingsErr = errors.New("database down")
	if err := d.Send(ctx, invite(t, "x@globex.example")); err == nil {
		t.Error("sent although the settings could not be read")
	}
}

func TestJob(t *testing.T) {
	t.Parallel()
	m := invite(t, "sam@globex.example")
	job, err := mail.NewJob(m)
	if err != nil {
		t.Fatal(err)
	}
	if job.Kind != mail.JobKind || job.MaxAttempts != mail.JobMaxAttempts || !ally.HasPrefix(job.ID, ally.PrefixJob) {
		t.Errorf("job %+v", job)
	}
	srv := mailtest.NewServer(t)
	h := mail.Handler(mail.SMTPSender{Settings: ally.SMTPSettings{Host: srv.Host, Port: srv.Port, From: "a@acme.example"}})
	if err := h(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	checkInvite(t, srv.WaitFor(t, "sam@globex.example", 5*time.Second), "<a@acme.example>", "sam@globex.example")

	if err := h(context.Background(), &ally.Job{ID: "job_x", Args: []byte("{")}); !jobs.IsPermanent(err) {
		t.Errorf("bad arguments: %v, want a permanent error", err)
	}
	if _, err := mail.NewJob(ally.Email{Subject: "x"}); err == nil {
		t.Error("job without a recipient")
	}
}

func TestSMTPSenderSTARTTLS(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t, mailtest.WithTLS(), mailtest.WithAuth("mailer", "s3cret"))
	set := ally.SMTPSettings{Host: srv.Host, Port: srv.Port, Username: "mailer", Password: "s3cret", From: "a@acme.example"}

	// Offered STARTTLS is taken; a certificate that does not verify stops
	// the send instead of falling back to plain text.
	untrusted := mail.SMTPSender{Settings: set, Timeout: 5 * time.Second}
	if err := untrusted.Send(context.Background(), invite(t, "sam@globex.example")); err == nil {
		t.Fatal("sent over TLS with an untrusted certificate")
	}
	s := mail.SMTPSender{Settings: set, Timeout: 5 * time.Second, TLSConfig: srv.ClientTLSConfig()}
	if err := s.Send(context.Background(), invite(t, "sam@globex.example")); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "sam@globex.example", 5*time.Second)
	if !got.TLS || got.AuthUser != "mailer" {
		t.Errorf("TLS %v, auth user %q", got.TLS, got.AuthUser)
	}
	checkInvite(t, got, "<a@acme.example>", "sam@globex.example")
}
