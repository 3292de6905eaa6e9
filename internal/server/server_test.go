package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/server"
)

// newServer builds a server with test routes: /ok, /panic, /slow and /item/{id}.
func newServer(t *testing.T, ready func(context.Context) error, logs io.Writer) *server.Server {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	return server.New(server.Config{
		Addr:   "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Ready:  ready,
		Routes: func(mux *http.ServeMux) {
			mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "fine") })
			mux.HandleFunc("GET /api/v1/panic", func(w http.ResponseWriter, r *http.Request) { panic("secret internals") })
			mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("secret internals") })
			mux.HandleFunc("GET /item/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
		},
	})
}

func get(t *testing.T, h http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHealthAndReady(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	s := newServer(t, func(context.Context) error {
		if down.Load() {
			return errors.New("database gone")
		}
		return nil
	}, nil)
	h := s.Handler()
	if w := get(t, h, "/healthz"); w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("healthz: %d %q", w.Code, w.Body)
	}
	if w := get(t, h, "/readyz"); w.Code != 200 {
		t.Errorf("readyz: %d", w.Code)
	}
	down.Store(true)
	w := get(t, h, "/readyz")
	if w.Code != 503 || strings.Contains(w.Body.String(), "database gone") {
		t.Errorf("readyz when down: %d %q", w.Code, w.Body)
	}
	if w := get(t, h, "/healthz"); w.Code != 200 {
		t.Errorf("healthz must not depend on the database: %d", w.Code)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	h := newServer(t, nil, nil).Handler()
	if id := get(t, h, "/ok").Header().Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("generated id %q", id)
	}
	if id := get(t, h, "/ok", "X-Request-Id", "proxy-abc.123").Header().Get("X-Request-Id"); id != "proxy-abc.123" {
		t.Errorf("kept id %q", id)
	}
	if id := get(t, h, "/ok", "X-Request-Id", "bad id\x01<script>").Header().Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("unsafe id not replaced: %q", id)
	}
}

func TestPanicRecovery(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := newServer(t, nil, &logs).Handler()
	w := get(t, h, "/api/v1/panic")
	id := w.Header().Get("X-Request-Id")
	if w.Code != 500 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") ||
		!strings.Contains(w.Body.String(), `"code":"internal"`) || !strings.Contains(w.Body.String(), id) {
		t.Errorf("api panic: %d %q %q", w.Code, w.Header(), w.Body)
	}
	w = get(t, h, "/panic")
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "goroutine") {
		t.Errorf("page panic leaks: %d %q", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "secret internals") || !strings.Contains(logs.String(), "request_id="+id) {
		t.Errorf("panic not logged with its request id: %s", logs.String())
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	h := newServer(t, nil, nil).Handler()
	get(t, h, "/item/1")
	get(t, h, "/item/2")
	get(t, h, "/nowhere")
	body := get(t, h, "/metrics").Body.String()
	for _, want := range []string{
		`ally_http_requests_total{route="GET /item/{id}",status="4xx"} 2`,
		`ally_http_requests_total{route="unmatched",status="4xx"} 1`,
		`ally_http_request_duration_seconds_count{route="GET /item/{id}",status="4xx"} 2`,
		"go_goroutines", "process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/item/1") {
		t.Error("metrics are labelled by path, not by route")
	}
}

func TestAccessLogAtDebug(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := newServer(t, nil, &logs).Handler()
	get(t, h, "/item/7")
	if !strings.Contains(logs.String(), `level=DEBUG msg=request`) || !strings.Contains(logs.String(), `route="GET /item/{id}"`) {
		t.Errorf("access log: %s", logs.String())
	}
}

// Close lets a request in flight finish, and the server stops accepting.
func TestGracefulClose(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	s := server.New(server.Config{
		Addr:            "127.0.0.1:0",
		ShutdownTimeout: 5 * time.Second,
		Routes: func(mux *http.ServeMux) {
			mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
				close(started)
				<-release
				_, _ = io.WriteString(w, "done")
			})
		},
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(s.URL() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-started
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err != nil {
			break // no longer accepting
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still accepts connections while draining")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "done" {
		t.Errorf("in-flight request: %q %v", r.body, r.err)
	}
	if err := <-closed; err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestCloseCutsOffAfterTimeout(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	s := server.New(server.Config{
		Addr:            "127.0.0.1:0",
		ShutdownTimeout: 200 * time.Millisecond,
		Routes: func(mux *http.ServeMux) {
			mux.HandleFunc("GET /stuck", func(w http.ResponseWriter, r *http.Request) {
				close(started)
				<-r.Context().Done()
			})
		},
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = http.Get(s.URL() + "/stuck") }()
	<-started
	start := time.Now()
	if err := s.Close(); err == nil {
		t.Error("close reported success with a request cut off")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("close took %s", d)
	}
}

func TestOpenReportsBusyPort(t *testing.T) {
	t.Parallel()
	a := server.New(server.Config{Addr: "127.0.0.1:0"})
	if err := a.Open(); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := server.New(server.Config{Addr: a.Addr()})
	if err := b.Open(); err == nil || !strings.Contains(err.Error(), a.Addr()) {
		t.Errorf("got %v", err)
	}
}
