package outbound_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/allyprm/ally/internal/outbound"
)

// mustServer starts a server on 127.0.0.1 that answers "ok" on / and
// redirects /redirect to /, counting the requests that reach /.
func mustServer(tb testing.TB) (srv *httptest.Server, hits *atomic.Int32) {
	tb.Helper()
	hits = new(atomic.Int32)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, "ok "+r.UserAgent())
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/", http.StatusFound)
	})
	srv = httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv, hits
}

func hostPort(tb testing.TB, rawURL string) (host, port string) {
	tb.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		tb.Fatal(err)
	}
	return u.Hostname(), u.Port()
}

func TestLoopbackRefusedByDefault(t *testing.T) {
	t.Parallel()
	srv, hits := mustServer(t)
	_, port := hostPort(t, srv.URL)
	for _, u := range []string{srv.URL, "http://localhost:" + port + "/", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		resp, err := outbound.New(outbound.Options{}).Get(u)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s succeeded, want refusal", u)
		}
		var be *outbound.BlockedError
		if !errors.As(err, &be) {
			t.Fatalf("GET %s: %v, want *BlockedError", u, err)
		}
		if be.Reason != "loopback" || !be.Addr.IsLoopback() {
			t.Errorf("GET %s: refused %s for %q, want loopback", u, be.Addr, be.Reason)
		}
		t.Logf("GET %s: %v", u, err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("server saw %d requests, want 0", n)
	}
}

func TestAllowHosts(t *testing.T) {
	t.Parallel()
	srv, _ := mustServer(t)
	host, port := hostPort(t, srv.URL)
	tests := []struct {
		name  string
		allow []string
		url   string
		ok    bool
	}{
		{"host:port", []string{net.JoinHostPort(host, port)}, srv.URL, true},
		{"bare host", []string{host}, srv.URL, true},
		{"other port", []string{net.JoinHostPort(host, "1")}, srv.URL, false},
		{"other host", []string{"127.0.0.2"}, srv.URL, false},
		{"name allowed", []string{"LOCALHOST:" + port}, "http://localhost:" + port + "/", true},
		// Allowing a name does not allow its address typed directly, nor the reverse.
		{"name allowed, literal used", []string{"localhost"}, srv.URL, false},
		{"literal allowed, name used", []string{host}, "http://localhost:" + port + "/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := outbound.New(outbound.Options{AllowHosts: tt.allow, UserAgent: "Ally-test/1"}).Get(tt.url)
			if !tt.ok {
				if err == nil {
					resp.Body.Close()
				}
				var be *outbound.BlockedError
				if !errors.As(err, &be) {
					t.Fatalf("GET = %v, want *BlockedError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || string(body) != "ok Ally-test/1" {
				t.Fatalf("GET = %d %q", resp.StatusCode, body)
			}
		})
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	srv, hits := mustServer(t)
	c := outbound.New(outbound.Options{AllowHosts: []string{strings.TrimPrefix(srv.URL, "http://")}})
	resp, err := c.Get(srv.URL + "/redirect")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("GET /redirect = %d Location %q, want 302 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("redirect target saw %d requests, want 0", n)
	}
}

func TestSchemeRefused(t *testing.T) {
	t.Parallel()
	c := outbound.New(outbound.Options{})
	for _, u := range []string{"ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/"} {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, outbound.ErrScheme) {
			t.Errorf("GET %s = %v, want ErrScheme", u, err)
		}
	}
}
