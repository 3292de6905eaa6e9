package csvsafe_test

import (
	"encoding/csv"
	"io"
	"testing"

	"github.com/allyprm/ally/internal/csvsafe"
)

// leadRow is a row like the lead export's: ids, a time, names, a phone
// number that needs neutralising, a message and custom fields as JSON.
var leadRow = []string{"lead_01JD3QZ7Y8K2M4N6P8R0T2V4X6", "2026-11-21T05:33:02.123Z", "new", "", "Anna", "Lead 12345",
	"lead0012345@customer.example", "+32 2 555 01 01", "CTO", "Customer 0012345", "customer.example", "BE", "EMEA", "web",
	"Please call me about pricing.", "", `{"budget":"10k"}`}

// BenchmarkWriter is csvsafe on lead rows; BenchmarkEncodingCSV is
// encoding/csv on the same rows, neutralised beforehand, for comparison.
func BenchmarkWriter(b *testing.B) {
	w := csvsafe.NewWriter(io.Discard)
	for b.Loop() {
		if err := w.Write(leadRow...); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkEncodingCSV(b *testing.B) {
	w := csv.NewWriter(io.Discard)
	rec := make([]string, len(leadRow))
	for b.Loop() {
		for i, c := range leadRow {
			rec[i] = csvsafe.Cell(c)
		}
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
}
