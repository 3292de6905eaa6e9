package store_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// TestEnqueueMany queues more jobs than one statement takes, as an import
// batch's deliveries do: each gets Enqueue's defaults and is claimed once.
func TestEnqueueMany(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		later := now().Add(time.Hour)
		var js []*ally.Job
		for i := range 600 {
			js = append(js, &ally.Job{Kind: ally.JobDeliver, Args: []byte(fmt.Sprintf(`{"delivery":%d}`, i))})
		}
		js[1].Args = nil
		js[2].RunAt, js[2].MaxAttempts, js[2].ID = later, 3, ally.NewID(ally.PrefixJob)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.EnqueueMany(ctx, js) })
		for _, j := range js {
			if j.ID == "" || j.RunAt.IsZero() || j.CreatedAt.IsZero() || j.MaxAttempts == 0 {
				t.Fatalf("defaults not filled in: %+v", j)
			}
		}
		due := claim(t, db, "w1", 1000, now().Add(time.Minute), later.Add(time.Hour))
		if len(due) != 599 {
			t.Fatalf("claimed %d due jobs, want 599", len(due))
		}
		byID := map[string]*ally.Job{}
		for _, j := range due {
			byID[j.ID] = j
		}
		for i, j := range js {
			got := byID[j.ID]
			if i == 2 {
				if got != nil {
					t.Errorf("job due later was claimed")
				}
				continue
			}
			want := *j
			want.Attempts = 1
			if got == nil || !reflect.DeepEqual(got, &want) {
				t.Fatalf("job %d claimed as %+v, want %+v", i, got, &want)
			}
		}
		if late := claim(t, db, "w2", 10, later, later.Add(time.Minute)); len(late) != 1 || late[0].ID != js[2].ID || late[0].MaxAttempts != 3 {
			t.Errorf("later job: %+v", late)
		}
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error { return tx.EnqueueMany(ctx, []*ally.Job{{Kind: "x", ID: js[0].ID}}) }), ally.ECodeConflict)
		if err := db.Write(ctx, func(tx ally.Tx) error { return tx.EnqueueMany(ctx, []*ally.Job{{}}) }); err == nil {
			t.Error("a job without a kind was queued")
		}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.EnqueueMany(ctx, nil) })
	})
}
