package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
)

// Delivery retry schedule: 10 s after the first failed attempt, doubling,
// at most 12 h apart, ±20% so endpoints that failed together (an outage)
// are not all called again at the same moment. A receiver's Retry-After
// wins, up to a day.
const (
	deliveryFirstBackoff  = 10 * time.Second
	deliveryMaxBackoff    = 12 * time.Hour
	deliveryMaxRetryAfter = 24 * time.Hour
)

// attemptOutcome is what one try at a delivery came to.
type attemptOutcome struct {
	attempt    *ally.DeliveryAttempt
	gone       bool      // 410 Gone: the receiver asks us to stop
	refused    bool      // no retry can help (the address is refused)
	retryAfter time.Time // the receiver's Retry-After, zero when none
}

// HandleDelivery is the job handler of ally.JobDeliver: one attempt at one
// delivery, recorded on it. It is safe to run twice (at least once).
func (a *App) HandleDelivery(ctx context.Context, job *ally.Job) error {
	var args deliveryArgs
	if err := json.Unmarshal(job.Args, &args); err != nil || args.DeliveryID == "" {
		return jobs.Permanent(fmt.Errorf("delivery job %s: bad arguments %s", job.ID, job.Args))
	}
	d, err := a.store.FindDeliveryByID(ctx, args.DeliveryID)
	if ally.IsNotFound(err) {
		return jobs.Permanent(fmt.Errorf("no delivery %s", args.DeliveryID))
	}
	if err != nil {
		return err
	}
	if d.Status != ally.DeliveryPending {
		return nil // delivered, or given up, by an earlier run
	}
	if !args.Manual && !a.clock().Before(deliveryDeadline(d)) {
		msg := "gave up: not delivered within " + durationText(ally.DeliveryWindow)
		if err := a.giveUp(ctx, d.ID, msg); err != nil {
			return err
		}
		return jobs.Permanent(errors.New(msg))
	}
	ep, err := a.endpoint(ctx, d)
	if err != nil {
		return err
	}
	if ep.off != "" {
		return a.giveUp(ctx, d.ID, ep.off)
	}
	var out attemptOutcome
	if d.Channel == ally.ChannelEmail {
		out = a.emailAttempt(ctx, d, ep)
	} else {
		out = a.webhookAttempt(ctx, d, ep)
	}
	if err := ctx.Err(); err != nil {
		// The runner is stopping or the job ran out of time: not the
		// receiver's fault, so nothing is recorded and the job runs again.
		return err
	}
	return a.settle(ctx, d, args, ep, out)
}

// settle records the attempt and moves the delivery on, in one
// transaction, and tells the runner what is next: nothing (done), a retry
// at the chosen time, or a failure for good.
func (a *App) settle(ctx context.Context, d *ally.Delivery, args deliveryArgs, ep endpoint, out attemptOutcome) error {
	att := out.attempt
	now := a.clock()
	status, next, result, lastError := ally.DeliveryFailed, time.Time{}, error(nil), ""
	switch {
	case att.OK:
		status = ally.DeliveryDelivered
	case out.gone:
		att.Error = "410 Gone: the endpoint was turned off"
	case out.refused:
		result = jobs.Permanent(errors.New(att.Error))
	case args.Manual:
		if args.KeepSchedule {
			status, next = ally.DeliveryPending, d.NextAttemptAt // the scheduled retries go on
		}
	default:
		if retry := retryTime(now, d.Attempts+1, out.retryAfter); retry.After(deliveryDeadline(d)) {
			lastError = att.Error + "; gave up: no attempt left within " + durationText(ally.DeliveryWindow)
			result = jobs.Permanent(errors.New(lastError))
		} else {
			status, next, result = ally.DeliveryPending, retry, jobs.RetryAt(errors.New(att.Error), retry)
		}
	}
	if lastError == "" {
		lastError = att.Error
	}
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		cur, err := tx.FindDeliveryByID(ctx, d.ID)
		if err != nil {
			return err
		}
		att.ID, att.DeliveryID = ally.NewID(ally.PrefixAttempt), d.ID
		if err := tx.CreateDeliveryAttempt(ctx, att); err != nil {
			return err
		}
		cur.Attempts++
		cur.LastStatusCode, cur.LastError, cur.UpdatedAt = att.StatusCode, lastError, now
		if cur.Status == ally.DeliveryPending || att.OK {
			// A concurrent run that already delivered (or gave up) keeps its outcome.
			cur.Status, cur.NextAttemptAt = status, next
		}
		if att.OK {
			cur.DeliveredAt, cur.LastError = att.At, ""
		}
		if err := tx.UpdateDelivery(ctx, cur); err != nil {
			return err
		}
		if out.gone {
			return a.turnOff(ctx, tx, ep, fmt.Sprintf("%s answered 410 Gone on %s", att.Target, att.At.Format(time.RFC3339)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return result
}

// giveUp fails a delivery without an attempt (out of time, or nowhere to send).
func (a *App) giveUp(ctx context.Context, id, reason string) error {
	return a.store.Write(ctx, func(tx ally.Tx) error {
		d, err := tx.FindDeliveryByID(ctx, id)
		if err != nil || d.Status != ally.DeliveryPending {
			return err
		}
		d.Status, d.NextAttemptAt, d.LastError, d.UpdatedAt = ally.DeliveryFailed, time.Time{}, reason, a.clock()
		return tx.UpdateDelivery(ctx, d)
	})
}

func deliveryDeadline(d *ally.Delivery) time.Time { return d.CreatedAt.Add(ally.DeliveryWindow) }

// retryTime is when to try again after attempt number n failed.
func retryTime(now time.Time, n int, retryAfter time.Time) time.Time {
	if retryAfter.IsZero() {
		return now.Add(deliveryBackoff(n))
	}
	// Bounded both ways: "0" must not make a busy loop, a far date no
	// endless wait.
	wait := min(max(retryAfter.Sub(now), deliveryFirstBackoff), deliveryMaxRetryAfter)
	return now.Add(wait)
}

// deliveryBackoff is the wait after the nth failed attempt (1 for the first).
func deliveryBackoff(n int) time.Duration {
	d := deliveryMaxBackoff
	if n < 1 {
		n = 1
	}
	if n <= 13 { // 10s << 12 already passes 12h; no overflow
		d = min(deliveryFirstBackoff<<(n-1), deliveryMaxBackoff)
	}
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// durationText writes 72h as "72 hours".
func durationText(d time.Duration) string {
	return fmt.Sprintf("%d hours", int(d.Hours()))
}
