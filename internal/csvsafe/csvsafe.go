// Package csvsafe writes CSV that spreadsheets open as data: a cell that a
// spreadsheet would run as a formula is neutralised (OWASP "CSV injection").
package csvsafe

import (
	"encoding/csv"
	"io"
)

// Writer is a csv.Writer whose cells cannot start a formula.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, neutralising each cell.
func (w *Writer) Write(record ...string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes buffered data and returns any error so far.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// Cell returns s so that no spreadsheet evaluates it: a leading = + - @ or a
// leading tab or carriage return gets a ' in front, which spreadsheets show
// as text and do not run.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
