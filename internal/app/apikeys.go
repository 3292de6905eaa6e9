package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// keyPrefix marks Ally API keys so secret scanners and people recognise them.
const keyPrefix = "ally_"

// CreateAPIKey makes a key and returns it with its secret, which is shown only now.
func (a *App) CreateAPIKey(ctx context.Context, actor ally.Actor, nk ally.NewAPIKey) (*ally.APIKey, string, error) {
	if err := requireKeyAdmin(actor); err != nil {
		return nil, "", err
	}
	if err := nk.Validate(); err != nil {
		return nil, "", err
	}
	if len(nk.Scopes) == 0 {
		nk.Scopes = ally.AllScopes
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	secret := keyPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	k := &ally.APIKey{
		ID: ally.NewID(ally.PrefixAPIKey), Name: nk.Name, Prefix: secret[:len(keyPrefix)+8],
		Hash: hashKey(secret), Scopes: nk.Scopes, CreatedAt: a.clock(),
	}
	if actor.Kind == ally.ActorStaff {
		k.CreatedBy = actor.ID
	}
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		c := changes{}
		c.add("name", nil, k.Name)
		c.add("scopes", nil, k.Scopes)
		return a.record(ctx, tx, actor, "apikey.created", "api_key", k.ID, "", c)
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// APIKeys lists the keys, newest first, without secrets.
func (a *App) APIKeys(ctx context.Context, actor ally.Actor) ([]*ally.APIKey, error) {
	if err := requireKeyAdmin(actor); err != nil {
		return nil, err
	}
	return a.store.FindAPIKeys(ctx)
}

// RevokeAPIKey stops a key from working.
func (a *App) RevokeAPIKey(ctx context.Context, actor ally.Actor, id string) error {
	if err := requireKeyAdmin(actor); err != nil {
		return err
	}
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := tx.RevokeAPIKey(ctx, id, a.clock()); err != nil {
			if ally.IsNotFound(err) {
				return ally.Errorf(ally.ECodeNotFound, "no API key %q", id)
			}
			return err
		}
		return a.record(ctx, tx, actor, "apikey.revoked", "api_key", id, "", nil)
	})
	if err == nil {
		a.keys.forgetID(id)
	}
	return err
}

func requireKeyAdmin(actor ally.Actor) error { return requireAdmin(actor, "manage API keys") }

// AuthenticateAPIKey returns the actor for a presented key, or 401.
// Lookups are cached for a few seconds: every API request needs one, and a
// revocation on another node takes effect when its entry expires.
func (a *App) AuthenticateAPIKey(ctx context.Context, secret string) (ally.Actor, error) {
	unauthorized := ally.Errorf(ally.ECodeUnauthorized, "missing, unknown or revoked API key")
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 200 {
		return ally.Actor{}, unauthorized
	}
	hash := hashKey(secret)
	now := a.now()
	k, ok := a.keys.get(hash, now)
	if !ok {
		var err error
		k, err = a.store.FindAPIKeyByHash(ctx, hash)
		if ally.IsNotFound(err) {
			return ally.Actor{}, unauthorized
		}
		if err != nil {
			return ally.Actor{}, err
		}
		a.keys.put(hash, k, now)
	}
	if k.Revoked() {
		return ally.Actor{}, unauthorized
	}
	if a.keys.shouldTouch(hash, now) {
		// Best effort, off the request path: a lost update only delays "last used".
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := a.store.TouchAPIKey(ctx, k.ID, now.UTC().Truncate(time.Millisecond)); err != nil {
				a.log.Warn("recording API key use", "key", k.ID, "err", err)
			}
		}()
	}
	return ally.Actor{Kind: ally.ActorAPIKey, ID: k.ID, Label: k.Name, Scopes: k.Scopes}, nil
}

func hashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// keyCache remembers recent key lookups by hash.
type keyCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]*keyEntry
}

type keyEntry struct {
	key       *ally.APIKey
	expires   time.Time
	touchedAt time.Time
}

func newKeyCache(ttl time.Duration) *keyCache {
	return &keyCache{ttl: ttl, entries: map[string]*keyEntry{}}
}

func (c *keyCache) get(hash string, now time.Time) (*ally.APIKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.After(e.expires) {
		return nil, false
	}
	return e.key, true
}

func (c *keyCache) put(hash string, k *ally.APIKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) > 10_000 { // keys are few; a flood of distinct ones must not grow memory
		clear(c.entries)
	}
	touched := time.Time{}
	if e, ok := c.entries[hash]; ok {
		touched = e.touchedAt
	}
	c.entries[hash] = &keyEntry{key: k, expires: now.Add(c.ttl), touchedAt: touched}
}

// shouldTouch says whether to record a use now: at most once a minute per key per node.
func (c *keyCache) shouldTouch(hash string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.Sub(e.touchedAt) < time.Minute {
		return false
	}
	e.touchedAt = now
	return true
}

func (c *keyCache) forgetID(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.key.ID == id {
			delete(c.entries, h)
		}
	}
}
