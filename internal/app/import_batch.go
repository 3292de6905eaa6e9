package app

import (
	"context"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// commit writes the batch read since the last commit in one transaction:
// each lead placed (its own partnerId, or the rules), the leads, their
// routing counts and deliveries, the row errors, and the progress. The
// in-memory import moves on only once that has committed.
func (r *importRun) commit(ctx context.Context) error {
	if r.read == 0 {
		return nil
	}
	next := *r.im
	err := r.a.store.Write(ctx, func(tx ally.Tx) error {
		next = *r.im
		return r.write(ctx, tx, &next)
	})
	if err != nil {
		return err
	}
	*r.im = next
	r.leads, r.direct, r.lines, r.errs = r.leads[:0], r.direct[:0], r.lines[:0], r.errs[:0]
	r.read = 0
	return nil
}

func (r *importRun) write(ctx context.Context, tx ally.Tx, im *ally.LeadImport) error {
	rt, err := r.a.newRouter(ctx, tx, false)
	if err != nil {
		return err
	}
	errs := append([]*ally.ImportRowError(nil), r.errs...)
	leads := make([]*ally.Lead, 0, len(r.leads))
	for i, l := range r.leads {
		if pid := r.direct[i]; pid != "" {
			err = rt.assign(ctx, l, pid, ally.RoutedDirect, "")
		} else {
			err = rt.route(ctx, l)
		}
		if reason, ok := rowReason(err); ok {
			errs = append(errs, &ally.ImportRowError{ImportID: im.ID, Line: r.lines[i], Reason: reason})
			continue
		}
		if err != nil {
			return err
		}
		leads = append(leads, l)
	}
	if len(leads) > 0 {
		if err := tx.CreateLeads(ctx, leads); err != nil {
			return err
		}
	}
	if err := rt.flush(ctx, tx); err != nil {
		return err
	}
	if err := r.a.queueLeadEvents(ctx, tx, leads); err != nil {
		return err
	}
	// Every bad row is counted; the first MaxImportErrors are kept.
	if room := ally.MaxImportErrors - im.RowsFailed; room > 0 && len(errs) > 0 {
		if err := tx.CreateImportErrors(ctx, errs[:min(int64(len(errs)), room)]); err != nil {
			return err
		}
	}
	im.RowsDone += r.read
	im.RowsOK += int64(len(leads))
	im.RowsFailed += int64(len(errs))
	im.BytesDone = r.end
	im.UpdatedAt = r.a.clock()
	return tx.UpdateImport(ctx, im)
}

// queueLeadEvents queues lead.created for each new lead and the
// deliveries of each assigned one.
func (a *App) queueLeadEvents(ctx context.Context, tx ally.Tx, leads []*ally.Lead) error {
	ob, err := a.outboxFor(ctx, tx, leads)
	if err != nil {
		return err
	}
	for _, l := range leads {
		if err := ob.event(ally.EventLeadCreated, l.ID, NewLeadJSON(l)); err != nil {
			return err
		}
		if err := ob.leadAssigned(ctx, tx, l); err != nil {
			return err
		}
	}
	return ob.flush(ctx, tx)
}

// finish commits what was read, then ends the import: done, or failed
// with why (rows imported before stay). The stored upload goes, the
// import is audited, and the staff user who started it is told.
func (r *importRun) finish(ctx context.Context, failure string) error {
	if err := r.commit(ctx); err != nil {
		return err
	}
	im := *r.im
	im.Status, im.Error = ally.ImportDone, failure
	if failure != "" {
		im.Status = ally.ImportFailed
	} else {
		im.BytesDone = im.Bytes
	}
	im.FinishedAt, im.UpdatedAt = r.a.clock(), r.a.clock()
	err := r.a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.UpdateImport(ctx, &im); err != nil {
			return err
		}
		if err := tx.DeleteImportChunks(ctx, im.ID); err != nil {
			return err
		}
		c := changes{}
		c.add("status", nil, string(im.Status))
		c.add("rows", nil, im.RowsDone)
		c.add("rowsOk", nil, im.RowsOK)
		c.add("rowsFailed", nil, im.RowsFailed)
		if failure != "" {
			c.add("error", nil, failure)
		}
		if err := r.a.record(ctx, tx, ally.System(im.ActorLabel), "lead.import", "import", im.ID, "", c); err != nil {
			return err
		}
		if im.ActorKind != ally.ActorStaff {
			return nil
		}
		return r.a.notify(ctx, tx, im.ActorID, notifyImportDone, importSummary(&im), "/admin/imports/"+im.ID)
	})
	if err != nil {
		return err
	}
	*r.im = im
	return nil
}

// importSummary is what the importer is told at the end.
func importSummary(im *ally.LeadImport) string {
	s := fmt.Sprintf("Import finished: %s, %s refused", plural(int(im.RowsOK), "lead"), plural(int(im.RowsFailed), "row"))
	if im.Status == ally.ImportFailed {
		s = fmt.Sprintf("Import stopped: %s. %s imported, %s refused", im.Error, plural(int(im.RowsOK), "lead"), plural(int(im.RowsFailed), "row"))
	}
	if im.Filename != "" {
		s += " (" + im.Filename + ")"
	}
	return s
}
