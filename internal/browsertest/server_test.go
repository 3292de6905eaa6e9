package browsertest

import (
	"strconv"
	"testing"

	"github.com/allyprm/ally/internal/allytest"
	"github.com/allyprm/ally/internal/mail/mailtest"
)

// backend is one database the binary runs on.
type backend struct{ allytest.Backend }

func sqliteBackend(t *testing.T) backend { return backend{allytest.SQLite(t)} }

// postgresBackend is a fresh schema in the database ALLY_TEST_POSTGRES_URL
// names (see allytest.Postgres).
func postgresBackend(t *testing.T) backend { return backend{allytest.Postgres(t)} }

// run runs a one-off ally command to completion and returns its stdout.
func (b backend) run(t *testing.T, args ...string) string {
	t.Helper()
	return b.MustRun(t, allyBin, args...)
}

// server is a running "ally serve".
type server struct {
	*allytest.Process
	mail *mailtest.Server
}

// serve starts "ally serve" on a free port with e-mail going to a mailtest
// SMTP server (and extraEnv's KEY=VALUE settings), waits until /readyz
// answers 200, and kills it when the test ends (printing its log if the
// test failed).
func (b backend) serve(t *testing.T, extraEnv ...string) *server {
	t.Helper()
	smtp := mailtest.NewServer(t)
	p := b.Serve(t, allyBin, append([]string{"ALLY_SHUTDOWN_TIMEOUT=5s",
		"ALLY_SMTP_HOST=" + smtp.Host, "ALLY_SMTP_PORT=" + strconv.Itoa(smtp.Port),
		"ALLY_SMTP_FROM=Ally Partners <partners@vendor.example>"}, extraEnv...)...)
	return &server{Process: p, mail: smtp}
}
