-- Webhooks: what Pancake sent (each record once), the endpoints the app
-- tells about its own events, and one delivery per event and endpoint (the
-- outbox the worker sends from).

-- Every record Pancake delivered, applied at most once: the row is written in
-- the transaction that applies the record, so a replay finds it and changes
-- nothing. A failed record may be applied again when Pancake sends it again.
CREATE TABLE pancake_webhook_events (
    id          INTEGER PRIMARY KEY,
    -- Kind, record id and version (its updated_at, or a SHA-256 of the record).
    dedup_key   TEXT NOT NULL UNIQUE,
    -- orders, customers, products, variations_warehouses or unknown.
    kind        TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    received_at TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('applied', 'ignored', 'failed')),
    -- What was done, or why not.
    detail      TEXT NOT NULL DEFAULT ''
);

-- Which local SKU a Pancake variation has, learnt from product webhooks, so
-- a stock webhook (which names only the variation) finds its variant.
CREATE TABLE pancake_webhook_variations (
    variation_id TEXT PRIMARY KEY,
    sku          TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE webhook_endpoints (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    -- The HMAC key deliveries are signed with; shown once when created.
    secret      TEXT NOT NULL,
    -- '*' for every event, or event names separated by commas.
    events      TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    endpoint_id     BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    -- The same for every endpoint told about one occurrence.
    event_id        TEXT NOT NULL,
    -- The JSON body sent, byte for byte what is signed.
    payload         TEXT NOT NULL,
    -- pending → sending → delivered; a failed try goes back to pending with a
    -- later next_attempt_at, or after the last try to dead.
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'delivered', 'dead')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    -- Unix seconds: when it is due (pending) or when a claim lapses (sending).
    next_attempt_at BIGINT NOT NULL,
    response_status BIGINT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_status_idx ON webhook_deliveries (status, id);
