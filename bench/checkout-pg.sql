-- The statements the generated app (every skill) issues for one checkout on
-- PostgreSQL: a 3-line order paid in cash by `POST /api/orders`, as logged by
-- sqlx (`RUST_LOG=sqlx::query=debug`), in the same order. Values the app binds
-- are literals here; products are random, locked in id order as the app does.
-- The order is read back after the commit, as the app does.
-- Left out: the notification worker's fan-out of the "order paid" notice,
-- which runs afterwards in the background. `bench/run` puts in @token@, the
-- hash of its cashier's session.
\set x random(1, 100000)
\set y random(1, 100000)
\set z random(1, 100000)
\set a least(:x, :y, :z)
\set c greatest(:x, :y, :z)
\set b :x + :y + :z - :a - :c
\set qa random(1, 3)
\set qb random(1, 3)
\set qc random(1, 3)
\set sa 0 - :qa
\set sb 0 - :qb
\set sc 0 - :qc
SELECT s.id, s.user_id, s.pending_second_factor, s.last_seen_at, u.email, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = '@token@' AND s.expires_at > '2026-11-27T10:00:00.000Z' AND s.last_seen_at > '2026-11-27T00:00:00.000Z' AND u.active = 1;
BEGIN;
SELECT p.id AS product_id, v.id AS variant_id, p.name, v.name AS variant_name, v.sku, v.price, v.cost_price, p.tax_rate, p.active * v.active AS active, v.is_default FROM product_variants v JOIN products p ON p.id = v.product_id WHERE p.id IN (:a, :b, :c) AND (v.is_default = 1);
SELECT id FROM warehouses WHERE is_default = 1;
INSERT INTO orders (status, customer_id, warehouse_id, idempotency_key, tax_inclusive, subtotal, order_discount, discount, tax, total, created_by, created_at, updated_at) VALUES ('pending', NULL, 1, NULL, 1, 266000, 0, 0, 19703, 266000, 'bench@shop.vn', '2026-11-27T13:46:00.000Z', '2026-11-27T13:46:00.000Z') ON CONFLICT (idempotency_key) DO NOTHING RETURNING id AS order_id \gset
UPDATE orders SET number = 'HD' || :order_id WHERE id = :order_id;
INSERT INTO order_lines (order_id, product_id, variant_id, name, variant_name, sku, unit_price, unit_cost, quantity, tax_rate, line_discount, order_discount, tax, total) VALUES (:order_id, :a, :a, 'Gạo 20', '', 'SKU-20', 30000, 18000, :qa, 800, 0, 0, 2222, 30000), (:order_id, :b, :b, 'Gạo 40', '', 'SKU-40', 50000, 30000, :qb, 800, 0, 0, 3703, 50000), (:order_id, :c, :c, 'Gạo 60', '', 'SKU-60', 20000, 12000, :qc, 800, 0, 0, 1481, 20000);
UPDATE stock_levels SET on_hand = on_hand - :qa, updated_at = '2026-11-27T13:46:00.000Z' WHERE variant_id = :a AND warehouse_id = 1 AND on_hand >= :qa RETURNING CAST(on_hand + COALESCE((SELECT SUM(o.on_hand) FROM stock_levels o WHERE o.variant_id = :a AND o.warehouse_id <> 1), 0) AS BIGINT) AS on_hand, (SELECT low_stock_threshold FROM product_variants WHERE id = :a) AS threshold;
UPDATE stock_levels SET on_hand = on_hand - :qb, updated_at = '2026-11-27T13:46:00.000Z' WHERE variant_id = :b AND warehouse_id = 1 AND on_hand >= :qb RETURNING CAST(on_hand + COALESCE((SELECT SUM(o.on_hand) FROM stock_levels o WHERE o.variant_id = :b AND o.warehouse_id <> 1), 0) AS BIGINT) AS on_hand, (SELECT low_stock_threshold FROM product_variants WHERE id = :b) AS threshold;
UPDATE stock_levels SET on_hand = on_hand - :qc, updated_at = '2026-11-27T13:46:00.000Z' WHERE variant_id = :c AND warehouse_id = 1 AND on_hand >= :qc RETURNING CAST(on_hand + COALESCE((SELECT SUM(o.on_hand) FROM stock_levels o WHERE o.variant_id = :c AND o.warehouse_id <> 1), 0) AS BIGINT) AS on_hand, (SELECT low_stock_threshold FROM product_variants WHERE id = :c) AS threshold;
INSERT INTO stock_movements (variant_id, warehouse_id, quantity, kind, reason, order_id, actor, created_at) VALUES (:a, 1, :sa, 'SALE', 'Order HD' || :order_id, :order_id, 'bench@shop.vn', '2026-11-27T13:46:00.000Z'), (:b, 1, :sb, 'SALE', 'Order HD' || :order_id, :order_id, 'bench@shop.vn', '2026-11-27T13:46:00.000Z'), (:c, 1, :sc, 'SALE', 'Order HD' || :order_id, :order_id, 'bench@shop.vn', '2026-11-27T13:46:00.000Z') RETURNING id, variant_id, warehouse_id;
SELECT id, events FROM webhook_endpoints WHERE active = 1;
INSERT INTO payments (order_id, method, amount, tendered, change_given, created_at) VALUES (:order_id, 'cash', 266000, 1000000, 734000, '2026-11-27T13:46:00.000Z');
UPDATE orders SET paid = paid + 266000, change_given = change_given + 734000, status = 'paid', paid_at = COALESCE('2026-11-27T13:46:00.000Z', paid_at), updated_at = '2026-11-27T13:46:00.000Z' WHERE id = :order_id;
INSERT INTO notifications (event, user_id, fields, link, created_at) VALUES ('order.paid', NULL, '{"order":"HD1","total":"266.000 ₫","method":"cash"}', '/orders/1', '2026-11-27T13:46:00.000Z') RETURNING id;
SELECT id, events FROM webhook_endpoints WHERE active = 1;
COMMIT;
SELECT id, number, status, customer_id, warehouse_id, tax_inclusive, subtotal, discount, order_discount, tax, total, paid, change_given, created_by, created_at, updated_at, paid_at, completed_at, cancelled_at FROM orders WHERE id = :order_id;
SELECT id, product_id, variant_id, name, variant_name, sku, unit_price, quantity, tax_rate, line_discount, order_discount, tax, total FROM order_lines WHERE order_id = :order_id ORDER BY id;
SELECT id, method, amount, tendered, change_given, created_at FROM payments WHERE order_id = :order_id ORDER BY id;
