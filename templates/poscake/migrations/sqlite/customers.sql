-- Customers the shop knows by phone number.

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The name folded by the app, as for products.
    search_name TEXT NOT NULL,
    -- Digits only, national form (0912345678), so one person has one record.
    phone       TEXT NOT NULL UNIQUE,
    email       TEXT,
    address     TEXT NOT NULL DEFAULT '',
    points      BIGINT NOT NULL DEFAULT 0,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX customers_search_name_idx ON customers (search_name);
