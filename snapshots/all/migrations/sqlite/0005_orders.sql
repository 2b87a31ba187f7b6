-- Orders, their lines and their payments. Lines keep a snapshot of what was
-- sold (name, SKU, price, tax rate) so later catalog edits never change a sale.

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    -- Human-readable, derived from the id: HD000123. Set in the transaction
    -- that inserts the order, so no committed order lacks one.
    number          TEXT UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'paid', 'completed', 'cancelled')),
    customer_id     BIGINT REFERENCES customers (id),
    warehouse_id    BIGINT NOT NULL REFERENCES warehouses (id),
    -- A retried checkout with the same key returns this order instead of a new one.
    idempotency_key TEXT UNIQUE,
    tax_inclusive   INTEGER NOT NULL CHECK (tax_inclusive IN (0, 1)),
    -- Sum of unit price × quantity over the lines, before any discount.
    subtotal        BIGINT NOT NULL,
    -- The order-level discount asked for; `discount` also counts line discounts.
    order_discount  BIGINT NOT NULL DEFAULT 0,
    discount        BIGINT NOT NULL,
    tax             BIGINT NOT NULL,
    total           BIGINT NOT NULL,
    paid            BIGINT NOT NULL DEFAULT 0,
    change_given    BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    paid_at         TEXT,
    completed_at    TEXT,
    cancelled_at    TEXT,
    CHECK (paid BETWEEN 0 AND total)
);
CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX orders_status_created_at_idx ON orders (status, created_at);
CREATE INDEX orders_customer_id_idx ON orders (customer_id, created_at);

CREATE TABLE order_lines (
    id             INTEGER PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    product_id     BIGINT NOT NULL REFERENCES products (id),
    variant_id     BIGINT NOT NULL REFERENCES product_variants (id),
    name           TEXT NOT NULL,
    variant_name   TEXT NOT NULL,
    sku            TEXT NOT NULL,
    unit_price     BIGINT NOT NULL,
    quantity       BIGINT NOT NULL CHECK (quantity > 0),
    tax_rate       INTEGER NOT NULL,
    -- The line's own discount, and its share of the order discount.
    line_discount  BIGINT NOT NULL,
    order_discount BIGINT NOT NULL,
    tax            BIGINT NOT NULL,
    total          BIGINT NOT NULL
);
CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);
CREATE INDEX order_lines_product_id_idx ON order_lines (product_id);
CREATE INDEX order_lines_variant_id_idx ON order_lines (variant_id);

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES orders (id),
    method       TEXT NOT NULL,
    -- What this payment put towards the order; for cash, the tendered amount
    -- less the change handed back.
    amount       BIGINT NOT NULL CHECK (amount >= 0),
    tendered     BIGINT NOT NULL,
    change_given BIGINT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX payments_order_id_idx ON payments (order_id);

-- Stock movements caused by an order point back at it.
ALTER TABLE stock_movements ADD COLUMN order_id BIGINT REFERENCES orders (id);
CREATE INDEX stock_movements_order_id_idx ON stock_movements (order_id);
