package mailtest

import (
	"context"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

// Queued claims the e-mail jobs due in the next hour in s and returns
// their e-mails, in queue order: what the application sent since the last
// call, without running a job runner.
func Queued(tb testing.TB, s ally.Store) []ally.Email {
	tb.Helper()
	now := time.Now().Add(time.Hour)
	jobs, err := s.ClaimJobs(context.Background(), "mailtest", []string{mail.JobKind}, 100, now, now.Add(time.Hour))
	if err != nil {
		tb.Fatalf("mailtest: claim jobs: %v", err)
	}
	var out []ally.Email
	for _, j := range jobs {
		m, err := mail.FromJob(j)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
