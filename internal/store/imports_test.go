package store_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func newImport() *ally.LeadImport {
	return &ally.LeadImport{ID: ally.NewID(ally.PrefixImport), Format: ally.ImportCSV, Filename: "leads.csv",
		Status: ally.ImportUploading, ActorKind: ally.ActorStaff, ActorID: "user_1", ActorLabel: "Ana",
		CreatedAt: now(), UpdatedAt: now()}
}

func TestImports(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		first, second := newImport(), newImport()
		second.Format, second.Filename = ally.ImportNDJSON, ""
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateImport(ctx, first); err != nil {
				return err
			}
			return tx.CreateImport(ctx, second)
		})
		if got, err := db.FindImportByID(ctx, first.ID); err != nil || !reflect.DeepEqual(got, first) {
			t.Errorf("by id: %+v, %v\nwant %+v", got, err, first)
		}
		_, err := db.FindImportByID(ctx, "imp_missing")
		wantIs(t, err, ally.ErrNotFound)

		// Progress as the job runs, then done.
		first.Status, first.Bytes, first.Chunks, first.BytesDone, first.StartedAt = ally.ImportRunning, 3<<20, 3, 1<<20, now()
		first.RowsDone, first.RowsOK, first.RowsFailed, first.UpdatedAt = 1000, 998, 2, now().Add(time.Second)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateImport(ctx, first) })
		first.Status, first.FinishedAt, first.Error = ally.ImportFailed, now().Add(time.Minute), "line 1001: not UTF-8 \xff"
		mustWrite(t, db, func(tx ally.Tx) error { return tx.UpdateImport(ctx, first) })
		if first.Error != "line 1001: not UTF-8 \uFFFD" {
			t.Errorf("error stored as %q", first.Error)
		}
		if got, err := db.FindImportByID(ctx, first.ID); err != nil || !reflect.DeepEqual(got, first) {
			t.Errorf("after update: %+v, %v\nwant %+v", got, err, first)
		}
		missing := *first
		missing.ID = "imp_missing"
		wantIs(t, db.Write(ctx, func(tx ally.Tx) error { return tx.UpdateImport(ctx, &missing) }), ally.ErrNotFound)

		if got, err := db.FindImports(ctx, 0); err != nil || !reflect.DeepEqual(got, []*ally.LeadImport{second, first}) {
			t.Errorf("imports newest first: %+v, %v", got, err)
		}
		if got, _ := db.FindImports(ctx, 1); len(got) != 1 || got[0].ID != second.ID {
			t.Errorf("latest import: %+v", got)
		}
	})
}

func TestImportChunks(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		im, other := newImport(), newImport()
		big := bytes.Repeat([]byte("firstName,email\r\nAna,\x00\xffana@x.example\n"), ally.ImportChunkSize/40)
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, i := range []*ally.LeadImport{im, other} {
				if err := tx.CreateImport(ctx, i); err != nil {
					return err
				}
			}
			for seq, data := range [][]byte{big, []byte("tail"), {}} {
				if err := tx.AddImportChunk(ctx, im.ID, seq, data); err != nil {
					return err
				}
			}
			// A retried write of chunk 1 replaces it.
			if err := tx.AddImportChunk(ctx, im.ID, 1, []byte("tail, again")); err != nil {
				return err
			}
			return tx.AddImportChunk(ctx, other.ID, 0, []byte("other"))
		})
		for seq, want := range [][]byte{big, []byte("tail, again"), {}} {
			if got, err := db.FindImportChunk(ctx, im.ID, seq); err != nil || !bytes.Equal(got, want) {
				t.Errorf("chunk %d: %d bytes, %v; want %d", seq, len(got), err, len(want))
			}
		}
		_, err := db.FindImportChunk(ctx, im.ID, 3)
		wantIs(t, err, ally.ErrNotFound)
		wantError(t, db.Write(ctx, func(tx ally.Tx) error { return tx.AddImportChunk(ctx, "imp_missing", 0, []byte("x")) }),
			ally.ECodeInvalid, "the import does not exist")

		mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteImportChunks(ctx, im.ID) })
		_, err = db.FindImportChunk(ctx, im.ID, 0)
		wantIs(t, err, ally.ErrNotFound)
		if got, err := db.FindImportChunk(ctx, other.ID, 0); err != nil || string(got) != "other" {
			t.Errorf("another import's chunk: %q, %v", got, err)
		}
	})
}

func TestImportErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		im, other := newImport(), newImport()
		var es []*ally.ImportRowError
		for i := range 700 {
			// Out of line order, as batches may report them.
			line := int64((i*7919)%700 + 2)
			es = append(es, &ally.ImportRowError{ImportID: im.ID, Line: line, Reason: fmt.Sprintf("email: bad %d", line)})
		}
		es[0].Reason = "quote: \x00\xfe"
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, i := range []*ally.LeadImport{im, other} {
				if err := tx.CreateImport(ctx, i); err != nil {
					return err
				}
			}
			if err := tx.CreateImportErrors(ctx, es); err != nil {
				return err
			}
			// A batch run again adds nothing and changes nothing.
			again := []*ally.ImportRowError{{ImportID: im.ID, Line: es[1].Line, Reason: "other"}}
			if err := tx.CreateImportErrors(ctx, again); err != nil {
				return err
			}
			return tx.CreateImportErrors(ctx, []*ally.ImportRowError{{ImportID: other.ID, Line: 5, Reason: "x"}})
		})
		var got []*ally.ImportRowError
		err := db.EachImportError(ctx, im.ID, func(e *ally.ImportRowError) error {
			got = append(got, e)
			return nil
		})
		if err != nil || len(got) != 700 {
			t.Fatalf("%d errors, %v", len(got), err)
		}
		for i, e := range got {
			if want := int64(i + 2); e.Line != want || e.ImportID != im.ID {
				t.Fatalf("error %d: line %d of %s, want line %d", i, e.Line, e.ImportID, want)
			}
			if e.Line == es[0].Line && e.Reason != "quote: \uFFFD\uFFFD" {
				t.Errorf("reason %q", e.Reason)
			}
			if e.Line == es[1].Line && e.Reason != es[1].Reason {
				t.Errorf("repeated line's reason %q, want the first %q", e.Reason, es[1].Reason)
			}
		}
		stop := fmt.Errorf("stop")
		n := 0
		if err := db.EachImportError(ctx, im.ID, func(*ally.ImportRowError) error { n++; return stop }); err != stop || n != 1 {
			t.Errorf("stopped walk: %v after %d", err, n)
		}
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error {
			return tx.CreateImportErrors(ctx, []*ally.ImportRowError{{ImportID: "imp_missing", Line: 2, Reason: "x"}})
		}), ally.ECodeInvalid)
	})
}
