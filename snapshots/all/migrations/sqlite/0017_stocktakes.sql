-- Stock counts: a warehouse (or one category in it) counted while the till
-- may still sell, then approved and applied as ADJUSTMENT movements.

CREATE TABLE stocktakes (
    id                     INTEGER PRIMARY KEY,
    warehouse_id           BIGINT NOT NULL REFERENCES warehouses (id),
    -- Only products of this category and the ones under it are counted.
    category_id            BIGINT REFERENCES categories (id),
    status                 TEXT NOT NULL DEFAULT 'COUNTING'
                           CHECK (status IN ('COUNTING', 'SUBMITTED', 'APPLIED', 'CANCELLED')),
    note                   TEXT NOT NULL DEFAULT '',
    started_by             TEXT,
    started_at             TEXT NOT NULL,
    submitted_by           TEXT,
    submitted_at           TEXT,
    applied_by             TEXT,
    applied_at             TEXT,
    cancelled_by           TEXT,
    cancelled_at           TEXT,
    -- Moved by every count entered and every change of status.
    updated_at             TEXT NOT NULL,
    -- The Pancake POS stocktaking (a UUID) this count was sent as, once sent.
    pancake_stocktaking_id TEXT UNIQUE
);
-- One open count per warehouse: two counts of the same shelves would each
-- post their variance against the same books and correct stock twice.
CREATE UNIQUE INDEX stocktakes_one_open_key ON stocktakes (warehouse_id)
    WHERE status IN ('COUNTING', 'SUBMITTED');
CREATE INDEX stocktakes_status_idx ON stocktakes (status);

-- One counted variant. `expected` is on hand in the warehouse when the count
-- was last entered, so sales made afterwards are not counted twice: applying
-- posts exactly counted - expected.
CREATE TABLE stocktake_lines (
    id           INTEGER PRIMARY KEY,
    stocktake_id BIGINT NOT NULL REFERENCES stocktakes (id),
    variant_id   BIGINT NOT NULL REFERENCES product_variants (id),
    counted      BIGINT NOT NULL CHECK (counted >= 0),
    expected     BIGINT NOT NULL,
    counted_by   TEXT,
    counted_at   TEXT NOT NULL,
    -- The ADJUSTMENT that applied the variance; none while unapplied or when
    -- the count matched. Not declared a foreign key here: adding many
    -- warehouses rebuilds stock_movements (SQLite cannot alter its CHECK),
    -- and a reference to it would make that rebuild fail once counts exist.
    movement_id  BIGINT,
    UNIQUE (stocktake_id, variant_id)
);
