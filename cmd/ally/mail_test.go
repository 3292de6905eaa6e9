package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/mail/mailtest"
	"github.com/allyprm/ally/internal/store"
)

// enqueueEmail queues an e-mail job in the backend's database from outside
// the server, as another node would; the running serve must send it.
func enqueueEmail(t *testing.T, b backend, to string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{URL: b.DBURL, DataDir: b.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := mail.NewTemplates().Compose(mail.KindInvite, mail.InviteData{PartnerName: "Globex",
		Link: "https://prm.acme.example/partner/invite/tok123", ExpiresIn: "7 days"},
		ally.Branding{VendorName: "Acme Cloud"}, to)
	if err != nil {
		t.Fatal(err)
	}
	job, err := mail.NewJob(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx ally.Tx) error { return tx.Enqueue(ctx, job) }); err != nil {
		t.Fatal(err)
	}
}

func TestServeSendsQueuedEmail(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		srv := mailtest.NewServer(t)
		p := b.serve(t, "ALLY_SMTP_HOST="+srv.Host, "ALLY_SMTP_PORT="+strconv.Itoa(srv.Port),
			"ALLY_SMTP_FROM=Acme Partners <partners@acme.example>")
		enqueueEmail(t, b, "sam@globex.example")
		got := srv.WaitFor(t, "sam@globex.example", 30*time.Second)
		if got.From != `"Acme Partners" <partners@acme.example>` || got.Link("/invite/") != "https://prm.acme.example/partner/invite/tok123" {
			t.Errorf("received From %q, link %q", got.From, got.Link("/invite/"))
		}
		if code := p.Stop(); code != 0 {
			t.Errorf("exit code %d", code)
		}
		if logs := p.Logs.String(); !strings.Contains(logs, "job runner stopped") ||
			strings.Index(logs, "HTTP server stopped") > strings.Index(logs, "job runner stopped") ||
			strings.Index(logs, "job runner stopped") > strings.Index(logs, "database closed") {
			t.Errorf("shutdown is not HTTP, then jobs, then database:\n%s", logs)
		}
	})
}

func TestServeWritesEmailFilesWithoutSMTP(t *testing.T) {
	t.Parallel()
	b := sqliteBackend(t)
	p := b.serve(t)
	enqueueEmail(t, b, "sam@globex.example")
	dir := filepath.Join(b.DataDir, "mail")
	waitFor(t, 30*time.Second, func() bool {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		return len(files) == 1
	})
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	m, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Link("/invite/") != "https://prm.acme.example/partner/invite/tok123" {
		t.Errorf("file %s: link %q\n%s", files[0], m.Link("/invite/"), raw)
	}
	waitFor(t, 5*time.Second, func() bool { return strings.Contains(p.Logs.String(), "e-mail written to "+files[0]) })
}
