// Package mailtest runs a real SMTP server in the test's process, so tests
// (down to the browser tests) can send through Ally's SMTP sender and read
// what arrived: the invite a user must click, the reset link.
package mailtest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server on 127.0.0.1 collecting every message it accepts.
type Server struct {
	Addr string // host:port
	Host string // 127.0.0.1
	Port int

	username, password string
	useTLS             bool
	roots              *x509.CertPool // trusts the certificate, with WithTLS

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{} // closed and replaced whenever a message arrives
}

// Option configures NewServer.
type Option func(*Server)

// WithAuth makes the server require AUTH PLAIN with these credentials
// (over plain text, which the sender allows for 127.0.0.1 only).
func WithAuth(username, password string) Option {
	return func(s *Server) { s.username, s.password = username, password }
}

// NewServer starts a server on a free port; it stops when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{arrived: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	if s.useTLS {
		cert, roots := selfSigned(tb)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.roots = roots
	}
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // AUTH without TLS: the test server has no certificate
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = tbLogger{tb}
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { _ = srv.Close() })

	s.Addr = ln.Addr().String()
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	return s
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitFor returns the first message to the address to, waiting up to
// timeout for it to arrive, and fails the test if none does.
func (s *Server) WaitFor(tb testing.TB, to string, timeout time.Duration) Message {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for _, m := range s.messages {
			if m.SentTo(to) {
				s.mu.Unlock()
				return m
			}
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline.C:
			tb.Fatalf("mailtest: no message to %s within %s (%d received)", to, timeout, len(s.Messages()))
			return Message{}
		}
	}
}

func (s *Server) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// session is one SMTP connection's transaction.
type session struct {
	srv      *Server
	conn     *smtp.Conn
	authUser string
	from     string
	rcpts    []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.srv.username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.srv.username || password != ss.srv.password {
			return errors.New("invalid username or password")
		}
		ss.authUser = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.username != "" && ss.authUser == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	m.EnvelopeFrom, m.Rcpts, m.AuthUser = ss.from, append([]string(nil), ss.rcpts...), ss.authUser
	_, m.TLS = ss.conn.TLSConnectionState()
	ss.srv.add(m)
	return nil
}

func (ss *session) Reset()        { ss.from, ss.rcpts = "", nil }
func (ss *session) Logout() error { return nil }

// tbLogger sends the server's error log to the test log.
type tbLogger struct{ tb testing.TB }

func (l tbLogger) Printf(format string, v ...any) { l.tb.Logf("mailtest: "+format, v...) }
func (l tbLogger) Println(v ...any)               { l.tb.Log(append([]any{"mailtest:"}, v...)...) }
