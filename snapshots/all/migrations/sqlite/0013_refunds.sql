-- Refunds: money given back for a paid sale, in full or by line, and the
-- goods that came back with it.

CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    order_id        BIGINT NOT NULL REFERENCES orders (id),
    -- Human-readable, derived from the id: RF000007. Set in the transaction
    -- that inserts the refund.
    number          TEXT UNIQUE,
    -- pending while a gateway is asked to give money back; completed once all
    -- of it went back; failed when a gateway refused and nothing moved.
    status          TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
    -- Whole đồng given back, the sum of the lines' amounts (zero for goods
    -- that were given away).
    amount          BIGINT NOT NULL CHECK (amount >= 0),
    -- 1 when the returned goods went back on the shelf (stock movements
    -- pointing at the order were written when the refund completed).
    restock         INTEGER NOT NULL CHECK (restock IN (0, 1)),
    reason          TEXT NOT NULL DEFAULT '',
    actor           TEXT,
    -- A retried request with the same key returns this refund.
    idempotency_key TEXT UNIQUE,
    -- Why a gateway refused, for a failed refund.
    detail          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    completed_at    TEXT
);
CREATE INDEX refunds_order_idx ON refunds (order_id);
CREATE INDEX refunds_created_at_idx ON refunds (created_at);

-- What came back: part or all of an order line.
CREATE TABLE refund_lines (
    id            INTEGER PRIMARY KEY,
    refund_id     BIGINT NOT NULL REFERENCES refunds (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    -- This quantity's share of the line's total, whole đồng.
    amount        BIGINT NOT NULL CHECK (amount >= 0)
);
CREATE INDEX refund_lines_refund_idx ON refund_lines (refund_id);
CREATE INDEX refund_lines_order_line_idx ON refund_lines (order_line_id);

-- How the money went back for each payment of the order: through the
-- gateway that took it, or in cash from the drawer.
CREATE TABLE refund_payments (
    id           INTEGER PRIMARY KEY,
    refund_id    BIGINT NOT NULL REFERENCES refunds (id),
    -- The order payment this gives money back from.
    payment_id   BIGINT NOT NULL REFERENCES payments (id),
    -- cash, or the gateway giving it back: vnpay, momo or stripe.
    method       TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    -- pending, succeeded or failed.
    status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    -- The gateway's id for the refund, when it gives one.
    provider_ref TEXT,
    detail       TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX refund_payments_refund_idx ON refund_payments (refund_id);
CREATE INDEX refund_payments_payment_idx ON refund_payments (payment_id);
CREATE INDEX refund_payments_method_time_idx ON refund_payments (method, created_at);
