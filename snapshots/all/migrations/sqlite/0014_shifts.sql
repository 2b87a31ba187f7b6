-- Cash shifts: the drawer from its opening float to its closing count, the
-- cash put in or taken out on the way, and the Z-report fixed at the close.

-- One shift of the till's single cash drawer. Sales and refunds belong to it
-- by time: those made from opened_at until closed_at.
CREATE TABLE cash_shifts (
    id            INTEGER PRIMARY KEY,
    -- Whole đồng in the drawer at the start.
    opening_float BIGINT NOT NULL CHECK (opening_float >= 0),
    opening_note  TEXT NOT NULL DEFAULT '',
    opened_by     TEXT,
    opened_at     TEXT NOT NULL,
    -- The cash counted at the close. Kept while the shift waits for a
    -- manager's approval because it differs from the expected by too much.
    counted       BIGINT CHECK (counted >= 0),
    counted_by    TEXT,
    counted_at    TEXT,
    closing_note  TEXT NOT NULL DEFAULT '',
    closed_by     TEXT,
    -- The manager who accepted a difference above the limit, and why.
    approved_by   TEXT,
    approval_note TEXT NOT NULL DEFAULT '',
    closed_at     TEXT,
    -- The Z-report, stored at the close so later changes cannot alter it;
    -- NULL while the shift is open.
    cash_taken    BIGINT,
    change_given  BIGINT,
    cash_refunds  BIGINT,
    cash_in       BIGINT,
    cash_out      BIGINT,
    expected      BIGINT,
    difference    BIGINT,
    updated_at    TEXT NOT NULL
);
-- One drawer, so at most one shift is open at a time.
CREATE UNIQUE INDEX cash_shifts_one_open_idx ON cash_shifts ((1)) WHERE closed_at IS NULL;
CREATE INDEX cash_shifts_opened_at_idx ON cash_shifts (opened_at);

-- Cash put into or taken out of the drawer other than by a sale or refund:
-- change brought from the bank, a supplier paid from the till.
CREATE TABLE cash_movements (
    id         INTEGER PRIMARY KEY,
    shift_id   BIGINT NOT NULL REFERENCES cash_shifts (id),
    kind       TEXT NOT NULL CHECK (kind IN ('in', 'out')),
    amount     BIGINT NOT NULL CHECK (amount > 0),
    reason     TEXT NOT NULL,
    actor      TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX cash_movements_shift_idx ON cash_movements (shift_id);

-- A closed shift's takings per payment method, for its Z-report.
CREATE TABLE cash_shift_method_totals (
    shift_id BIGINT NOT NULL REFERENCES cash_shifts (id),
    method   TEXT NOT NULL,
    -- Whole đồng the method put towards orders (cash less change).
    paid     BIGINT NOT NULL,
    -- Whole đồng given back through it by succeeded refunds.
    refunded BIGINT NOT NULL,
    PRIMARY KEY (shift_id, method)
);

-- A shift's Z-report sums the payments made in its time window (the reports
-- skill may have made the same index first).
CREATE INDEX IF NOT EXISTS payments_created_at_idx ON payments (created_at);
