-- The partner portal: staff sign-in extras (TOTP, notification preferences),
-- contacts and their portal access, sessions, single-use tokens, login
-- failure counters, partner grants, property definitions, experience
-- template sections and profile, settings, activity, notifications, durable
-- jobs and stored files; indexes for the partner list's new orders and the
-- "going quiet" filter. The same tables as migrations/sqlite/00002_portal.sql;
-- keep the two in step. Keys use COLLATE "C", as in 00001, so ordering and
-- keyset comparisons are bytewise as on SQLite.

-- +goose Up
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN notifications TEXT NOT NULL DEFAULT 'null';
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;

ALTER TABLE experience_templates ADD COLUMN sections TEXT NOT NULL DEFAULT '{}';
ALTER TABLE experience_templates ADD COLUMN profile TEXT NOT NULL DEFAULT 'null';

-- The partner list's other orders and the going-quiet filter, each ending in
-- id so a keyset page is one range read in order.
CREATE INDEX ix_partners_name ON partners (name_lower, id);
CREATE INDEX ix_partners_updated ON partners (updated_at, id);
CREATE INDEX ix_partners_last_activity ON partners (last_activity_at, id);

CREATE TABLE contacts (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    partner_id           TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    email                TEXT COLLATE "C" NOT NULL,
    phone                TEXT NOT NULL DEFAULT '',
    title                TEXT NOT NULL DEFAULT '',
    roles                TEXT NOT NULL DEFAULT 'null',
    is_primary           BOOLEAN NOT NULL DEFAULT FALSE,
    portal               TEXT COLLATE "C" NOT NULL DEFAULT 'off'
                         CHECK (portal IN ('off', 'invited', 'active', 'disabled')),
    password_hash        TEXT NOT NULL DEFAULT '',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    notifications        TEXT NOT NULL DEFAULT 'null',
    last_sign_in_at      BIGINT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL
);
CREATE INDEX ix_contacts_partner ON contacts (partner_id, id);
CREATE INDEX ix_contacts_email ON contacts (email, id);
-- One address is one portal login: among contacts with portal access (any
-- state but off) an e-mail appears once. Contacts without access may share one.
CREATE UNIQUE INDEX ux_contacts_portal_email ON contacts (email) WHERE portal <> 'off';

CREATE TABLE sessions (
    id           TEXT COLLATE "C" PRIMARY KEY,
    token_hash   TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL,
    subject_id   TEXT COLLATE "C" NOT NULL,
    partner_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    totp_pending BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX ux_sessions_token_hash ON sessions (token_hash);
CREATE INDEX ix_sessions_subject ON sessions (kind, subject_id);
-- The sweep deletes by either limit; an index on each keeps it two ranges.
CREATE INDEX ix_sessions_expires ON sessions (expires_at);
CREATE INDEX ix_sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE tokens (
    hash         TEXT COLLATE "C" PRIMARY KEY,
    purpose      TEXT COLLATE "C" NOT NULL,
    subject_kind TEXT COLLATE "C" NOT NULL DEFAULT '',
    subject_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    partner_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    email        TEXT COLLATE "C" NOT NULL DEFAULT '',
    data         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX ix_tokens_subject ON tokens (subject_kind, subject_id, purpose);

-- One row per failed sign-in, so a window is a count over (key, at) that
-- every node sees.
CREATE TABLE login_failures (
    key TEXT COLLATE "C" NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX ix_login_failures_key ON login_failures (key, at);

CREATE TABLE partner_grants (
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    partner_id TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, partner_id)
);
CREATE INDEX ix_partner_grants_partner ON partner_grants (partner_id, user_id);

CREATE TABLE property_definitions (
    id         TEXT COLLATE "C" PRIMARY KEY,
    key        TEXT COLLATE "C" NOT NULL,
    label      TEXT NOT NULL,
    type       TEXT NOT NULL,
    options    TEXT NOT NULL DEFAULT 'null',
    source     TEXT NOT NULL,
    crm_field  TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_property_definitions_key ON property_definitions (key);
CREATE INDEX ix_property_definitions_order ON property_definitions (position, key);

-- The vendor's settings: one row, one JSON document.
CREATE TABLE settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL
);

CREATE TABLE activities (
    id          TEXT COLLATE "C" PRIMARY KEY,
    partner_id  TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    kind        TEXT COLLATE "C" NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    actor_kind  TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL
);
CREATE INDEX ix_activities_partner ON activities (partner_id, id);

CREATE TABLE notifications (
    id             TEXT COLLATE "C" PRIMARY KEY,
    recipient_kind TEXT COLLATE "C" NOT NULL,
    recipient_id   TEXT COLLATE "C" NOT NULL,
    kind           TEXT COLLATE "C" NOT NULL,
    text           TEXT NOT NULL DEFAULT '',
    link           TEXT NOT NULL DEFAULT '',
    is_read        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL
);
CREATE INDEX ix_notifications_recipient ON notifications (recipient_kind, recipient_id, id);

CREATE TABLE jobs (
    id           TEXT COLLATE "C" PRIMARY KEY,
    kind         TEXT COLLATE "C" NOT NULL,
    args         BYTEA,
    state        TEXT COLLATE "C" NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    run_at       BIGINT NOT NULL,
    locked_by    TEXT COLLATE "C",
    locked_until BIGINT,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    finished_at  BIGINT
);
-- The claim reads the pending range in run_at order; done and failed jobs
-- sit in other ranges of the same index and cost nothing.
CREATE INDEX ix_jobs_due ON jobs (state, run_at, id);

CREATE TABLE files (
    id           TEXT COLLATE "C" PRIMARY KEY,
    content_type TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);

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
ALTER TABLE experience_templates DROP COLUMN profile, DROP COLUMN sections;
ALTER TABLE users DROP COLUMN last_sign_in_at, DROP COLUMN notifications,
    DROP COLUMN totp_enabled, DROP COLUMN totp_secret;
