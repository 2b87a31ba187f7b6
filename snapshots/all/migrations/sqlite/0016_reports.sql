-- The indexes the reports' range scans use. IF NOT EXISTS because another
-- skill may have made the same one first.
CREATE INDEX IF NOT EXISTS orders_paid_at_idx ON orders (paid_at);
CREATE INDEX IF NOT EXISTS payments_created_at_idx ON payments (created_at);
