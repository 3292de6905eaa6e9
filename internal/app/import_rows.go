package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// importRows reads the rows of a stored upload, one at a time.
type importRows interface {
	// next reads the next row into in and returns its line in the file.
	// A row that is not a lead comes back with the reason and a nil error;
	// io.EOF ends the file; an importFailure ends the import; any other
	// error (the database) ends this run. With in nil it only counts the
	// row: resuming skips the rows already imported that way, and a
	// skipped row is a row exactly when a read one is.
	next(in *ally.LeadInput) (line int64, reason string, err error)
	// offset is how many bytes of the upload the rows read so far took.
	offset() int64
}

// maxImportRow bounds one row (a CSV record or an NDJSON line), so a quote
// that never closes cannot pull the rest of a file into memory.
const maxImportRow = 1 << 20

// importFailure is why a file cannot be read on: the import fails with it.
type importFailure struct{ msg string }

func (e *importFailure) Error() string { return e.msg }

func failImport(format string, args ...any) error {
	return &importFailure{msg: fmt.Sprintf(format, args...)}
}

// newImportRows opens the stored upload of im for reading.
func (a *App) newImportRows(ctx context.Context, im *ally.LeadImport) (importRows, error) {
	src := &chunkReader{ctx: ctx, r: a.store, id: im.ID, n: im.Chunks}
	if im.Format == ally.ImportNDJSON {
		return newNDJSONRows(src), nil
	}
	return newCSVRows(src)
}

// chunkReader reads an upload's stored chunks in order as one stream,
// holding one chunk at a time.
type chunkReader struct {
	ctx  context.Context
	r    ally.Reader
	id   string
	seq  int // the next chunk to read
	n    int // how many chunks there are
	left []byte
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.left) == 0 {
		if c.seq >= c.n {
			return 0, io.EOF
		}
		b, err := c.r.FindImportChunk(c.ctx, c.id, c.seq)
		if err != nil {
			return 0, fmt.Errorf("app: import %s chunk %d: %w", c.id, c.seq, err)
		}
		c.left = b
		c.seq++
	}
	n := copy(p, c.left)
	c.left = c.left[n:]
	return n, nil
}

// importColumns maps member and column names to the known lead fields:
// exactly, or ignoring case.
type importColumns map[string]string

func newImportColumns() importColumns {
	m := importColumns{}
	for _, c := range ally.LeadColumns {
		m[c] = c
	}
	return m
}

// known returns the LeadColumns name name stands for, or "".
func (m importColumns) known(name string) string {
	if c, ok := m[name]; ok {
		return c
	}
	for _, c := range ally.LeadColumns {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	return ""
}

// rowReason turns a refusal of a row (validation, an unknown partner) into
// the reason the error report shows; ok is false for any other error.
func rowReason(err error) (reason string, ok bool) {
	var e *ally.Error
	if !errors.As(err, &e) || e.Code != ally.ECodeInvalid {
		return "", false
	}
	if len(e.Fields) == 0 {
		return e.Message, true
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; "), true
}

// checkCustomNames applies the domain's rule for custom field names (the
// ones Validate would refuse on every row) to a file's columns at once.
func checkCustomNames(names []string) error {
	if len(names) == 0 {
		return nil
	}
	probe := ally.LeadInput{Email: "probe@example.com", Custom: map[string]any{}}
	for _, n := range names {
		probe.Custom[n] = ""
	}
	if err := probe.Validate(); err != nil {
		reason, _ := rowReason(err)
		return failImport("the header names custom fields Ally cannot keep (%s)", reason)
	}
	return nil
}
