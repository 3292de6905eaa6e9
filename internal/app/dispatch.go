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
// died before recording the first) writes nothing twice, and it takes the
// dispatch jobs waiting with it, so a stream of intakes is dispatched a
// batch a commit. A lead and a dispatch together cost about what the
// intake did when it wrote everything itself.

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
// subscriptions the intake read (none when it assigned the lead directly).
func (a *App) dispatchLead(ctx context.Context, tx ally.Tx, actor ally.Actor, l *ally.Lead, subs []*ally.Subscription) (bool, error) {
	if l.PartnerID == "" && !anyWants(subs, ally.EventLeadCreated) {
		return false, nil
	}
	b, err := json.Marshal(dispatchArgs{LeadID: l.ID, PartnerID: l.PartnerID, At: l.ReceivedAt,
		Actor: dispatchActor{Kind: actor.Kind, ID: actor.ID, Label: actor.Label}})
	if err != nil {
		return false, err
	}
	job := &ally.Job{Kind: ally.JobDispatch, Args: b, MaxAttempts: deliveryMaxAttempts, RunAt: l.ReceivedAt}
	return true, tx.Enqueue(ctx, job)
}

// errDispatched says an earlier run of a dispatch job did its work.
var errDispatched = errors.New("dispatched already")

// dispatchBatch bounds the dispatch jobs one transaction handles: under a
// stream of intakes, the jobs waiting when one runs go with it (TakeJobs),
// so the deliveries of many leads cost one commit.
const dispatchBatch = 100

// HandleDispatch is the job handler of ally.JobDispatch. In one
// transaction it marks its job, and the other dispatch jobs waiting now,
// done, and queues their leads' lead.created and lead.assigned deliveries
// (each lead as it is now, dated at intake) and timeline entries; then it
// has the deliveries' first attempts run at once. A lead given to another
// partner before its dispatch ran is announced to its partner by that
// reassignment alone.
func (a *App) HandleDispatch(ctx context.Context, job *ally.Job) error {
	own, err := dispatchOf(job)
	if err != nil {
		return jobs.Permanent(err)
	}
	err = a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.FinishJob(ctx, job.ID, a.clock()); ally.IsNotFound(err) {
			return errDispatched
		} else if err != nil {
			return err
		}
		more, err := tx.TakeJobs(ctx, ally.JobDispatch, dispatchBatch-1, a.clock())
		if err != nil {
			return err
		}
		batch := []dispatchArgs{own}
		for _, j := range more {
			d, err := dispatchOf(j)
			if err != nil {
				a.log.Error("dispatch: dropped a job", "job", j.ID, "err", err)
				continue
			}
			batch = append(batch, d)
		}
		return a.dispatch(ctx, tx, batch)
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

func dispatchOf(job *ally.Job) (dispatchArgs, error) {
	var d dispatchArgs
	if err := json.Unmarshal(job.Args, &d); err != nil || d.LeadID == "" {
		return d, fmt.Errorf("dispatch job %s: bad arguments %s", job.ID, job.Args)
	}
	return d, nil
}

// dispatch queues and writes the batch's deliveries and entries in tx,
// reading the leads, the subscriptions and the partners' settings once.
func (a *App) dispatch(ctx context.Context, tx ally.Tx, batch []dispatchArgs) error {
	ids := make([]string, len(batch))
	for i, d := range batch {
		ids[i] = d.LeadID
	}
	leads, err := tx.FindLeadsByID(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[string]*ally.Lead, len(leads))
	for _, l := range leads {
		byID[l.ID] = l
	}
	ob, err := a.outboxFor(ctx, tx, leads)
	if err != nil {
		return err
	}
	for _, d := range batch {
		l := byID[d.LeadID]
		if l == nil {
			a.log.Error("dispatch: no such lead", "lead", d.LeadID)
			continue
		}
		ob.now = d.At
		if err := ob.event(ally.EventLeadCreated, l.ID, NewLeadJSON(l)); err != nil {
			return err
		}
		if l.PartnerID != "" && l.PartnerID == d.PartnerID {
			actor := ally.Actor{Kind: d.Actor.Kind, ID: d.Actor.ID, Label: d.Actor.Label}
			if err := a.afterAssign(ctx, tx, actor, ob, l); err != nil {
				return err
			}
		}
	}
	return ob.flush(ctx, tx)
}

// ServeJobs registers the app's job handlers (deliveries, their dispatch,
// imports) on r and has the app wake r after a new lead's dispatch is
// queued, and after a dispatch queued first attempts: the path from
// intake to a partner's endpoint. Other work waits for r's next poll.
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
