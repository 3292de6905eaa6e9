package ally

import "time"

// ImportStatus is where a bulk import stands.
type ImportStatus string

// Import statuses: uploading (the body is still arriving), queued (stored,
// waiting for a worker), running, done, failed (the file could not be read
// at all; rows already imported stay).
const (
	ImportUploading ImportStatus = "uploading"
	ImportQueued    ImportStatus = "queued"
	ImportRunning   ImportStatus = "running"
	ImportDone      ImportStatus = "done"
	ImportFailed    ImportStatus = "failed"
)

// ImportFormat is the upload's format.
type ImportFormat string

// Formats: CSV with a header row of LeadColumns names (others become custom
// fields), or one JSON object per line shaped like LeadInput.
const (
	ImportCSV    ImportFormat = "csv"
	ImportNDJSON ImportFormat = "ndjson"
)

// Import limits.
const (
	MaxImportRows   = 1_000_000
	MaxImportBytes  = 512 << 20 // 512 MiB
	ImportChunkSize = 1 << 20   // the upload is stored in chunks of this size
	MaxImportErrors = 10_000    // row errors kept (all are counted)
)

// LeadImport is one bulk upload of leads. The upload is stored in the
// database in chunks, then a job reads it in batches; each batch commits
// its leads together with the progress, so a restart resumes exactly where
// the last batch ended and no row is imported twice.
type LeadImport struct {
	ID       string
	Format   ImportFormat
	Filename string
	Status   ImportStatus
	Bytes    int64 // stored so far
	Chunks   int
	// Progress, committed with each batch.
	BytesDone  int64 // bytes of the upload read so far: the progress bar
	RowsDone   int64 // rows read, good or bad (the header not counted)
	RowsOK     int64
	RowsFailed int64
	Error      string // why the import failed as a whole

	ActorKind  ActorKind
	ActorID    string
	ActorLabel string
	CreatedAt  time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	UpdatedAt  time.Time
}

// ImportRowError is one bad row: its line in the file (the header is line
// 1 of a CSV) and why it was refused.
type ImportRowError struct {
	ImportID string
	Line     int64
	Reason   string
}
