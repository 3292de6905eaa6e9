// Package outbound builds the one HTTP client Ally uses for every call it
// makes to a URL someone else typed in (partner webhooks, CRM, OIDC). Such
// URLs must not become a way into our own network (SSRF), so the client
// refuses loopback, private, link-local, metadata and similar addresses at
// connect time, never follows redirects, and ignores proxy settings.
package outbound

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Defaults for Options fields left zero.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultDialTimeout = 5 * time.Second
)

// ErrScheme is returned for URLs that are not http or https.
var ErrScheme = errors.New("outbound: only http and https URLs are allowed")

// Options configure New. The zero value is a safe client.
type Options struct {
	// Timeout bounds a whole request including reading the body (default 10s).
	Timeout time.Duration
	// DialTimeout bounds connecting and the TLS handshake (default 5s).
	DialTimeout time.Duration
	// AllowHosts lists host names, IP literals or host:port pairs an admin
	// explicitly allowed; they may resolve to otherwise refused addresses.
	// A bare host allows every port, host:port only that port.
	AllowHosts []string
	// UserAgent is sent when the request sets none.
	UserAgent string
}

// New returns an *http.Client that refuses internal addresses (see CheckIP)
// unless the URL's host is in opts.AllowHosts. Redirects are returned to the
// caller as they are (a 3xx response), since following one would let a
// public URL send us to an internal one; callers decide what a 3xx means.
func New(opts Options) *http.Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	d := &dialer{
		net:      net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 30 * time.Second},
		resolver: &net.Resolver{},
		allow:    newAllowSet(opts.AllowHosts),
	}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect for us, past the address check
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true, // a custom dialer turns HTTP/2 off unless asked
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    opts.DialTimeout,
		ResponseHeaderTimeout:  opts.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: &guard{base: tr, userAgent: opts.UserAgent},
		Timeout:   opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// guard checks the scheme before anything is dialled and fills in the
// User-Agent; it leaves the caller's request untouched as RoundTripper requires.
type guard struct {
	base      http.RoundTripper
	userAgent string
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		scheme := ""
		if req.URL != nil {
			scheme = req.URL.Scheme
		}
		return nil, fmt.Errorf("%w (got %q)", ErrScheme, scheme)
	}
	if g.userAgent != "" && req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", g.userAgent)
	}
	return g.base.RoundTrip(req)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the transport.
func (g *guard) CloseIdleConnections() {
	if c, ok := g.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
