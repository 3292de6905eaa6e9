// Package app is Ally's application layer: one function per use case. Every
// function takes the acting ally.Actor, checks what it may see and do, runs
// the transaction and records the audit event inside it. The API, the admin
// UI and the portal all come in here, so none of them can skip a check.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/jobs"
	"github.com/allyprm/ally/internal/mail"
	"github.com/allyprm/ally/internal/outbound"
	"github.com/allyprm/ally/internal/secretbox"
)

// App holds the application's dependencies.
type App struct {
	store ally.Store
	log   *slog.Logger
	now   func() time.Time
	keys  *keyCache
	auth  authState // sign-in, sessions and e-mailed links: see auth.go

	outbound *http.Client                // every webhook goes through it: see internal/outbound
	sender   mail.Sender                 // lead e-mail deliveries; nil: they fail and retry
	secrets  *secretbox.Box              // seals stored secrets; nil keeps them plain: see secrets.go
	runner   atomic.Pointer[jobs.Runner] // woken after enqueueing work due now; see ServeJobs
}

// Option changes how New builds the App.
type Option func(*App)

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(a *App) { a.log = l } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// WithOutbound sets the HTTP client for webhooks; it must be the guarded
// client of internal/outbound (tests may allow their loopback receiver).
func WithOutbound(c *http.Client) Option { return func(a *App) { a.outbound = c } }

// WithSender sets how lead e-mail deliveries are sent.
func WithSender(s mail.Sender) Option { return func(a *App) { a.sender = s } }

// WithSecrets sets the box that encrypts the secrets the app stores
// (webhook signing secrets, the SMTP password); without it they are
// stored plain.
func WithSecrets(b *secretbox.Box) Option { return func(a *App) { a.secrets = b } }

// New returns the application over store.
func New(store ally.Store, opts ...Option) *App {
	a := &App{store: store, log: slog.Default(), now: time.Now, keys: newKeyCache(10 * time.Second)}
	for _, o := range opts {
		o(a)
	}
	if a.outbound == nil {
		a.outbound = outbound.New(outbound.Options{})
	}
	if a.auth.mail == nil {
		a.auth.mail = mail.NewTemplates()
	}
	return a
}

// Ready reports whether the database answers.
func (a *App) Ready(ctx context.Context) error { return a.store.Ping(ctx) }

// clock returns the current time at the millisecond precision the store keeps.
func (a *App) clock() time.Time { return a.now().UTC().Truncate(time.Millisecond) }

// require returns 403 unless the actor holds scope.
func require(actor ally.Actor, scope ally.Scope) error {
	if !actor.Can(scope) {
		return ally.Errorf(ally.ECodeForbidden, "this needs the %s permission", scope)
	}
	return nil
}

// record writes an audit event in tx. changes may be nil.
func (a *App) record(ctx context.Context, tx ally.Tx, actor ally.Actor, action, targetType, targetID, partnerID string, changes map[string]ally.Change) error {
	e := ally.NewAuditEvent(actor, action, targetType, targetID, a.clock())
	e.PartnerID = partnerID
	e.Changes = changes
	return tx.CreateAuditEvent(ctx, e)
}

// checkVersion returns 412 when the client's If-Match version is stale.
func checkVersion(expect *int64, have int64) error {
	if expect != nil && *expect != have {
		return ally.ErrVersionMismatch
	}
	return nil
}

// changes collects before/after pairs of the fields that differ.
type changes map[string]ally.Change

func (c changes) add(field string, before, after any) {
	c[field] = ally.Change{Before: before, After: after}
}

func (c changes) str(field, before, after string) {
	if before != after {
		c.add(field, nullIfEmpty(before), nullIfEmpty(after))
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
