-- Fewer b-trees touched per lead intake: on SQLite each one an intake
-- writes is a WAL frame at commit, and commit was about half an intake's
-- time. Jobs and timeline entries are small rows keyed by a ULID, so they
-- live in their primary key (WITHOUT ROWID: no separate rowid tree), and
-- the two indexes that only ever look up a set value skip the rows where
-- it is NULL (a pending job's finished_at, a partner delivery's
-- subscription). Keep in step with migrations/postgres/00005_lean_writes.sql.

-- +goose Up
CREATE TABLE jobs_new (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    args         BLOB,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    run_at       INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until INTEGER,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO jobs_new SELECT id, kind, args, state, attempts, max_attempts, run_at, locked_by,
    locked_until, last_error, created_at, finished_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX ix_jobs_due ON jobs (state, run_at, id);
CREATE INDEX ix_jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE activities_new (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    actor_kind  TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO activities_new SELECT id, partner_id, kind, text, actor_kind, actor_id, actor_label, at FROM activities;
DROP TABLE activities;
ALTER TABLE activities_new RENAME TO activities;
CREATE INDEX ix_activities_partner ON activities (partner_id, id);

DROP INDEX ix_deliveries_subscription;
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id) WHERE subscription_id IS NOT NULL;

-- +goose Down
DROP INDEX ix_deliveries_subscription;
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id);

CREATE TABLE activities_old (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    actor_kind  TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
) STRICT;
INSERT INTO activities_old SELECT id, partner_id, kind, text, actor_kind, actor_id, actor_label, at FROM activities;
DROP TABLE activities;
ALTER TABLE activities_old RENAME TO activities;
CREATE INDEX ix_activities_partner ON activities (partner_id, id);

CREATE TABLE jobs_old (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    args         BLOB,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    run_at       INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until INTEGER,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
) STRICT;
INSERT INTO jobs_old SELECT id, kind, args, state, attempts, max_attempts, run_at, locked_by,
    locked_until, last_error, created_at, finished_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_old RENAME TO jobs;
CREATE INDEX ix_jobs_due ON jobs (state, run_at, id);
CREATE INDEX ix_jobs_finished ON jobs (finished_at);
