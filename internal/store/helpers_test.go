package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// eachEngine runs fn as a parallel subtest per engine, each on a fresh store.
func eachEngine(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, engine))
		})
	}
}

// now is a time that survives the millisecond round trip unchanged.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// mustWrite runs fn in a transaction and fails the test on error.
func mustWrite(t testing.TB, db *store.DB, fn func(tx ally.Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// wantCode fails unless err is an *ally.Error with code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := ally.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// wantError fails unless err is an *ally.Error with code and message.
func wantError(t testing.TB, err error, code, message string) {
	t.Helper()
	var e *ally.Error
	if !errors.As(err, &e) || e.Code != code || e.Message != message {
		t.Fatalf("error %v, want %s: %s", err, code, message)
	}
}

// wantIs fails unless errors.Is(err, target).
func wantIs(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}

func mustUser(t testing.TB, db *store.DB, email string) *ally.User {
	t.Helper()
	u := &ally.User{ID: ally.NewID(ally.PrefixUser), Email: email, Name: "Name of " + email,
		Role: ally.RoleManager, PasswordHash: "hash", CreatedAt: now(), UpdatedAt: now()}
	mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateUser(context.Background(), u) })
	return u
}

func mustTier(t testing.TB, db *store.DB, name string, rank int) *ally.Tier {
	t.Helper()
	tr := &ally.Tier{ID: ally.NewID(ally.PrefixTier), Name: name, Rank: rank, PricePerLeadCents: 1250,
		CreatedAt: now(), UpdatedAt: now()}
	mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateTier(context.Background(), tr) })
	return tr
}

func mustPhase(t testing.TB, db *store.DB, name string, pos int) *ally.Phase {
	t.Helper()
	p := &ally.Phase{ID: ally.NewID(ally.PrefixPhase), Name: name, Position: pos, CreatedAt: now(), UpdatedAt: now()}
	mustWrite(t, db, func(tx ally.Tx) error { return tx.CreatePhase(context.Background(), p) })
	return p
}

// newPartner returns a minimal partner with a unique name, not yet stored.
func newPartner(name string) *ally.Partner {
	return &ally.Partner{ID: ally.NewID(ally.PrefixPartner), Name: name, Status: ally.StatusActive,
		PortalAccess: ally.AccessRestrictedUsers, CreatedAt: now(), UpdatedAt: now()}
}

// mustPartners stores the partners in one transaction.
func mustPartners(t testing.TB, db *store.DB, ps ...*ally.Partner) {
	t.Helper()
	mustWrite(t, db, func(tx ally.Tx) error {
		for _, p := range ps {
			if err := tx.CreatePartner(context.Background(), p); err != nil {
				return fmt.Errorf("partner %s: %w", p.Name, err)
			}
		}
		return nil
	})
}

// ids returns the ids of partners, in order.
func ids(ps []*ally.Partner) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
