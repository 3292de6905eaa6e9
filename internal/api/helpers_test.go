package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/api"
	"github.com/allyprm/ally/internal/app"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// env is one API server over a fresh store, with a key holding every scope.
type env struct {
	tb    testing.TB
	db    *store.DB // for running background jobs
	app   *app.App
	srv   *httptest.Server
	key   string // holds every scope
	keyID string
}

// eachEngine runs fn as a subtest on every engine under test.
func eachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, engine)
		})
	}
}

// newEnv starts the API on a fresh store of engine.
func newEnv(tb testing.TB, engine string, cfg api.Config) *env {
	tb.Helper()
	db := storetest.Open(tb, engine)
	a := app.New(db)
	mux := http.NewServeMux()
	if cfg.RateLimit == 0 {
		cfg.RateLimit, cfg.RateBurst = 1e6, 1e6 // tests are not throttled unless they ask
	}
	api.Register(mux, a, cfg)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	e := &env{tb: tb, db: db, app: a, srv: srv}
	e.keyID, e.key = e.newKeyID("all")
	return e
}

// with returns the env reporting to tb, for fuzz targets and goroutines'
// own subtests.
func (e *env) with(tb testing.TB) *env {
	c := *e
	c.tb = tb
	return &c
}

// newKey makes an API key with the given scopes (none means all).
func (e *env) newKey(name string, scopes ...ally.Scope) string {
	e.tb.Helper()
	_, secret := e.newKeyID(name, scopes...)
	return secret
}

// newKeyID is newKey that also returns the key's id.
func (e *env) newKeyID(name string, scopes ...ally.Scope) (id, secret string) {
	e.tb.Helper()
	k, secret, err := e.app.CreateAPIKey(context.Background(), ally.System("test"), ally.NewAPIKey{Name: name, Scopes: scopes})
	if err != nil {
		e.tb.Fatalf("create key: %v", err)
	}
	return k.ID, secret
}

// newUser makes an active staff user and returns its id.
func (e *env) newUser(email string) string {
	e.tb.Helper()
	u, err := e.app.CreateUser(context.Background(), ally.System("test"), ally.NewUser{
		Email: email, Name: "User " + email, Role: ally.RoleManager, Password: "correct horse battery",
	})
	if err != nil {
		e.tb.Fatalf("create user: %v", err)
	}
	return u.ID
}

// resp is a response read whole.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r resp) json(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		tb.Fatalf("decode %d body %q: %v", r.status, r.body, err)
	}
	return m
}

// data is the body's "data" object.
func (r resp) data(tb testing.TB) map[string]any {
	tb.Helper()
	d, ok := r.json(tb)["data"].(map[string]any)
	if !ok {
		tb.Fatalf("no data object in %d %s", r.status, r.body)
	}
	return d
}

// list is the body's "data" array and nextCursor.
func (r resp) list(tb testing.TB) ([]map[string]any, string) {
	tb.Helper()
	m := r.json(tb)
	items, ok := m["data"].([]any)
	if !ok {
		tb.Fatalf("no data array in %d %s", r.status, r.body)
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = it.(map[string]any)
	}
	next, _ := m["nextCursor"].(string)
	return out, next
}

// apiErr is the body's error object.
type apiErr struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fields  []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"fields"`
}

func (r resp) err(tb testing.TB) apiErr {
	tb.Helper()
	var e struct {
		Error *apiErr `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		tb.Fatalf("not an error envelope (%d): %s (%v)", r.status, r.body, err)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("error Content-Type = %q", ct)
	}
	return *e.Error
}

// fieldNames lists the fields an error names.
func (e apiErr) fieldNames() []string {
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

// do sends a request with the env's key. body may be nil, a string (sent
// as is) or a value to encode. hdr holds extra headers as name, value pairs.
func (e *env) do(method, path string, body any, hdr ...string) resp {
	e.tb.Helper()
	return e.doKey(e.key, method, path, body, hdr...)
}

func (e *env) doKey(key, method, path string, body any, hdr ...string) resp {
	e.tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.tb.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.tb.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// must checks the status and returns the response.
func must(tb testing.TB, r resp, status int) resp {
	tb.Helper()
	if r.status != status {
		tb.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// createPartner posts body and returns the partner.
func (e *env) createPartner(body map[string]any) map[string]any {
	e.tb.Helper()
	return must(e.tb, e.do("POST", "/api/v1/partners", body), http.StatusCreated).data(e.tb)
}

// snapshot is what a rejected request must leave unchanged: the partner as
// stored and the audit log.
func (e *env) snapshot(partnerID string) string {
	e.tb.Helper()
	p := must(e.tb, e.do("GET", "/api/v1/partners/"+partnerID, nil), http.StatusOK)
	a := must(e.tb, e.do("GET", "/api/v1/audit-events?limit=200", nil), http.StatusOK)
	return string(p.body) + "\n" + string(a.body)
}
