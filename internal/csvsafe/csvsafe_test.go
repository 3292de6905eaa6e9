package csvsafe_test

import (
	"bytes"
	"encoding/csv"
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
