package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// A bulk import is one lead_imports row, the upload in import_chunks
// (dropped once imported) and the bad rows in import_errors. The job that
// imports commits each batch's leads with the import's progress, so the
// row here always says where to resume.

var errNoImport = &ally.Error{Code: ally.ECodeInvalid, Message: "the import does not exist"}

// CreateImport inserts im.
func (t *tx) CreateImport(ctx context.Context, im *ally.LeadImport) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO lead_imports (id, status, bytes, chunks, bytes_done,
		rows_done, rows_ok, rows_failed, error, started_at, finished_at, updated_at, format, filename,
		actor_kind, actor_id, actor_label, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		append(importProgress(im), string(im.Format), im.Filename, string(im.ActorKind), im.ActorID,
			im.ActorLabel, millis(im.CreatedAt))...)
	if err != nil {
		return wrapUnlessDomain("create import", constraintError(err, nil))
	}
	return nil
}

// UpdateImport writes the import's status, sizes, progress, error and
// times; an unknown id is ally.ErrNotFound.
func (t *tx) UpdateImport(ctx context.Context, im *ally.LeadImport) error {
	return execOne(ctx, t.q, "update import", `UPDATE lead_imports SET status = $2, bytes = $3,
		chunks = $4, bytes_done = $5, rows_done = $6, rows_ok = $7, rows_failed = $8, error = $9,
		started_at = $10, finished_at = $11, updated_at = $12 WHERE id = $1`, importProgress(im)...)
}

// importProgress returns $1 … $12 of the insert and update: the id and
// what changes as the import runs.
func importProgress(im *ally.LeadImport) []any {
	im.Error = validText(im.Error)
	return []any{im.ID, string(im.Status), im.Bytes, im.Chunks, im.BytesDone, im.RowsDone, im.RowsOK,
		im.RowsFailed, im.Error, millis(im.StartedAt), millis(im.FinishedAt), millis(im.UpdatedAt)}
}

const importSelect = `SELECT id, format, filename, status, bytes, chunks, bytes_done, rows_done, rows_ok,
	rows_failed, error, actor_kind, actor_id, actor_label, created_at, started_at, finished_at,
	updated_at FROM lead_imports`

func scanImport(s scanner) (*ally.LeadImport, error) {
	var im ally.LeadImport
	var format, status, actorKind string
	var created, started, finished, updated sql.NullInt64
	if err := s.Scan(&im.ID, &format, &im.Filename, &status, &im.Bytes, &im.Chunks, &im.BytesDone, &im.RowsDone,
		&im.RowsOK, &im.RowsFailed, &im.Error, &actorKind, &im.ActorID, &im.ActorLabel, &created,
		&started, &finished, &updated); err != nil {
		return nil, err
	}
	im.Format, im.Status, im.ActorKind = ally.ImportFormat(format), ally.ImportStatus(status), ally.ActorKind(actorKind)
	im.CreatedAt, im.StartedAt, im.FinishedAt, im.UpdatedAt = fromMillis(created), fromMillis(started), fromMillis(finished), fromMillis(updated)
	return &im, nil
}

// FindImportByID returns the import with id, or ally.ErrNotFound.
func (q queries) FindImportByID(ctx context.Context, id string) (*ally.LeadImport, error) {
	return findOne(q.queryRow(ctx, importSelect+` WHERE id = $1`, id), scanImport, "find import")
}

// FindImports returns the latest limit (default 50) imports, newest first.
func (q queries) FindImports(ctx context.Context, limit int) ([]*ally.LeadImport, error) {
	return findAll(ctx, q, importSelect+` ORDER BY id DESC LIMIT $1`, []any{pageLimit(limit)}, scanImport, "find imports")
}

// AddImportChunk stores chunk seq (0-based) of the upload. Storing a chunk
// again replaces it, so a retried write of the same bytes is harmless.
func (t *tx) AddImportChunk(ctx context.Context, importID string, seq int, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)
		ON CONFLICT (import_id, seq) DO UPDATE SET data = excluded.data`, importID, seq, data)
	if err != nil {
		return wrapUnlessDomain("add import chunk", badRef(constraintError(err, nil), errNoImport))
	}
	return nil
}

// FindImportChunk returns chunk seq of the upload, or ally.ErrNotFound.
func (q queries) FindImportChunk(ctx context.Context, importID string, seq int) ([]byte, error) {
	var data []byte
	err := q.queryRow(ctx, `SELECT data FROM import_chunks WHERE import_id = $1 AND seq = $2`, importID, seq).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, ally.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: find import chunk: %w", err)
	}
	return data, nil
}

// DeleteImportChunks drops the upload's stored bytes.
func (t *tx) DeleteImportChunks(ctx context.Context, importID string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM import_chunks WHERE import_id = $1`, importID); err != nil {
		return fmt.Errorf("store: delete import chunks: %w", err)
	}
	return nil
}

// importErrorInsert keeps a line's first error: a line has one, and a
// batch run again adds nothing.
var importErrorInsert = newBatchInsert("import_errors", " ON CONFLICT (import_id, line) DO NOTHING",
	"import_id text", "line bigint", "reason text")

// CreateImportErrors inserts row errors in bulk (insertMany). The reason
// may quote the file: it is made valid UTF-8 without NUL bytes.
func (t *tx) CreateImportErrors(ctx context.Context, es []*ally.ImportRowError) error {
	return t.insertMany(ctx, importErrorInsert, len(es), func(i int, dst []any) ([]any, error) {
		e := es[i]
		e.Reason = validText(e.Reason)
		return append(dst, e.ImportID, e.Line, e.Reason), nil
	}, func(err error) error {
		return wrapUnlessDomain("create import errors", badRef(constraintError(err, nil), errNoImport))
	})
}

const importErrorsSQL = `SELECT import_id, line, reason FROM import_errors WHERE import_id = $1 ORDER BY line`

// EachImportError calls fn for the import's row errors in line order,
// reading them as fn consumes them. An error from fn stops the walk and is
// returned as is.
func (q queries) EachImportError(ctx context.Context, importID string, fn func(*ally.ImportRowError) error) error {
	rows, err := q.query(ctx, importErrorsSQL, importID)
	if err != nil {
		return fmt.Errorf("store: each import error: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e ally.ImportRowError
		if err := rows.Scan(&e.ImportID, &e.Line, &e.Reason); err != nil {
			return fmt.Errorf("store: each import error: %w", err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: each import error: %w", err)
	}
	return nil
}
