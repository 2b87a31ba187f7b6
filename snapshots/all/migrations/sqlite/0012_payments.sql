-- Payments through gateways (bank transfer by VietQR, VNPay, MoMo, Stripe)
-- and every notification the gateways sent about them.

-- One attempt to take money for an order through a gateway.
CREATE TABLE gateway_payments (
    id            INTEGER PRIMARY KEY,
    order_id      BIGINT NOT NULL REFERENCES orders (id),
    -- vietqr, vnpay, momo or stripe.
    provider      TEXT NOT NULL,
    -- Our code for the attempt, e.g. PC000042: in the bank transfer's
    -- content, VNPay's vnp_TxnRef, MoMo's orderId, Stripe's metadata. Set in
    -- the transaction that inserts the row.
    reference     TEXT UNIQUE,
    -- Whole đồng.
    amount        BIGINT NOT NULL CHECK (amount > 0),
    currency      TEXT NOT NULL DEFAULT 'VND',
    -- pending, succeeded, failed or cancelled.
    status        TEXT NOT NULL,
    -- The gateway's id for the attempt, when it gives one (a PaymentIntent id).
    provider_ref  TEXT,
    -- The order payment this attempt became once it succeeded.
    payment_id    BIGINT REFERENCES payments (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    settled_at    TEXT
);
CREATE INDEX gateway_payments_order_idx ON gateway_payments (order_id);

-- Every notification, once: the unique key makes a replay change nothing.
CREATE TABLE payment_notifications (
    id                 INTEGER PRIMARY KEY,
    provider           TEXT NOT NULL,
    -- The gateway's own id for the money movement (SePay's id, VNPay's
    -- TransactionNo, MoMo's transId, Stripe's event id).
    provider_txn_id    TEXT NOT NULL,
    gateway_payment_id BIGINT REFERENCES gateway_payments (id),
    amount             BIGINT,
    -- applied, mismatch, unmatched, not_payable, failed or ignored.
    outcome            TEXT NOT NULL,
    -- 1 when a manager must look: money that matches no order, or the wrong amount.
    flagged            INTEGER NOT NULL DEFAULT 0,
    detail             TEXT NOT NULL DEFAULT '',
    payload            TEXT NOT NULL,
    received_at        TEXT NOT NULL,
    UNIQUE (provider, provider_txn_id)
);
CREATE INDEX payment_notifications_flagged_idx ON payment_notifications (flagged, received_at);
