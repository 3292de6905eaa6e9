package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/csvsafe"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Acme", "Acme"},
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+1 555", "'+1 555"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=b", "a=b"},
	}
	for _, tt := range tests {
		if got := csvsafe.Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriterRoundTrip(t *testing.T) {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	if err := w.Write("name", "=cmd|' /C calc'!A0", "a,\"quoted\"\nline"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	if rec[1] != "'=cmd|' /C calc'!A0" || rec[2] != "a,\"quoted\"\nline" {
		t.Fatalf("got %q", rec)
	}
}

// cellCorpus holds cells at every edge of the quoting and neutralising
// rules.
var cellCorpus = []string{"", "Acme", `\.`, `\..`, "'", " lead", "\u00a0nbsp", "\u2003em", "\vv", "\ff", "trail ",
	"a,b", `say "hi"`, `"`, `""`, "two\nlines", "cr\rcr", "crlf\r\n", "=1+2", `=HYPERLINK("http://evil","x")`, "+32 2 555 01 01",
	"-2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "-a,b", `+"q"`, "Zürich", "日本", "\xff\xfe", "\xa0", "a=b", "@"}

// TestWriterIsEncodingCSV checks the Writer against encoding/csv on the
// neutralised cells: every cell of the corpus alone, and every pair.
func TestWriterIsEncodingCSV(t *testing.T) {
	var records [][]string
	for _, a := range cellCorpus {
		records = append(records, []string{a})
		for _, b := range cellCorpus {
			records = append(records, []string{a, b})
		}
	}
	for _, rec := range records {
		if got, want := writeSafe(t, rec), writeStd(t, rec); got != want {
			t.Errorf("%q: got %q, want %q", rec, got, want)
		}
	}
}

func FuzzWriterIsEncodingCSV(f *testing.F) {
	for _, c := range cellCorpus {
		f.Add(c, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		rec := []string{a, b, a}
		if got, want := writeSafe(t, rec), writeStd(t, rec); got != want {
			t.Errorf("%q: got %q, want %q", rec, got, want)
		}
	})
}

func writeSafe(t *testing.T, rec []string) string {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	if err := w.Write(rec...); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func writeStd(t *testing.T, rec []string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	safe := make([]string, len(rec))
	for i, c := range rec {
		safe[i] = csvsafe.Cell(c)
	}
	if err := w.Write(safe); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriterReportsWriteErrors: a failing destination fails Write or Flush.
func TestWriterReportsWriteErrors(t *testing.T) {
	w := csvsafe.NewWriter(failWriter{})
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		err = w.Write(strings.Repeat("x", 100))
	}
	if err == nil {
		err = w.Flush()
	}
	if !errors.Is(err, errBroken) {
		t.Fatalf("got %v", err)
	}
}

var errBroken = errors.New("broken pipe")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errBroken }
