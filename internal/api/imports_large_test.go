package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
)

// TestImportTooLarge: a file over ally.MaxImportBytes is refused with 413
// and leaves a failed import behind. It stores 512 MiB on its way, so it
// runs on SQLite only: the size check is the application's and the 413 the
// API's, neither the engine's.
func TestImportTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", api.Config{})
	body := io.MultiReader(strings.NewReader("email\n"), io.LimitReader(&repeat{s: "someone@example.com\n"}, ally.MaxImportBytes))
	req, err := http.NewRequest("POST", e.srv.URL+"/api/v1/leads/import", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("x-api-key", e.key)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := resp{status: res.StatusCode, header: res.Header, body: b}
	if er := must(t, r, http.StatusRequestEntityTooLarge).err(t); er.Code != "request_too_large" {
		t.Errorf("too large: %+v", er)
	}
	items, _ := must(t, e.do("GET", "/api/v1/imports", nil), http.StatusOK).list(t)
	if len(items) != 1 || items[0]["status"] != "failed" || items[0]["error"] == nil {
		t.Errorf("imports after a refused file: %v", items)
	}
}

// repeat reads s over and over, without end.
type repeat struct {
	s   string
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}
