-- Orders shared with Pancake POS. A Pancake order id is a sequence per shop,
-- so every Pancake order is named by its shop and its id together.

-- Sales pushed to Pancake: one row per local order, written as soon as
-- Pancake answers with the new order's id, so a sale is never pushed twice.
CREATE TABLE pancake_order_links (
    id               INTEGER PRIMARY KEY,
    order_id         BIGINT NOT NULL UNIQUE REFERENCES orders (id),
    shop_id          BIGINT NOT NULL,
    pancake_order_id BIGINT NOT NULL,
    -- The number Pancake shows people, when its answer carried one.
    system_id        BIGINT,
    pushed_at        TEXT NOT NULL,
    UNIQUE (shop_id, pancake_order_id)
);

-- Pancake orders pulled for reporting, as Pancake last described them.
CREATE TABLE pancake_orders (
    id          INTEGER PRIMARY KEY,
    shop_id     BIGINT NOT NULL,
    pancake_id  BIGINT NOT NULL,
    system_id   BIGINT,
    -- Pancake's status code; codes it has not documented are kept as they come.
    status      BIGINT NOT NULL,
    status_name TEXT,
    -- total_price in the shop's minor unit (whole đồng).
    total       BIGINT,
    -- Pancake's own timestamps, unchanged: naive UTC text.
    inserted_at TEXT,
    updated_at  TEXT,
    -- The whole order as JSON, for fields the columns above do not hold.
    raw         TEXT NOT NULL,
    pulled_at   TEXT NOT NULL,
    UNIQUE (shop_id, pancake_id)
);
CREATE INDEX pancake_orders_updated_at_idx ON pancake_orders (shop_id, updated_at);
CREATE INDEX pancake_orders_status_idx ON pancake_orders (shop_id, status);
