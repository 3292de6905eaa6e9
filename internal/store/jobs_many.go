package store

import (
	"context"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

var jobInsert = newBatchInsert("jobs", "", "id text", "kind text", "args bytea", "state text",
	"attempts integer", "max_attempts integer", "run_at bigint", "last_error text", "created_at bigint")

// EnqueueMany inserts js as pending, like Enqueue (filling in the same
// defaults, in each job), in bulk (insertMany): an import batch's
// deliveries cost one statement on PostgreSQL and one prepared one on SQLite.
func (t *tx) EnqueueMany(ctx context.Context, js []*ally.Job) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, j := range js {
		if j.Kind == "" {
			return fmt.Errorf("store: enqueue: job without a kind")
		}
		if j.ID == "" {
			j.ID = ally.NewID(ally.PrefixJob)
		}
		if j.RunAt.IsZero() {
			j.RunAt = now
		}
		if j.CreatedAt.IsZero() {
			j.CreatedAt = now
		}
		if j.MaxAttempts <= 0 {
			j.MaxAttempts = DefaultMaxAttempts
		}
	}
	return t.insertMany(ctx, jobInsert, len(js), func(i int, dst []any) ([]any, error) {
		j := js[i]
		var args any
		if j.Args != nil {
			args = j.Args
		}
		return append(dst, j.ID, j.Kind, args, "pending", int64(j.Attempts), int64(j.MaxAttempts),
			millis(j.RunAt), j.LastError, millis(j.CreatedAt)), nil
	}, func(err error) error {
		return wrapUnlessDomain("enqueue", constraintError(err, nil))
	})
}
