-- Lead distribution: leads, routing rules and their counters, partners'
-- delivery settings, deliveries and their attempts, the vendor's event
-- subscriptions, and bulk imports (the stored upload and its row errors).
-- Keep in step with migrations/postgres/00004_leads.sql.

-- +goose Up
CREATE TABLE leads (
    id             TEXT PRIMARY KEY,
    external_id    TEXT NOT NULL DEFAULT '',
    first_name     TEXT NOT NULL DEFAULT '',
    last_name      TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL DEFAULT '',
    company        TEXT NOT NULL DEFAULT '',
    -- company_lower and search are lowercased in Go, as partners.name_lower
    -- is; search is name, e-mail and company, for the list's text filter.
    company_lower  TEXT NOT NULL DEFAULT '',
    company_domain TEXT NOT NULL DEFAULT '',
    country        TEXT NOT NULL DEFAULT '',
    region         TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    message        TEXT NOT NULL DEFAULT '',
    custom         TEXT NOT NULL DEFAULT '{}',
    search         TEXT NOT NULL DEFAULT '',
    partner_id     TEXT REFERENCES partners (id),
    status         TEXT NOT NULL,
    status_reason  TEXT NOT NULL DEFAULT '',
    routing        TEXT,
    import_id      TEXT,
    received_at    INTEGER NOT NULL,
    assigned_at    INTEGER,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL
) STRICT;
-- Every list is one range of one of these, read in page order: a partner's
-- leads (unassigned ones are the NULL range) newest or oldest first, by
-- status, by company; and across partners by status or company.
CREATE INDEX ix_leads_partner ON leads (partner_id, id);
CREATE INDEX ix_leads_partner_status ON leads (partner_id, status, id);
CREATE INDEX ix_leads_partner_company ON leads (partner_id, company_lower, id);
CREATE INDEX ix_leads_status ON leads (status, id);
CREATE INDEX ix_leads_company ON leads (company_lower, id);
-- (PostgreSQL has partial indexes for the unassigned queue besides; SQLite
-- reads the NULL range of the partner indexes in order, as the queue needs.)

-- What each partner received per UTC day ("2026-11-21") and month
-- ("2026-11"), for the routing caps.
CREATE TABLE lead_counts (
    partner_id TEXT NOT NULL,
    period     TEXT NOT NULL,
    n          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (partner_id, period)
) STRICT, WITHOUT ROWID;

CREATE TABLE routing_rules (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    priority    INTEGER NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    conditions  TEXT NOT NULL DEFAULT '{}',
    mode        TEXT NOT NULL,
    partner_id  TEXT REFERENCES partners (id),
    weights     TEXT NOT NULL DEFAULT 'null',
    daily_cap   INTEGER NOT NULL DEFAULT 0,
    monthly_cap INTEGER NOT NULL DEFAULT 0,
    cursor      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_routing_rules_order ON routing_rules (priority, id);

-- How many leads each rule gave each partner (weighted rules share by it).
CREATE TABLE rule_counts (
    rule_id    TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    n          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (rule_id, partner_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE delivery_settings (
    partner_id         TEXT PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
    webhook_url        TEXT NOT NULL DEFAULT '',
    webhook_secret     TEXT NOT NULL DEFAULT '',
    webhook_on         INTEGER NOT NULL DEFAULT 0,
    webhook_off_reason TEXT NOT NULL DEFAULT '',
    email_to           TEXT NOT NULL DEFAULT 'null',
    email_on           INTEGER NOT NULL DEFAULT 0,
    updated_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE deliveries (
    id               TEXT PRIMARY KEY,
    event            TEXT NOT NULL,
    channel          TEXT NOT NULL,
    partner_id       TEXT REFERENCES partners (id),
    lead_id          TEXT REFERENCES leads (id),
    -- No reference: a deleted subscription's deliveries stay in the log.
    subscription_id  TEXT,
    target           TEXT NOT NULL DEFAULT '',
    payload          BLOB,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    delivered_at     INTEGER
) STRICT;
CREATE INDEX ix_deliveries_partner ON deliveries (partner_id, id);
CREATE INDEX ix_deliveries_lead ON deliveries (lead_id, id);
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id);
CREATE INDEX ix_deliveries_status ON deliveries (status, id);

CREATE TABLE delivery_attempts (
    id          TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    status_code INTEGER NOT NULL DEFAULT 0,
    response    TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0,
    ok          INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX ix_delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

CREATE TABLE subscriptions (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL DEFAULT 'null',
    description TEXT NOT NULL DEFAULT '',
    enabled     INTEGER NOT NULL DEFAULT 1,
    off_reason  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
) STRICT;

CREATE TABLE lead_imports (
    id          TEXT PRIMARY KEY,
    format      TEXT NOT NULL,
    filename    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    bytes       INTEGER NOT NULL DEFAULT 0,
    chunks      INTEGER NOT NULL DEFAULT 0,
    bytes_done  INTEGER NOT NULL DEFAULT 0,
    rows_done   INTEGER NOT NULL DEFAULT 0,
    rows_ok     INTEGER NOT NULL DEFAULT 0,
    rows_failed INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    actor_kind  TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER,
    updated_at  INTEGER NOT NULL
) STRICT;

-- The upload, in chunks of ally.ImportChunkSize bytes (a rowid table:
-- rows this large do not belong in a WITHOUT ROWID b-tree).
CREATE TABLE import_chunks (
    import_id TEXT NOT NULL REFERENCES lead_imports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (import_id, seq)
) STRICT;

CREATE TABLE import_errors (
    import_id TEXT NOT NULL REFERENCES lead_imports (id) ON DELETE CASCADE,
    line      INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
) STRICT, WITHOUT ROWID;

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
