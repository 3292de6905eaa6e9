// Package csvsafe writes CSV that spreadsheets open as data: a cell that a
// spreadsheet would run as a formula is neutralised (OWASP "CSV injection").
package csvsafe

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Writer writes CSV records whose cells cannot start a formula: byte for
// byte what encoding/csv's Writer (comma, "\n" line ends) writes for the
// records with Cell applied to every cell. It encodes each cell once,
// neutralising as it goes, into its own buffer, so that an export of a
// million rows copies no record and scans no cell twice.
type Writer struct {
	w    io.Writer
	buf  []byte
	size int
	err  error
}

// NewWriter returns a Writer on w with a buffer of 4 KiB.
func NewWriter(w io.Writer) *Writer { return NewWriterSize(w, 4096) }

// NewWriterSize returns a Writer on w that writes to it once size bytes
// are buffered.
func NewWriterSize(w io.Writer, size int) *Writer {
	return &Writer{w: w, buf: make([]byte, 0, size+size/4), size: size}
}

// Write writes one record, neutralising each cell. Writes are buffered:
// Flush sends what is left.
func (w *Writer) Write(record ...string) error {
	if w.err != nil {
		return w.err
	}
	b := w.buf
	for i, c := range record {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCell(b, c)
	}
	w.buf = append(b, '\n')
	if len(w.buf) >= w.size {
		return w.Flush()
	}
	return nil
}

// appendCell appends Cell(s), quoted as encoding/csv quotes it: when it
// holds a comma, a quote or a line break, starts with a space, or is `\.`.
func appendCell(b []byte, s string) []byte {
	neutral := formula(s)
	if !needsQuotes(s, neutral) {
		if neutral {
			b = append(b, '\'')
		}
		return append(b, s...)
	}
	b = append(b, '"')
	if neutral {
		b = append(b, '\'')
	}
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(append(b, s[:i+1]...), '"')
		s = s[i+1:]
	}
	return append(append(b, s...), '"')
}

// needsQuotes is encoding/csv's rule for Cell(s), neutral saying whether
// Cell puts a ' in front (which is then the first character, not a space).
func needsQuotes(s string, neutral bool) bool {
	if s == "" {
		return false
	}
	if s == `\.` && !neutral {
		return true
	}
	for i := 0; i < len(s); i++ {
		if quoted[s[i]] {
			return true
		}
	}
	if neutral {
		return false
	}
	if s[0] < utf8.RuneSelf {
		return asciiSpace[s[0]]
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// quoted are the bytes that make encoding/csv quote a cell.
var quoted = [256]bool{',': true, '"': true, '\n': true, '\r': true}

// asciiSpace is unicode.IsSpace for the ASCII characters.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// Buffered returns how many bytes wait for the next Flush.
func (w *Writer) Buffered() int { return len(w.buf) }

// Flush writes buffered data and returns any error so far.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) > 0 {
		_, w.err = w.w.Write(w.buf)
		w.buf = w.buf[:0]
	}
	return w.err
}

// Cell returns s so that no spreadsheet evaluates it: a leading = + - @ or a
// leading tab or carriage return gets a ' in front, which spreadsheets show
// as text and do not run.
func Cell(s string) string {
	if formula(s) {
		return "'" + s
	}
	return s
}

// formula reports whether a spreadsheet could run s: it starts with = + -
// @, a tab or a carriage return.
func formula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
