package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

func TestOpenURLs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	for _, tc := range []struct {
		url, dataDir, file string
	}{
		{"", filepath.Join(dir, "data", "nested"), filepath.Join(dir, "data", "nested", "ally.db")},
		{"sqlite://" + filepath.Join(dir, "abs.db"), "", filepath.Join(dir, "abs.db")},
		{"sqlite:" + filepath.Join(dir, "plain.db"), "", filepath.Join(dir, "plain.db")},
		{"file:" + filepath.Join(dir, "uri.db") + "?cache=private", "", filepath.Join(dir, "uri.db")},
	} {
		db, err := store.Open(ctx, store.Config{URL: tc.url, DataDir: tc.dataDir})
		if err != nil {
			t.Fatalf("open %q: %v", tc.url, err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate %q: %v", tc.url, err)
		}
		if db.Engine() != "sqlite" || db.SQLDB() == nil {
			t.Errorf("%q: engine %q", tc.url, db.Engine())
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(tc.file); err != nil {
			t.Errorf("%q: no database file: %v", tc.url, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "data", "nested")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir: %v, %v", fi.Mode(), err)
	}

	for _, bad := range []string{"mysql://x", "ally.db", "sqlite::memory:", "sqlite:", "file::memory:"} {
		_, err := store.Open(ctx, store.Config{URL: bad, DataDir: dir})
		if err == nil || !strings.Contains(err.Error(), "ALLY_DATABASE_URL") {
			t.Errorf("open %q: error %v, want one naming ALLY_DATABASE_URL", bad, err)
		}
	}
	_, err := store.Open(ctx, store.Config{URL: "mysql://root:secret@db/x"})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestMigrateTwice(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		for range 2 {
			if err := db.Migrate(t.Context()); err != nil {
				t.Fatalf("migrate again: %v", err)
			}
		}
		if err := db.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestWriteRollsBack(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := newPartner("Rolled back")
		p.Categories = []string{"gone"}
		e := ally.NewAuditEvent(ally.System("test"), "partner.created", "partner", p.ID, now())
		e.PartnerID = p.ID
		boom := errors.New("boom")
		err := db.Write(ctx, func(tx ally.Tx) error {
			if err := tx.CreatePartner(ctx, p); err != nil {
				return err
			}
			if err := tx.CreateAuditEvent(ctx, e); err != nil {
				return err
			}
			// Inside the transaction its own writes are visible.
			if _, err := tx.FindPartnerByID(ctx, p.ID); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("write returned %v, want fn's error", err)
		}
		assertAbsent(t, db, p.ID)

		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic was swallowed")
				}
			}()
			_ = db.Write(ctx, func(tx ally.Tx) error {
				if err := tx.CreatePartner(ctx, p); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		assertAbsent(t, db, p.ID)

		// The store still works after both, and commits.
		mustPartners(t, db, p)
		if _, err := db.FindPartnerByID(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func assertAbsent(t *testing.T, db *store.DB, partnerID string) {
	t.Helper()
	ctx := context.Background()
	_, err := db.FindPartnerByID(ctx, partnerID)
	wantIs(t, err, ally.ErrNotFound)
	evs, err := db.FindAuditEvents(ctx, ally.AuditFilter{PartnerID: partnerID})
	if err != nil || len(evs) != 0 {
		t.Errorf("audit events after rollback: %d, %v", len(evs), err)
	}
	ps, err := db.FindPartners(ctx, ally.PartnerFilter{Category: "gone"})
	if err != nil || len(ps) != 0 {
		t.Errorf("category index after rollback: %d, %v", len(ps), err)
	}
}

func TestStoretestEngines(t *testing.T) {
	t.Parallel()
	engines := storetest.Engines(t)
	if engines[0] != store.EngineSQLite {
		t.Fatalf("engines %v", engines)
	}
	if os.Getenv(storetest.PostgresURLEnv) != "" && (len(engines) != 2 || engines[1] != store.EnginePostgres) {
		t.Fatalf("engines %v with %s set", engines, storetest.PostgresURLEnv)
	}
	for _, e := range engines {
		if db := storetest.Open(t, e); db.Engine() != e {
			t.Errorf("engine %q, want %q", db.Engine(), e)
		}
	}
}
