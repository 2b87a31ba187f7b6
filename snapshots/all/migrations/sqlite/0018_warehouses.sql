-- Many warehouses: each with its address and whether it is in use, the
-- Pancake warehouse it mirrors, and transfers between them as paired stock
-- movements.

ALTER TABLE warehouses ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE warehouses ADD COLUMN phone TEXT NOT NULL DEFAULT '';
-- A warehouse no longer in use keeps its history but takes no new stock.
ALTER TABLE warehouses ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
-- The Pancake POS warehouse (a UUID) whose stock this one mirrors.
ALTER TABLE warehouses ADD COLUMN pancake_warehouse_id TEXT;
CREATE UNIQUE INDEX warehouses_pancake_warehouse_id_key ON warehouses (pancake_warehouse_id);

-- A move of stock from one warehouse to another, done at once: the lines'
-- movements leave one and enter the other in the same transaction.
CREATE TABLE stock_transfers (
    id                INTEGER PRIMARY KEY,
    from_warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
    to_warehouse_id   BIGINT NOT NULL REFERENCES warehouses (id),
    note              TEXT NOT NULL DEFAULT '',
    actor             TEXT,
    created_at        TEXT NOT NULL,
    CHECK (from_warehouse_id <> to_warehouse_id)
);
CREATE INDEX stock_transfers_created_at_idx ON stock_transfers (created_at);

-- SQLite cannot change a CHECK constraint in place, so the ledger is rebuilt
-- with the two transfer kinds; its rows are copied unchanged.
DROP TRIGGER stock_movements_no_update;
DROP TRIGGER stock_movements_no_delete;

CREATE TABLE stock_movements_new (
    id           INTEGER PRIMARY KEY,
    variant_id   BIGINT NOT NULL REFERENCES product_variants (id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
    quantity     BIGINT NOT NULL CHECK (quantity <> 0),
    kind         TEXT NOT NULL
                 CHECK (kind IN ('SALE', 'CANCEL_RESTOCK', 'ADJUSTMENT', 'RECEIPT',
                                 'TRANSFER_OUT', 'TRANSFER_IN')),
    reason       TEXT NOT NULL DEFAULT '',
    actor        TEXT,
    created_at   TEXT NOT NULL,
    order_id     BIGINT REFERENCES orders (id)
);
INSERT INTO stock_movements_new
    (id, variant_id, warehouse_id, quantity, kind, reason, actor, created_at, order_id)
SELECT id, variant_id, warehouse_id, quantity, kind, reason, actor, created_at, order_id
  FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_new RENAME TO stock_movements;

CREATE INDEX stock_movements_variant_time_idx ON stock_movements (variant_id, created_at);
CREATE INDEX stock_movements_created_at_idx ON stock_movements (created_at);
CREATE INDEX stock_movements_order_id_idx ON stock_movements (order_id);

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

-- One line of a transfer and the two movements that carry it: out of one
-- warehouse, into the other.
CREATE TABLE stock_transfer_lines (
    id              INTEGER PRIMARY KEY,
    transfer_id     BIGINT NOT NULL REFERENCES stock_transfers (id),
    variant_id      BIGINT NOT NULL REFERENCES product_variants (id),
    quantity        BIGINT NOT NULL CHECK (quantity > 0),
    out_movement_id BIGINT NOT NULL REFERENCES stock_movements (id),
    in_movement_id  BIGINT NOT NULL REFERENCES stock_movements (id),
    UNIQUE (transfer_id, variant_id)
);
