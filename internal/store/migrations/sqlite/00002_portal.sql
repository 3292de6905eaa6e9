-- The partner portal: staff sign-in extras (TOTP, notification preferences),
-- contacts and their portal access, sessions, single-use tokens, login
-- failure counters, partner grants, property definitions, experience
-- template sections and profile, settings, activity, notifications, durable
-- jobs and stored files; indexes for the partner list's new orders and the
-- "going quiet" filter. Keep in step with migrations/postgres/00002_portal.sql.

-- +goose Up
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN notifications TEXT NOT NULL DEFAULT 'null';
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;

ALTER TABLE experience_templates ADD COLUMN sections TEXT NOT NULL DEFAULT '{}';
ALTER TABLE experience_templates ADD COLUMN profile TEXT NOT NULL DEFAULT 'null';

-- The partner list's other orders and the going-quiet filter, each ending in
-- id so a keyset page is one range read in order.
CREATE INDEX ix_partners_name ON partners (name_lower, id);
CREATE INDEX ix_partners_updated ON partners (updated_at, id);
CREATE INDEX ix_partners_last_activity ON partners (last_activity_at, id);

CREATE TABLE contacts (
    id                   TEXT PRIMARY KEY,
    partner_id           TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    email                TEXT NOT NULL,
    phone                TEXT NOT NULL DEFAULT '',
    title                TEXT NOT NULL DEFAULT '',
    roles                TEXT NOT NULL DEFAULT 'null',
    is_primary           INTEGER NOT NULL DEFAULT 0,
    portal               TEXT NOT NULL DEFAULT 'off'
                         CHECK (portal IN ('off', 'invited', 'active', 'disabled')),
    password_hash        TEXT NOT NULL DEFAULT '',
    must_change_password INTEGER NOT NULL DEFAULT 0,
    notifications        TEXT NOT NULL DEFAULT 'null',
    last_sign_in_at      INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    version              INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_contacts_partner ON contacts (partner_id, id);
CREATE INDEX ix_contacts_email ON contacts (email, id);
-- One address is one portal login: among contacts with portal access (any
-- state but off) an e-mail appears once. Contacts without access may share one.
CREATE UNIQUE INDEX ux_contacts_portal_email ON contacts (email) WHERE portal <> 'off';

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    partner_id   TEXT NOT NULL DEFAULT '',
    totp_pending INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX ux_sessions_token_hash ON sessions (token_hash);
CREATE INDEX ix_sessions_subject ON sessions (kind, subject_id);
-- The sweep deletes by either limit; an index on each keeps it two ranges.
CREATE INDEX ix_sessions_expires ON sessions (expires_at);
CREATE INDEX ix_sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE tokens (
    hash         TEXT PRIMARY KEY,
    purpose      TEXT NOT NULL,
    subject_kind TEXT NOT NULL DEFAULT '',
    subject_id   TEXT NOT NULL DEFAULT '',
    partner_id   TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    data         TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
) STRICT;
CREATE INDEX ix_tokens_subject ON tokens (subject_kind, subject_id, purpose);

-- One row per failed sign-in, so a window is a count over (key, at) that
-- every node sees.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_login_failures_key ON login_failures (key, at);

CREATE TABLE partner_grants (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, partner_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX ix_partner_grants_partner ON partner_grants (partner_id, user_id);

CREATE TABLE property_definitions (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL,
    label      TEXT NOT NULL,
    type       TEXT NOT NULL,
    options    TEXT NOT NULL DEFAULT 'null',
    source     TEXT NOT NULL,
    crm_field  TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX ux_property_definitions_key ON property_definitions (key);
CREATE INDEX ix_property_definitions_order ON property_definitions (position, key);

-- The vendor's settings: one row, one JSON document.
CREATE TABLE settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL
) STRICT;

CREATE TABLE activities (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    actor_kind  TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_activities_partner ON activities (partner_id, id);

CREATE TABLE notifications (
    id             TEXT PRIMARY KEY,
    recipient_kind TEXT NOT NULL,
    recipient_id   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    text           TEXT NOT NULL DEFAULT '',
    link           TEXT NOT NULL DEFAULT '',
    is_read        INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_notifications_recipient ON notifications (recipient_kind, recipient_id, id);

CREATE TABLE jobs (
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
-- The claim reads the pending range in run_at order; done and failed jobs
-- sit in other ranges of the same index and cost nothing.
CREATE INDEX ix_jobs_due ON jobs (state, run_at, id);

CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE files;
DROP TABLE jobs;
DROP TABLE notifications;
DROP TABLE activities;
DROP TABLE settings;
DROP TABLE property_definitions;
DROP TABLE partner_grants;
DROP TABLE login_failures;
DROP TABLE tokens;
DROP TABLE sessions;
DROP TABLE contacts;
DROP INDEX ix_partners_last_activity;
DROP INDEX ix_partners_updated;
DROP INDEX ix_partners_name;
ALTER TABLE experience_templates DROP COLUMN profile;
ALTER TABLE experience_templates DROP COLUMN sections;
ALTER TABLE users DROP COLUMN last_sign_in_at;
ALTER TABLE users DROP COLUMN notifications;
ALTER TABLE users DROP COLUMN totp_enabled;
ALTER TABLE users DROP COLUMN totp_secret;
