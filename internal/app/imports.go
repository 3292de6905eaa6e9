package app

import (
	"context"
	"io"

	"github.com/allyprm/ally/internal/ally"
)

// StartImport stores an upload of leads (CSV or NDJSON, at most
// ally.MaxImportBytes) in the database as it arrives and, once all of it
// is stored, queues the job that imports it (leads:write). It returns the
// import as queued: the caller answers 202 with it.
func (a *App) StartImport(ctx context.Context, actor ally.Actor, format ally.ImportFormat, filename string, body io.Reader) (*ally.LeadImport, error) {
	return nil, errNotBuilt
}

// Import returns one import with its progress (leads:read; only staff and
// keys: imports are the vendor's).
func (a *App) Import(ctx context.Context, actor ally.Actor, id string) (*ally.LeadImport, error) {
	return nil, errNotBuilt
}

// Imports lists the latest imports (leads:read).
func (a *App) Imports(ctx context.Context, actor ally.Actor, limit int) ([]*ally.LeadImport, error) {
	return nil, errNotBuilt
}

// ImportErrors calls emit for each bad row of an import, in line order.
func (a *App) ImportErrors(ctx context.Context, actor ally.Actor, id string, emit func(*ally.ImportRowError) error) error {
	return errNotBuilt
}

// HandleImport is the job handler of ally.JobImport: it reads the stored
// upload from the last committed row on and imports it in batches.
func (a *App) HandleImport(ctx context.Context, job *ally.Job) error {
	return errNotBuilt
}
