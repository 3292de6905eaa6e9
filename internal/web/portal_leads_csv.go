package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

// portalLeadCSVHeader names the columns of the leads export.
var portalLeadCSVHeader = []string{"id", "received at", "status", "status reason", "first name", "last name", "email",
	"phone", "title", "company", "company domain", "country", "region", "source", "message", "external id", "custom fields"}

// portalLeadsCSV streams the partner's leads matching the list's filters
// as CSV, in the list's order: every row, not a page. Rows go out as the
// application reads them, so memory stays flat however many leads there
// are, and every cell goes through csvsafe, so none runs as a formula in
// a spreadsheet. The application refuses when the template has no lead
// export, and records the export.
func (s *server) portalLeadsCSV(w http.ResponseWriter, r *http.Request) {
	_, f, errs := readPortalLeadsQuery(r)
	if errs != nil {
		s.errorPage(w, r, "portal", ally.Errorf(ally.ECodeBadRequest, "the filters are not valid; correct them on the leads page"))
		return
	}
	d := newCSVDownload(w, fmt.Sprintf("leads-%s.csv", time.Now().UTC().Format("20060102-150405")), portalLeadCSVHeader...)
	var rec leadCSVRecord
	s.streamCSV(w, r, "portal", d, func() error {
		return s.app.ExportLeads(r.Context(), actor(r), f, func(l *ally.Lead) error { return d.row(rec.fill(l)...) })
	})
}

// leadCSVRecord is one lead as a CSV row, its storage reused from row to
// row: the export runs once per lead, so what it allocates, formats and
// encodes per row is most of what it costs beside the database.
type leadCSVRecord struct {
	cells  []string
	buf    []byte
	fields [][2]string // custom fields, key and value
}

// fill returns l as the row under portalLeadCSVHeader; custom fields are
// JSON, as stored. The slice is valid until the next call.
func (r *leadCSVRecord) fill(l *ally.Lead) []string {
	r.buf = appendMillisUTC(r.buf[:0], l.ReceivedAt)
	received := string(r.buf)
	r.cells = append(r.cells[:0], l.ID, received, string(l.Status), l.StatusReason, l.FirstName, l.LastName,
		l.Email, l.Phone, l.Title, l.Company, l.CompanyDomain, l.Country, l.Region, l.Source, l.Message, l.ExternalID,
		r.customJSON(l.Custom))
	return r.cells
}

// appendMillisUTC appends t as 2006-01-02T15:04:05.000Z (UTC), what
// time.Format gives for that layout, without parsing the layout per row.
func appendMillisUTC(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = appendDigits(append(b, '-'), int(month), 2)
	b = appendDigits(append(b, '-'), day, 2)
	b = appendDigits(append(b, 'T'), hour, 2)
	b = appendDigits(append(b, ':'), minute, 2)
	b = appendDigits(append(b, ':'), sec, 2)
	b = appendDigits(append(b, '.'), t.Nanosecond()/1e6, 3)
	return append(b, 'Z')
}

// appendDigits appends n (0 ≤ n < 10^width, width ≤ 4) zero-padded to width digits.
func appendDigits(b []byte, n, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

// customJSON is json.Marshal(custom) as a string, "" for no fields. Most
// leads' custom fields are a few plain strings (CSV columns are text);
// those are written here, byte for byte what json.Marshal writes (keys
// sorted, nothing to escape), and anything else goes to json.Marshal.
func (r *leadCSVRecord) customJSON(custom map[string]any) string {
	if len(custom) == 0 {
		return ""
	}
	r.fields = r.fields[:0]
	for k, v := range custom {
		s, ok := v.(string)
		if !ok || !jsonPlain(k) || !jsonPlain(s) {
			b, err := json.Marshal(custom)
			if err != nil {
				return ""
			}
			return string(b)
		}
		r.fields = append(r.fields, [2]string{k, s})
	}
	slices.SortFunc(r.fields, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	b := append(r.buf[:0], '{')
	for i, f := range r.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), f[0]...), `":"`...)
		b = append(append(b, f[1]...), '"')
	}
	r.buf = append(b, '}')
	return string(r.buf)
}

// jsonPlain reports whether json.Marshal writes s as it is between the
// quotes: no quote, backslash or control character, none of < > & (which
// it escapes for HTML), valid UTF-8 and no U+2028 or U+2029.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}
