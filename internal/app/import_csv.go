package app

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// csvRows reads a CSV upload: a header row naming the columns (LeadColumns,
// ignoring case; custom.<name> or any other name is a custom field), then
// one lead per record. Line numbers count the header as line 1 and follow
// quoted fields over several lines.
type csvRows struct {
	r     *csv.Reader
	limit *rowLimit
	cols  []csvColumn
	width int
	line  int64 // where the last row read started
}

// csvColumn is where one column's values go: a known field, a custom
// field, or nowhere (a column without a name).
type csvColumn struct {
	field, custom string
}

func newCSVRows(src io.Reader) (*csvRows, error) {
	limit := &rowLimit{r: src}
	r := csv.NewReader(bufio.NewReaderSize(limit, 64<<10))
	r.ReuseRecord = true
	c := &csvRows{r: r, limit: limit}
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, failImport("the file is empty: it needs a header row naming the columns")
	}
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return nil, failImport("line %d: the header row is not valid CSV: %v", perr.StartLine, perr.Err)
	}
	if err != nil {
		return nil, c.readError(err)
	}
	if c.cols, err = csvColumns(header); err != nil {
		return nil, err
	}
	c.width = len(header)
	limit.start = r.InputOffset()
	return c, nil
}

// csvColumns reads the header row.
func csvColumns(header []string) ([]csvColumn, error) {
	known := newImportColumns()
	cols := make([]csvColumn, len(header))
	seen := map[string]bool{}
	var customs []string
	anyKnown := false
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // spreadsheets start UTF-8 files with a BOM
		}
		key := ""
		switch name, isCustom := cutFold(h, "custom."); {
		case h == "":
			continue
		case isCustom:
			cols[i].custom, key = name, "custom."+name
		case known.known(h) != "":
			cols[i].field, key = known.known(h), known.known(h)
			anyKnown = true
		default:
			cols[i].custom, key = h, "custom."+h
		}
		if seen[key] {
			return nil, failImport("line 1: the column %q appears twice", h)
		}
		seen[key] = true
		if cols[i].custom != "" {
			customs = append(customs, cols[i].custom)
		}
	}
	if !anyKnown {
		return nil, failImport("line 1 must be a header row naming the columns (%s); none of them is there",
			strings.Join(ally.LeadColumns, ", "))
	}
	return cols, checkCustomNames(customs)
}

// cutFold is strings.CutPrefix ignoring the prefix's case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func (c *csvRows) next(in *ally.LeadInput) (int64, string, error) {
	rec, err := c.r.Read()
	c.limit.start = c.r.InputOffset()
	if err != nil {
		return c.badRecord(rec, err)
	}
	line, _ := c.r.FieldPos(0)
	c.line = int64(line)
	if in == nil {
		return c.line, "", nil
	}
	for i, v := range rec {
		switch col := &c.cols[i]; {
		case col.field != "":
			in.SetColumn(col.field, v)
		case col.custom != "" && v != "":
			if in.Custom == nil {
				in.Custom = map[string]any{}
			}
			in.Custom[col.custom] = v
		}
	}
	return c.line, "", nil
}

// badRecord sorts a record csv refused: a wrong number of fields, or bad
// quoting within one line, is a bad row; the reader goes on at the next
// line. Bad quoting across lines is not: where the next row starts is
// anyone's guess, so the import fails there.
func (c *csvRows) badRecord(rec []string, err error) (int64, string, error) {
	var perr *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return 0, "", io.EOF
	case !errors.As(err, &perr):
		return 0, "", c.readError(err)
	case errors.Is(perr.Err, csv.ErrFieldCount):
		c.line = int64(perr.StartLine)
		return c.line, fmt.Sprintf("has %d fields; the header has %d", len(rec), c.width), nil
	case perr.Line == perr.StartLine:
		c.line = int64(perr.StartLine)
		return c.line, fmt.Sprintf("is not valid CSV (column %d: %v)", perr.Column, perr.Err), nil
	}
	return 0, "", failImport("line %d: a quoted field that starts on line %d does not end properly (%v); nothing after it can be read",
		perr.Line, perr.StartLine, perr.Err)
}

func (c *csvRows) readError(err error) error {
	if errors.Is(err, errRowTooLong) {
		return failImport("the row after line %d is longer than 1 MiB (a quote that never closes?); nothing after it can be read", max(c.line, 1))
	}
	return err
}

func (c *csvRows) offset() int64 { return c.r.InputOffset() }

var errRowTooLong = errors.New("row too long")

// rowLimit fails a read that goes more than maxImportRow (plus the
// reader's buffer) past the start of the current row.
type rowLimit struct {
	r     io.Reader
	read  int64 // bytes handed on so far
	start int64 // where the current row starts
}

func (l *rowLimit) Read(p []byte) (int, error) {
	if l.read-l.start > maxImportRow+64<<10 {
		return 0, errRowTooLong
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}
