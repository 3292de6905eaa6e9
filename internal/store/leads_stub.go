package store

// Stubs of the lead store methods, replaced by their real bodies.

import (
	"context"
	"errors"

	"github.com/allyprm/ally/internal/ally"
)

var errLeadStoreTODO = errors.New("store: not built yet")

func (db *DB) FindImportByID(ctx context.Context, id string) (*ally.LeadImport, error) {
	return nil, errLeadStoreTODO
}
func (db *DB) FindImports(ctx context.Context, limit int) ([]*ally.LeadImport, error) {
	return nil, errLeadStoreTODO
}
func (db *DB) FindImportChunk(ctx context.Context, importID string, seq int) ([]byte, error) {
	return nil, errLeadStoreTODO
}
func (db *DB) EachImportError(ctx context.Context, importID string, fn func(*ally.ImportRowError) error) error {
	return errLeadStoreTODO
}
func (t *tx) FindImportByID(ctx context.Context, id string) (*ally.LeadImport, error) {
	return nil, errLeadStoreTODO
}
func (t *tx) FindImports(ctx context.Context, limit int) ([]*ally.LeadImport, error) {
	return nil, errLeadStoreTODO
}
func (t *tx) FindImportChunk(ctx context.Context, importID string, seq int) ([]byte, error) {
	return nil, errLeadStoreTODO
}
func (t *tx) EachImportError(ctx context.Context, importID string, fn func(*ally.ImportRowError) error) error {
	return errLeadStoreTODO
}
func (t *tx) CreateImport(ctx context.Context, im *ally.LeadImport) error { return errLeadStoreTODO }
func (t *tx) UpdateImport(ctx context.Context, im *ally.LeadImport) error { return errLeadStoreTODO }
func (t *tx) AddImportChunk(ctx context.Context, importID string, seq int, data []byte) error {
	return errLeadStoreTODO
}
func (t *tx) DeleteImportChunks(ctx context.Context, importID string) error { return errLeadStoreTODO }
func (t *tx) CreateImportErrors(ctx context.Context, es []*ally.ImportRowError) error {
	return errLeadStoreTODO
}
func (t *tx) EnqueueMany(ctx context.Context, js []*ally.Job) error { return errLeadStoreTODO }
