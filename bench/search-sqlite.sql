-- The statements the generated app (every skill) issues on SQLite for one page
-- of a catalogue search, `GET /api/products?search=ca+phe&page=…&pageSize=20`,
-- as logged by sqlx, in the same order: the session, the exact SKU or barcode
-- match tried first, the page, the count. Values the app binds are literals
-- here, but for the page's offset. Read by `bench/ceiling`; `bench/run` puts in
-- @token@.
\set offset random(0, 980)
SELECT s.id, s.user_id, s.pending_second_factor, s.last_seen_at, u.email, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = '@token@' AND s.expires_at > '2026-11-27T10:00:00.000Z' AND s.last_seen_at > '2026-11-27T00:00:00.000Z' AND u.active = 1;
SELECT COUNT(*) FROM products p WHERE p.active = 1 AND p.id IN (SELECT product_id FROM product_variants WHERE sku = 'ca phe' OR barcode = 'ca phe');
SELECT p.id, p.name, v.sku, v.barcode, v.price, v.cost_price, p.tax_rate, p.category_id, p.description, p.active, v.low_stock_threshold, v.id AS default_variant_id, p.created_at, p.updated_at, (SELECT CAST(COALESCE(SUM(s.on_hand), 0) AS BIGINT) FROM stock_levels s JOIN product_variants sv ON sv.id = s.variant_id WHERE sv.product_id = p.id) AS stock FROM products p JOIN product_variants v ON v.product_id = p.id AND v.is_default = 1 WHERE p.id IN (SELECT p.id FROM products p WHERE p.active = 1 AND p.id IN (SELECT rowid FROM products_search WHERE products_search MATCH '"ca phe"') ORDER BY p.name, p.id LIMIT 20 OFFSET :offset) ORDER BY p.name, p.id;
SELECT COUNT(*) FROM products p WHERE p.active = 1 AND p.id IN (SELECT rowid FROM products_search WHERE products_search MATCH '"ca phe"');
