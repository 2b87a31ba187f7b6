-- Stock: places that hold it, the quantity on hand in each, and the ledger of
-- every change. On hand always equals the sum of the movements; the app writes
-- both in one transaction.

CREATE TABLE warehouses (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX warehouses_one_default_key ON warehouses (is_default) WHERE is_default = 1;

-- Sales and adjustments that name no warehouse use this one.
INSERT INTO warehouses (code, name, is_default, created_at)
VALUES ('MAIN', 'Cửa hàng', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE stock_levels (
    id           INTEGER PRIMARY KEY,
    variant_id   BIGINT NOT NULL REFERENCES product_variants (id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
    on_hand      BIGINT NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL,
    UNIQUE (variant_id, warehouse_id)
);
CREATE INDEX stock_levels_warehouse_id_idx ON stock_levels (warehouse_id);

-- Append-only: a mistake is corrected by a new movement, never by an edit.
-- The reference to an order is added with the orders table (0005).
CREATE TABLE stock_movements (
    id           INTEGER PRIMARY KEY,
    variant_id   BIGINT NOT NULL REFERENCES product_variants (id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
    -- Signed change to on hand: negative for sales, positive for receipts.
    quantity     BIGINT NOT NULL CHECK (quantity <> 0),
    kind         TEXT NOT NULL
                 CHECK (kind IN ('SALE', 'CANCEL_RESTOCK', 'ADJUSTMENT', 'RECEIPT')),
    reason       TEXT NOT NULL DEFAULT '',
    -- Who made the change, once there are users to name.
    actor        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX stock_movements_variant_time_idx ON stock_movements (variant_id, created_at);
CREATE INDEX stock_movements_created_at_idx ON stock_movements (created_at);

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
