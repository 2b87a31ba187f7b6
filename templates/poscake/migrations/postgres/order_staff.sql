-- Who placed each order: the signed-in person's email or the API token's
-- name (NULL when the app has no sign-in), for sales by staff member.

ALTER TABLE orders ADD COLUMN created_by TEXT;
CREATE INDEX orders_created_by_idx ON orders (created_by, created_at);
