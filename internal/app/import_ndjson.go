package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// ndjsonRows reads an NDJSON upload: one JSON object per line, shaped like
// ally.LeadInput (members named as LeadColumns, ignoring case, and a
// "custom" object); any other member is a custom field, as in a CSV.
// Blank lines are skipped; lines count from 1.
type ndjsonRows struct {
	r     *bufio.Reader
	known importColumns
	line  int64
	off   int64
}

func newNDJSONRows(src io.Reader) *ndjsonRows {
	return &ndjsonRows{r: bufio.NewReaderSize(src, maxImportRow), known: newImportColumns()}
}

func (n *ndjsonRows) next(in *ally.LeadInput) (int64, string, error) {
	for {
		b, err := n.r.ReadSlice('\n')
		n.off += int64(len(b))
		if errors.Is(err, bufio.ErrBufferFull) {
			n.line++
			return n.line, "is longer than 1 MiB", n.skipLine()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, "", err
		}
		if len(b) == 0 {
			return 0, "", io.EOF
		}
		n.line++
		if b = bytes.TrimSpace(b); len(b) == 0 {
			continue
		}
		if in == nil {
			return n.line, "", nil
		}
		return n.line, n.decode(b, in), nil
	}
}

// skipLine reads past the rest of an overlong line.
func (n *ndjsonRows) skipLine() error {
	for {
		b, err := n.r.ReadSlice('\n')
		n.off += int64(len(b))
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
		case err == nil || errors.Is(err, io.EOF):
			return nil
		default:
			return err
		}
	}
}

// decode fills in from one line and returns why the line is not a lead
// ("" when it is one, so far: Validate comes next).
func (n *ndjsonRows) decode(b []byte, in *ally.LeadInput) string {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		var serr *json.SyntaxError
		if errors.As(err, &serr) {
			return "is not valid JSON: " + serr.Error()
		}
		return "is not a JSON object"
	}
	if m == nil {
		return "is not a JSON object"
	}
	var problems []string
	for k, v := range m {
		if strings.EqualFold(k, "custom") {
			obj, ok := v.(map[string]any)
			if !ok && v != nil {
				problems = append(problems, "custom: must be an object")
			}
			for ck, cv := range obj {
				setCustom(in, ck, cv)
			}
			continue
		}
		name := n.known.known(k)
		if name == "" {
			setCustom(in, k, v)
			continue
		}
		s, ok := v.(string)
		if !ok && v != nil {
			problems = append(problems, name+": must be a string")
		}
		in.SetColumn(name, s)
	}
	slices.Sort(problems) // members come in map order; the report does not
	return strings.Join(problems, "; ")
}

func setCustom(in *ally.LeadInput, k string, v any) {
	if in.Custom == nil {
		in.Custom = map[string]any{}
	}
	in.Custom[k] = v
}

func (n *ndjsonRows) offset() int64 { return n.off }
