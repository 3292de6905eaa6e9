-- Ally's first schema: staff users, the partner catalog (tiers, phases,
-- experience templates), partners, API keys, audit events and idempotency keys.
-- The same tables as migrations/sqlite/00001_init.sql; keep the two in step.
-- Times are unix milliseconds UTC (NULL = none); maps and lists are JSON text.
-- Keys and sorted names use COLLATE "C" so ordering and keyset comparisons are
-- bytewise, as on SQLite, whatever the database's default collation is.

-- +goose Up
CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    email         TEXT COLLATE "C" NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_users_email ON users (email);

CREATE TABLE tiers (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    name                 TEXT COLLATE "C" NOT NULL,
    rank                 INTEGER NOT NULL DEFAULT 0,
    price_per_lead_cents BIGINT NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL
);
CREATE INDEX ix_tiers_order ON tiers (rank DESC, name, id);

CREATE TABLE phases (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL
);
CREATE INDEX ix_phases_order ON phases (position, name, id);

CREATE TABLE experience_templates (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL
);
CREATE INDEX ix_experience_templates_order ON experience_templates (name, id);

CREATE TABLE partners (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    name                   TEXT NOT NULL,
    -- name_lower is lowercased in Go, so the case-insensitive search treats
    -- non-ASCII letters the same on both engines (SQLite's lower() is ASCII-only).
    name_lower             TEXT COLLATE "C" NOT NULL,
    domain                 TEXT COLLATE "C",
    website                TEXT NOT NULL DEFAULT '',
    logo_url               TEXT NOT NULL DEFAULT '',
    phone                  TEXT NOT NULL DEFAULT '',
    description            TEXT NOT NULL DEFAULT '',
    status                 TEXT COLLATE "C" NOT NULL,
    archived_from          TEXT NOT NULL DEFAULT '',
    tier_id                TEXT COLLATE "C" REFERENCES tiers (id),
    phase_id               TEXT COLLATE "C" REFERENCES phases (id),
    owner_id               TEXT COLLATE "C" REFERENCES users (id),
    manager_id             TEXT COLLATE "C" REFERENCES users (id),
    champion_contact_id    TEXT COLLATE "C",
    primary_contact_id     TEXT COLLATE "C",
    experience_template_id TEXT COLLATE "C" REFERENCES experience_templates (id),
    portal_access          TEXT NOT NULL DEFAULT '',
    categories             TEXT NOT NULL DEFAULT 'null',
    external_id            TEXT COLLATE "C",
    external_id_type       TEXT NOT NULL DEFAULT '',
    external_company_id    TEXT NOT NULL DEFAULT '',
    partner_crm_properties TEXT NOT NULL DEFAULT 'null',
    company_crm_properties TEXT NOT NULL DEFAULT 'null',
    custom_properties      TEXT NOT NULL DEFAULT 'null',
    last_activity_at       BIGINT,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    version                BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_partners_domain ON partners (domain);
CREATE UNIQUE INDEX ux_partners_external_id ON partners (external_id);
-- One index per list filter, each ending in id so the keyset page is a range scan.
CREATE INDEX ix_partners_status ON partners (status, id);
CREATE INDEX ix_partners_tier ON partners (tier_id, id);
CREATE INDEX ix_partners_phase ON partners (phase_id, id);
CREATE INDEX ix_partners_owner ON partners (owner_id, id);
CREATE INDEX ix_partners_manager ON partners (manager_id, id);
CREATE INDEX ix_partners_experience_template ON partners (experience_template_id);

-- partner_categories mirrors partners.categories so the category filter is an
-- index range (category, partner_id) instead of a scan of JSON text.
CREATE TABLE partner_categories (
    category   TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    PRIMARY KEY (category, partner_id)
);
CREATE INDEX ix_partner_categories_partner ON partner_categories (partner_id);

CREATE TABLE api_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT COLLATE "C" NOT NULL,
    scopes       TEXT NOT NULL DEFAULT 'null',
    created_by   TEXT COLLATE "C" REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX ux_api_keys_hash ON api_keys (hash);
CREATE INDEX ix_api_keys_created ON api_keys (created_at DESC, id DESC);
CREATE INDEX ix_api_keys_created_by ON api_keys (created_by);

CREATE TABLE audit_events (
    id          TEXT COLLATE "C" PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT COLLATE "C",
    actor_label TEXT NOT NULL DEFAULT '',
    partner_id  TEXT COLLATE "C",
    action      TEXT COLLATE "C" NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT '',
    changes     TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX ix_audit_events_partner ON audit_events (partner_id, id);
CREATE INDEX ix_audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX ix_audit_events_action ON audit_events (action, id);

CREATE TABLE idempotency_keys (
    key_id       TEXT COLLATE "C" NOT NULL,
    idem_key     TEXT COLLATE "C" NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         BYTEA,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (key_id, idem_key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_events;
DROP TABLE api_keys;
DROP TABLE partner_categories;
DROP TABLE partners;
DROP TABLE experience_templates;
DROP TABLE phases;
DROP TABLE tiers;
DROP TABLE users;
