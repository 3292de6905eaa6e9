package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
)

// A single intake does not build and write its deliveries and timeline
// entry itself: it enqueues one small dispatch job, in its transaction,
// and the job does that a moment later. An acknowledged lead is thus
// delivered however the process ends, and the intake commits a third less
// (on SQLite a commit costs what it writes; this is what brings intake to
// 0.4 of a bare insert: docs/benchmarks.md). The job marks itself done in
// the transaction that writes the deliveries, so a second run (the runner
// died before recording the first) writes nothing twice.

// dispatchArgs are a dispatch job's arguments: the new lead, the partner it
// went to at intake, and when and by whom it came in.
type dispatchArgs struct {
	LeadID    string        `json:"leadId"`
	PartnerID string        `json:"partnerId,omitempty"`
	At        time.Time     `json:"at"`
	Actor     dispatchActor `json:"actor"`
}

type dispatchActor struct {
	Kind  ally.ActorKind `json:"kind"`
	ID    string         `json:"id,omitempty"`
	Label string         `json:"label,omitempty"`
}

// dispatchLead enqueues a new lead's dispatch job in tx when anyone is to
// be told: its partner, or a subscription to lead.created. subs are the
// subscriptions the intake read.
func (a *App) dispatchLead(ctx context.Context, tx ally.Tx, actor ally.Actor, l *ally.Lead, subs []*ally.Subscription) (bool, error) {
	if l.PartnerID == "" && !a.outboxOf(subs).wanted(ally.EventLeadCreated) {
		return false, nil
	}
	b, err := json.Marshal(dispatchArgs{LeadID: l.ID, PartnerID: l.PartnerID, At: l.ReceivedAt,
		Actor: dispatchActor{Kind: actor.Kind, ID: actor.ID, Label: actor.Label}})
	if err != nil {
		return false, err
	}
	job := &ally.Job{Kind: ally.JobDispatch, Args: b, MaxAttempts: deliveryMaxAttempts, RunAt: l.ReceivedAt}
	return true, tx.EnqueueMany(ctx, []*ally.Job{job}) // held with the intake's other writes
}

// errDispatched says an earlier run of a dispatch job did its work.
var errDispatched = errors.New("dispatched already")

// HandleDispatch is the job handler of ally.JobDispatch: it queues the
// lead's lead.created and lead.assigned deliveries (the lead as it is now,
// dated at intake) and its partner's timeline entry, and has the
// deliveries' first attempts run at once. A lead given to another partner
// before its dispatch ran is announced to its partner by that reassignment
// alone.
func (a *App) HandleDispatch(ctx context.Context, job *ally.Job) error {
	var args dispatchArgs
	if err := json.Unmarshal(job.Args, &args); err != nil || args.LeadID == "" {
		return jobs.Permanent(fmt.Errorf("dispatch job %s: bad arguments %s", job.ID, job.Args))
	}
	actor := ally.Actor{Kind: args.Actor.Kind, ID: args.Actor.ID, Label: args.Actor.Label}
	var ob *outbox
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.FinishJob(ctx, job.ID, a.clock()); ally.IsNotFound(err) {
			return errDispatched
		} else if err != nil {
			return err
		}
		l, err := tx.FindLeadByID(ctx, args.LeadID)
		if ally.IsNotFound(err) {
			return jobs.Permanent(fmt.Errorf("dispatch job %s: no lead %s", job.ID, args.LeadID))
		} else if err != nil {
			return err
		}
		if ob, err = a.newOutbox(ctx, tx); err != nil {
			return err
		}
		ob.now = args.At
		if err := ob.event(ally.EventLeadCreated, l.ID, NewLeadJSON(l)); err != nil {
			return err
		}
		if l.PartnerID != "" && l.PartnerID == args.PartnerID {
			if err := a.afterAssign(ctx, tx, actor, ob, l); err != nil {
				return err
			}
		}
		return ob.flush(ctx, tx)
	})
	switch {
	case errors.Is(err, errDispatched):
		return jobs.ErrDone
	case err != nil:
		return err
	}
	a.kickJobs() // the first attempts are due now
	return jobs.ErrDone
}

// ServeJobs registers the app's job handlers (deliveries, their dispatch,
// imports) on r and has the app wake r when it enqueues work that should
// run at once.
func (a *App) ServeJobs(r *jobs.Runner) {
	r.Handle(ally.JobDeliver, a.HandleDelivery)
	r.Handle(ally.JobDispatch, a.HandleDispatch)
	r.Handle(ally.JobImport, a.HandleImport)
	a.runner.Store(r)
}

// kickJobs wakes the job runner, when there is one, to look for due jobs
// now instead of at its next poll.
func (a *App) kickJobs() {
	if r := a.runner.Load(); r != nil {
		r.Kick()
	}
}
