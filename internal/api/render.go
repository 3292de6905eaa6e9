package api

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allyprm/ally/internal/ally"
)

// Time renders a timestamp as RFC 3339 in UTC with milliseconds,
// 2026-05-08T12:00:00.000Z, the one format the API uses.
type Time time.Time

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalJSON writes the timestamp in UTC with exactly three fraction digits.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(timeLayout) + `"`), nil
}

// Schema documents the format for the OpenAPI document.
func (Time) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Format: "date-time", Examples: []any{"2026-05-08T12:00:00.000Z"}}
}

// timeOrNil renders a zero time as null.
func timeOrNil(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	v := Time(t)
	return &v
}

// strOrNil renders an empty string as null.
func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// field is one optional member of a request body. Unlike a pointer it tells
// "absent" from "null", which PATCH needs: {"domain": null} clears the domain,
// leaving it out keeps it. Its schema is T's; the struct tags add constraints.
type field[T any] struct {
	set  bool // the member was in the body
	null bool // and it was null
	v    T
}

// UnmarshalJSON records presence; encoding/json calls it for null too.
func (f *field[T]) UnmarshalJSON(b []byte) error {
	f.set = true
	if string(b) == "null" {
		f.null = true
		return nil
	}
	return json.Unmarshal(b, &f.v)
}

// Schema is T's schema, inlined so each field's tags apply to its own copy.
func (field[T]) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeFor[T](), true, "")
}

// opt returns the field's value, nil when absent, and notes a null where
// the field may not be null.
func opt[T any](v *ally.Validator, name string, f field[T]) *T {
	if !f.set {
		return nil
	}
	if f.null {
		v.Add(name, "must not be null")
		return nil
	}
	return &f.v
}

// clearable returns the field's value, nil when absent, and zero for null:
// the domain's null means "clear it".
func clearable[T any](f field[T]) *T {
	if !f.set {
		return nil
	}
	if f.null {
		var zero T
		return &zero
	}
	return &f.v
}

// Envelopes: every response is {"data": ...}; lists add nextCursor.
type (
	single[T any] struct {
		Data T `json:"data"`
	}
	list[T any] struct {
		Data       []T     `json:"data" nullable:"false"`
		NextCursor *string `json:"nextCursor" doc:"Pass as ?cursor= to get the next page; null on the last page."`
	}
	// one is the output of a single-object operation: status, ETag and body.
	one[T any] struct {
		Status int
		ETag   string `header:"ETag" doc:"The object's version, quoted; send it back in If-Match to make a write conditional."`
		Body   single[T]
	}
	// many is the output of a list operation.
	many[T any] struct {
		Body list[T]
	}
)

// reply wraps v with its status and version.
func reply[T any](status int, version int64, v T) *one[T] {
	return &one[T]{Status: status, ETag: etag(version), Body: single[T]{Data: v}}
}

// page wraps a list; next is the store's last id, "" on the last page.
func page[T any](items []T, next string) *many[T] {
	if items == nil {
		items = []T{}
	}
	return &many[T]{Body: list[T]{Data: items, NextCursor: encodeCursor(next)}}
}

// mapItems converts each element with f.
func mapItems[S, T any](in []S, f func(S) T) []T {
	out := make([]T, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// encodeCursor makes the opaque cursor for a page ending at id.
func encodeCursor(id string) *string {
	if id == "" {
		return nil
	}
	c := base64.RawURLEncoding.EncodeToString([]byte(id))
	return &c
}

// decodeCursor reads a cursor made by encodeCursor for ids with prefix.
func decodeCursor(c, prefix string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !ally.HasPrefix(string(b), prefix) {
		return "", &ally.Error{Code: ally.ECodeBadRequest, Message: "the cursor is not one this API returned",
			Fields: []ally.FieldError{{Field: "cursor", Message: "is not a nextCursor from a previous page"}}}
	}
	return string(b), nil
}

// etag renders a version as a strong entity tag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// parseIfMatch reads If-Match: empty or * means no condition; "n" or W/"n"
// means "only if the version is still n". Anything else (unquoted values,
// lists, non-numeric tags) is a 400: our ETags are always one quoted version.
func parseIfMatch(h string) (*int64, error) {
	h = strings.TrimSpace(h)
	if h == "" || h == "*" {
		return nil, nil
	}
	s := strings.TrimPrefix(h, "W/")
	if len(s) >= 3 && s[0] == '"' && s[len(s)-1] == '"' {
		if n, err := strconv.ParseInt(s[1:len(s)-1], 10, 64); err == nil && n >= 0 {
			return &n, nil
		}
	}
	return nil, &ally.Error{Code: ally.ECodeBadRequest, Message: `If-Match must be *, "<version>" or W/"<version>", as in the ETag header`,
		Fields: []ally.FieldError{{Field: "If-Match", Message: "is not an ETag this API returned"}}}
}
