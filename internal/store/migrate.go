package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds one folder of goose SQL files per engine; the schemas
// differ only in types (BLOB/BYTEA, INTEGER/BIGINT/BOOLEAN) and collations.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Migrate applies the migrations not yet applied, each in its own
// transaction, recording them in goose_db_version. Running it again is a
// no-op. On PostgreSQL an advisory lock keeps several nodes starting at once
// from migrating together.
func (db *DB) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+db.engine)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	dialect := database.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if db.engine == EnginePostgres {
		dialect = database.DialectPostgres
		locker, err := db.migrationLocker(ctx)
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.writer, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		db.logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// migrationLocker returns a session advisory lock keyed by the current
// schema, so nodes sharing a schema take turns while separate schemas (one
// per test) do not wait for each other. It retries every second for up to
// five minutes.
func (db *DB) migrationLocker(ctx context.Context) (lock.SessionLocker, error) {
	var schema string
	if err := db.writer.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("store: migrate: current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("ally-migrate:" + schema))
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(h.Sum64())),
		lock.WithLockTimeout(1, 300),
	)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	return locker, nil
}
