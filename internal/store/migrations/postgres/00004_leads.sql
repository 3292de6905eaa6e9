-- Lead distribution: leads, routing rules and their counters, partners'
-- delivery settings, deliveries and their attempts, the vendor's event
-- subscriptions, and bulk imports (the stored upload and its row errors).
-- The same tables as migrations/sqlite/00004_leads.sql; keep the two in step.
-- Keys, statuses and sorted text use COLLATE "C", as in 00001, so ordering
-- and keyset comparisons are bytewise as on SQLite.

-- +goose Up
CREATE TABLE leads (
    id             TEXT COLLATE "C" PRIMARY KEY,
    external_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    first_name     TEXT NOT NULL DEFAULT '',
    last_name      TEXT NOT NULL DEFAULT '',
    email          TEXT COLLATE "C" NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL DEFAULT '',
    company        TEXT NOT NULL DEFAULT '',
    -- company_lower and search are lowercased in Go, as partners.name_lower
    -- is; search is name, e-mail and company, for the list's text filter.
    company_lower  TEXT COLLATE "C" NOT NULL DEFAULT '',
    company_domain TEXT NOT NULL DEFAULT '',
    country        TEXT COLLATE "C" NOT NULL DEFAULT '',
    region         TEXT NOT NULL DEFAULT '',
    source         TEXT COLLATE "C" NOT NULL DEFAULT '',
    message        TEXT NOT NULL DEFAULT '',
    custom         TEXT NOT NULL DEFAULT '{}',
    search         TEXT COLLATE "C" NOT NULL DEFAULT '',
    partner_id     TEXT COLLATE "C" REFERENCES partners (id),
    status         TEXT COLLATE "C" NOT NULL,
    status_reason  TEXT NOT NULL DEFAULT '',
    routing        TEXT,
    import_id      TEXT COLLATE "C",
    received_at    BIGINT NOT NULL,
    assigned_at    BIGINT,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL
);
-- Every list is one range of one of these, read in page order: a partner's
-- leads (unassigned ones are the NULL range) newest or oldest first, by
-- status, by company; and across partners by status or company.
CREATE INDEX ix_leads_partner ON leads (partner_id, id);
CREATE INDEX ix_leads_partner_status ON leads (partner_id, status, id);
CREATE INDEX ix_leads_partner_company ON leads (partner_id, company_lower, id);
CREATE INDEX ix_leads_status ON leads (status, id);
CREATE INDEX ix_leads_company ON leads (company_lower, id);
-- The unassigned queue has its own: PostgreSQL does not take "partner_id IS
-- NULL" as fixing partner_id, so it cannot read the NULL range of the
-- indexes above in id order. Partial, so assigned leads cost nothing here.
CREATE INDEX ix_leads_unassigned ON leads (id) WHERE partner_id IS NULL;
CREATE INDEX ix_leads_unassigned_status ON leads (status, id) WHERE partner_id IS NULL;
CREATE INDEX ix_leads_unassigned_company ON leads (company_lower, id) WHERE partner_id IS NULL;

-- What each partner received per UTC day ("2026-11-21") and month
-- ("2026-11"), for the routing caps.
CREATE TABLE lead_counts (
    partner_id TEXT COLLATE "C" NOT NULL,
    period     TEXT COLLATE "C" NOT NULL,
    n          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (partner_id, period)
);

CREATE TABLE routing_rules (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    priority    INTEGER NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    conditions  TEXT NOT NULL DEFAULT '{}',
    mode        TEXT COLLATE "C" NOT NULL,
    partner_id  TEXT COLLATE "C" REFERENCES partners (id),
    weights     TEXT NOT NULL DEFAULT 'null',
    daily_cap   INTEGER NOT NULL DEFAULT 0,
    monthly_cap INTEGER NOT NULL DEFAULT 0,
    cursor      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);
CREATE INDEX ix_routing_rules_order ON routing_rules (priority, id);

-- How many leads each rule gave each partner (weighted rules share by it).
CREATE TABLE rule_counts (
    rule_id    TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    n          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (rule_id, partner_id)
);

CREATE TABLE delivery_settings (
    partner_id         TEXT COLLATE "C" PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
    webhook_url        TEXT NOT NULL DEFAULT '',
    webhook_secret     TEXT NOT NULL DEFAULT '',
    webhook_on         BOOLEAN NOT NULL DEFAULT FALSE,
    webhook_off_reason TEXT NOT NULL DEFAULT '',
    email_to           TEXT NOT NULL DEFAULT 'null',
    email_on           BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL
);

CREATE TABLE deliveries (
    id               TEXT COLLATE "C" PRIMARY KEY,
    event            TEXT COLLATE "C" NOT NULL,
    channel          TEXT COLLATE "C" NOT NULL,
    partner_id       TEXT COLLATE "C" REFERENCES partners (id),
    lead_id          TEXT COLLATE "C" REFERENCES leads (id),
    -- No reference: a deleted subscription's deliveries stay in the log.
    subscription_id  TEXT COLLATE "C",
    target           TEXT NOT NULL DEFAULT '',
    payload          BYTEA,
    status           TEXT COLLATE "C" NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX ix_deliveries_partner ON deliveries (partner_id, id);
CREATE INDEX ix_deliveries_lead ON deliveries (lead_id, id);
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id);
CREATE INDEX ix_deliveries_status ON deliveries (status, id);

CREATE TABLE delivery_attempts (
    id          TEXT COLLATE "C" PRIMARY KEY,
    delivery_id TEXT COLLATE "C" NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    status_code INTEGER NOT NULL DEFAULT 0,
    response    TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    ok          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

CREATE TABLE subscriptions (
    id          TEXT COLLATE "C" PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL DEFAULT 'null',
    description TEXT NOT NULL DEFAULT '',
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    off_reason  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

CREATE TABLE lead_imports (
    id          TEXT COLLATE "C" PRIMARY KEY,
    format      TEXT NOT NULL,
    filename    TEXT NOT NULL DEFAULT '',
    status      TEXT COLLATE "C" NOT NULL,
    bytes       BIGINT NOT NULL DEFAULT 0,
    chunks      INTEGER NOT NULL DEFAULT 0,
    bytes_done  BIGINT NOT NULL DEFAULT 0,
    rows_done   BIGINT NOT NULL DEFAULT 0,
    rows_ok     BIGINT NOT NULL DEFAULT 0,
    rows_failed BIGINT NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    actor_kind  TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT,
    updated_at  BIGINT NOT NULL
);

-- The upload, in chunks of ally.ImportChunkSize bytes.
CREATE TABLE import_chunks (
    import_id TEXT COLLATE "C" NOT NULL REFERENCES lead_imports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BYTEA NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE import_errors (
    import_id TEXT COLLATE "C" NOT NULL REFERENCES lead_imports (id) ON DELETE CASCADE,
    line      BIGINT NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- +goose Down
DROP TABLE import_errors;
DROP TABLE import_chunks;
DROP TABLE lead_imports;
DROP TABLE subscriptions;
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE delivery_settings;
DROP TABLE rule_counts;
DROP TABLE routing_rules;
DROP TABLE lead_counts;
DROP TABLE leads;
