package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

// Bulk imports of leads. The upload is stored in the database chunk by
// chunk as it arrives (memory holds one chunk), then a job (HandleImport)
// reads it back and imports it in batches. Imports are the vendor's: staff
// and API keys only, never partner users.

// importJobAttempts is far more than an import needs: every time slice of
// a long import uses an attempt (see HandleImport).
const importJobAttempts = 10_000

// importArgs are the import job's arguments.
type importArgs struct {
	ImportID string `json:"importId"`
}

// requireImports lets in only those who see every partner (owners, admins,
// keys): an import's rows may name any partner, and its results and error
// report would show a manager partners outside their book.
func requireImports(actor ally.Actor, scope ally.Scope) error {
	if !actor.SeesAllPartners() {
		return ally.Errorf(ally.ECodeForbidden, "imports are for the vendor's owners, admins and API keys")
	}
	return require(actor, scope)
}

// StartImport stores an upload of leads (CSV or NDJSON, at most
// ally.MaxImportBytes) in the database as it arrives and, once all of it
// is stored, queues the job that imports it (leads:write). It returns the
// import as queued: the caller answers 202 with it. If body fails midway
// (the client went away) the import stays "uploading" and is never queued.
func (a *App) StartImport(ctx context.Context, actor ally.Actor, format ally.ImportFormat, filename string, body io.Reader) (*ally.LeadImport, error) {
	if err := requireImports(actor, ally.ScopeLeadsWrite); err != nil {
		return nil, err
	}
	if format != ally.ImportCSV && format != ally.ImportNDJSON {
		return nil, ally.Errorf(ally.ECodeBadRequest, "an import is CSV or NDJSON")
	}
	now := a.clock()
	im := &ally.LeadImport{
		ID: ally.NewID(ally.PrefixImport), Format: format, Filename: cleanFilename(filename),
		Status: ally.ImportUploading, ActorKind: actor.Kind, ActorID: actor.ID, ActorLabel: actor.Label,
		CreatedAt: now, UpdatedAt: now,
	}
	buf := make([]byte, ally.ImportChunkSize)
	for created := false; ; created = true {
		n, last, err := readChunk(body, buf)
		if err != nil {
			return nil, fmt.Errorf("app: reading the upload: %w", err)
		}
		if !created && n == 0 {
			return nil, ally.Errorf(ally.ECodeBadRequest, "the file is empty")
		}
		if im.Bytes+int64(n) > ally.MaxImportBytes {
			return nil, a.refuseUpload(ctx, im)
		}
		next := *im
		next.Bytes += int64(n)
		next.UpdatedAt = a.clock()
		if n > 0 {
			next.Chunks++
		}
		if last {
			next.Status = ally.ImportQueued
		}
		err = a.store.Write(ctx, func(tx ally.Tx) error {
			return a.storeChunk(ctx, tx, actor, &next, created, buf[:n])
		})
		if err != nil {
			return nil, err
		}
		*im = next
		if last {
			return im, nil
		}
	}
}

