package ally

// Page is one keyset page of a list: Next is the cursor for the following
// page, "" on the last.
type Page[T any] struct {
	Items []T
	Next  string
}

// List limits.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// ClampLimit returns limit within 1..MaxLimit, DefaultLimit when unset.
func ClampLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultLimit
	case limit > MaxLimit:
		return MaxLimit
	}
	return limit
}

// NewPage makes a page from rows fetched with one extra row beyond want:
// the extra row's presence means there is a next page.
func NewPage[T any](rows []T, want int, key func(T) string) Page[T] {
	if len(rows) <= want {
		return Page[T]{Items: rows}
	}
	rows = rows[:want]
	return Page[T]{Items: rows, Next: key(rows[len(rows)-1])}
}
