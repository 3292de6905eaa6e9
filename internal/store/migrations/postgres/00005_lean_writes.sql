-- Indexes that only ever look up a set value skip the rows where it is
-- NULL (a pending job's finished_at, a partner delivery's subscription),
-- so a lead intake writes two index entries fewer. SQLite also moves jobs
-- and activities into their primary key; PostgreSQL tables have no rowid
-- tree to save. Keep in step with migrations/sqlite/00005_lean_writes.sql.

-- +goose Up
DROP INDEX ix_jobs_finished;
CREATE INDEX ix_jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
DROP INDEX ix_deliveries_subscription;
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id) WHERE subscription_id IS NOT NULL;

-- +goose Down
DROP INDEX ix_deliveries_subscription;
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id);
DROP INDEX ix_jobs_finished;
CREATE INDEX ix_jobs_finished ON jobs (finished_at);