// readChunk fills buf from r as far as it can; last says r has ended.
// Only io.EOF ends the body: a request cut short reads as another error
// (net/http's is io.ErrUnexpectedEOF), and its upload must not be taken.
func readChunk(r io.Reader, buf []byte) (n int, last bool, err error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if errors.Is(err, io.EOF) {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

// storeChunk writes one chunk of an upload (the first one creates the
// import; the last one queues its job), with the sizes so far.
func (a *App) storeChunk(ctx context.Context, tx ally.Tx, actor ally.Actor, im *ally.LeadImport, created bool, chunk []byte) error {
	if created {
		if err := stillUploading(ctx, tx, im.ID); err != nil {
			return err
		}
		if err := tx.UpdateImport(ctx, im); err != nil {
			return err
		}
	} else if err := tx.CreateImport(ctx, im); err != nil {
		return err
	}
	if len(chunk) > 0 {
		if err := tx.AddImportChunk(ctx, im.ID, im.Chunks-1, chunk); err != nil {
			return err
		}
	}
	if im.Status != ally.ImportQueued {
		return nil
	}
	args, err := json.Marshal(importArgs{ImportID: im.ID})
	if err != nil {
		return err
	}
	if err := tx.Enqueue(ctx, &ally.Job{Kind: ally.JobImport, Args: args, MaxAttempts: importJobAttempts}); err != nil {
		return err
	}
	c := changes{}
	c.add("filename", nil, im.Filename)
	c.add("format", nil, string(im.Format))
	c.add("bytes", nil, im.Bytes)
	return a.record(ctx, tx, actor, "lead.import.start", "import", im.ID, "", c)
}

// stillUploading refuses to go on with an upload the sweep has given up
// on (FailStaleUploads) while it was stalled.
func stillUploading(ctx context.Context, tx ally.Tx, id string) error {
	im, err := tx.FindImportByID(ctx, id)
	if err != nil {
		return err
	}
	if im.Status != ally.ImportUploading {
		return ally.Errorf(ally.ECodeConflict, "the upload stalled and was given up; send the file again")
	}
	return nil
}

// refuseUpload marks an upload that passed the size limit failed, drops
// what was stored of it, and returns the error for the caller (the HTTP
// layers answer it as a refused request body).
func (a *App) refuseUpload(ctx context.Context, im *ally.LeadImport) error {
	msg := fmt.Sprintf("the file is larger than %d MiB; split it into smaller files", ally.MaxImportBytes>>20)
	im.Status, im.Error = ally.ImportFailed, msg
	im.FinishedAt, im.UpdatedAt = a.clock(), a.clock()
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.UpdateImport(ctx, im); err != nil {
			return err
		}
		return tx.DeleteImportChunks(ctx, im.ID)
	})
	if err != nil {
		return err
	}
	// No error code means "too large" (413); a refused field is the closest.
	return &ally.Error{Code: ally.ECodeInvalid, Message: msg, Fields: []ally.FieldError{{Field: "file", Message: msg}}}
}

// cleanFilename keeps a client's file name printable and short: it is
// only shown back.
func cleanFilename(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(strings.TrimSpace(s), ""))
	if utf8.RuneCountInString(s) > ally.MaxLeadText {
		s = string([]rune(s)[:ally.MaxLeadText])
	}
	return s
}

// Import returns one import with its progress (leads:read; only staff and
// keys: imports are the vendor's).
func (a *App) Import(ctx context.Context, actor ally.Actor, id string) (*ally.LeadImport, error) {
	if err := requireImports(actor, ally.ScopeLeadsRead); err != nil {
		return nil, err
	}
	return a.store.FindImportByID(ctx, id)
}

// Imports lists the latest imports (leads:read).
func (a *App) Imports(ctx context.Context, actor ally.Actor, limit int) ([]*ally.LeadImport, error) {
	if err := requireImports(actor, ally.ScopeLeadsRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	return a.store.FindImports(ctx, limit)
}

// ImportErrors calls emit for each bad row of an import, in line order.
func (a *App) ImportErrors(ctx context.Context, actor ally.Actor, id string, emit func(*ally.ImportRowError) error) error {
	if _, err := a.Import(ctx, actor, id); err != nil {
		return err
	}
	return a.store.EachImportError(ctx, id, emit)
}

// staleScan is how many of the latest imports FailStaleUploads looks at:
// an upload is abandoned within the hour, long before that many follow it.
const staleScan = 1000

// FailStaleUploads marks failed the uploads that stopped arriving before
// olderThan (the client went away mid-upload) and drops their stored
// bytes; the sweep calls it. It returns how many it failed.
func (a *App) FailStaleUploads(ctx context.Context, olderThan time.Time) (int, error) {
	ims, err := a.store.FindImports(ctx, staleScan)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, im := range ims {
		if im.Status != ally.ImportUploading || !im.UpdatedAt.Before(olderThan) {
			continue
		}
		stale := false
		err := a.store.Write(ctx, func(tx ally.Tx) error {
			now, err := tx.FindImportByID(ctx, im.ID)
			if err != nil || now.Status != ally.ImportUploading || !now.UpdatedAt.Equal(im.UpdatedAt) {
				return err // gone, or a chunk came in meanwhile
			}
			stale = true
			im.Status, im.Error = ally.ImportFailed, "the upload was interrupted; nothing of it was imported"
			im.FinishedAt, im.UpdatedAt = a.clock(), a.clock()
			if err := tx.UpdateImport(ctx, im); err != nil {
				return err
			}
			return tx.DeleteImportChunks(ctx, im.ID)
		})
		if err != nil {
			return n, err
		}
		if stale {
			n++
		}
	}
	return n, nil
}
