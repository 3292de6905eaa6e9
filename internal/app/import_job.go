package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
)

// Each batch of importBatch rows is one transaction: its leads, their
// routing counts and deliveries, its row errors and the import's progress
// commit together, so after a crash the import resumes exactly after the
// last batch and no row is imported twice. One run of the job works for
// importSlice, or half the time the runner gives it when that is less
// (ALLY_JOB_LOCK sets it), then hands the job back to be claimed again at
// once: the handler timeout bounds a run, not an import. With little time
// per run the batches are smaller, so one still commits well inside it.
const (
	importBatch      = 5000
	importSmallBatch = 1000 // when a run has less than importShortRun
	importSlice      = 30 * time.Second
	importShortRun   = 20 * time.Second
)

// notifyImportDone is the in-app notification the importer gets.
const notifyImportDone = "lead_import"

// errContinuing ends a run that used up its time slice.
var errContinuing = errors.New("continuing the import")

// HandleImport is the job handler of ally.JobImport: it reads the stored
// upload from the last committed row on and imports it in batches.
func (a *App) HandleImport(ctx context.Context, job *ally.Job) error {
	var args importArgs
	if err := json.Unmarshal(job.Args, &args); err != nil {
		return jobs.Permanent(fmt.Errorf("app: import job arguments: %w", err))
	}
	im, err := a.store.FindImportByID(ctx, args.ImportID)
	if ally.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	switch im.Status {
	case ally.ImportDone, ally.ImportFailed:
		return nil
	case ally.ImportUploading:
		return jobs.Permanent(fmt.Errorf("app: import %s is still uploading", im.ID))
	case ally.ImportQueued:
		im.Status, im.StartedAt, im.UpdatedAt = ally.ImportRunning, a.clock(), a.clock()
		if err := a.store.Write(ctx, func(tx ally.Tx) error { return tx.UpdateImport(ctx, im) }); err != nil {
			return err
		}
	}
	run := &importRun{a: a, im: im, until: a.now().Add(importSlice), batch: importBatch}
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		run.until = a.now().Add(min(importSlice, left/2))
		if left < importShortRun {
			run.batch = importSmallBatch
		}
	}
	if run.rows, err = a.newImportRows(ctx, im); err != nil {
		return run.failOr(ctx, err)
	}
	return run.run(ctx)
}

// importRun is one run of an import job: the rows read since the last
// commit, and the import as committed.
type importRun struct {
	a     *App
	im    *ally.LeadImport
	rows  importRows
	until time.Time // the end of this run's time slice
	batch int64     // rows per transaction

	in     ally.LeadInput
	leads  []*ally.Lead
	direct []string // partnerId asked for by each lead, or ""
	lines  []int64  // each lead's line
	errs   []*ally.ImportRowError
	read   int64 // rows read since the last commit
	end    int64 // the upload's offset after the last row read
}

func (r *importRun) run(ctx context.Context) error {
	if err := r.skipDone(); err != nil {
		return r.failOr(ctx, err)
	}
	now := r.a.clock()
	for {
		r.in = ally.LeadInput{}
		line, reason, err := r.rows.next(&r.in)
		if errors.Is(err, io.EOF) {
			return r.finish(ctx, "")
		}
		if err != nil {
			return r.failOr(ctx, err)
		}
		if r.im.RowsDone+r.read == ally.MaxImportRows {
			return r.finish(ctx, "more than 1,000,000 rows; the first 1,000,000 were read")
		}
		r.read++
		r.end = r.rows.offset()
		r.add(line, reason, now)
		if r.read < r.batch {
			continue
		}
		if err := r.commit(ctx); err != nil {
			return err
		}
		if !r.a.now().Before(r.until) {
			return jobs.RetryAt(errContinuing, r.a.now())
		}
		now = r.a.clock()
	}
}

// skipDone reads past the rows earlier runs committed, without decoding
// them.
func (r *importRun) skipDone() error {
	for range r.im.RowsDone {
		if _, _, err := r.rows.next(nil); err != nil {
			if errors.Is(err, io.EOF) {
				return failImport("the stored file has fewer rows than were imported")
			}
			return err
		}
	}
	r.end = r.rows.offset()
	return nil
}

// add takes one row: a bad one becomes a row error, a good one a lead of
// the batch, placed when the batch commits.
func (r *importRun) add(line int64, reason string, now time.Time) {
	if reason == "" {
		r.in.Normalize()
		reason, _ = rowReason(r.in.Validate())
	}
	if reason != "" {
		r.errs = append(r.errs, &ally.ImportRowError{ImportID: r.im.ID, Line: line, Reason: reason})
		return
	}
	l := ally.NewLead(&r.in, now)
	l.ImportID = r.im.ID
	r.leads = append(r.leads, l)
	r.direct = append(r.direct, r.in.PartnerID)
	r.lines = append(r.lines, line)
}

// failOr fails the import for an importFailure (the file cannot be read
// on) and returns any other error, so the job runs again.
func (r *importRun) failOr(ctx context.Context, err error) error {
	var f *importFailure
	if !errors.As(err, &f) {
		return err
	}
	return r.finish(ctx, f.msg)
}
