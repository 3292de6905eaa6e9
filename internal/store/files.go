package store

import (
	"context"
	"database/sql"

	"github.com/allyprm/ally/internal/ally"
)

// Files (partner logos) are kept in the database so every node can serve
// them and a backup of the database is a backup of everything.

// CreateFile stores f. Files are never changed: a new logo is a new file.
func (t *tx) CreateFile(ctx context.Context, f *ally.File) error {
	data := f.Data
	if data == nil {
		data = []byte{} // an empty file is still a file, not NULL
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO files (id, content_type, data, created_at)
		VALUES ($1, $2, $3, $4)`, f.ID, f.ContentType, data, millis(f.CreatedAt))
	if err != nil {
		return wrapUnlessDomain("create file", constraintError(err, nil))
	}
	return nil
}

// FindFile returns the file with id, or ally.ErrNotFound.
func (q queries) FindFile(ctx context.Context, id string) (*ally.File, error) {
	row := q.queryRow(ctx, `SELECT id, content_type, data, created_at FROM files WHERE id = $1`, id)
	return findOne(row, func(s scanner) (*ally.File, error) {
		var f ally.File
		var created sql.NullInt64
		if err := s.Scan(&f.ID, &f.ContentType, &f.Data, &created); err != nil {
			return nil, err
		}
		f.CreatedAt = fromMillis(created)
		return &f, nil
	}, "find file")
}
