-- One year of a busy shop for the reports benchmark: 1 000 products,
-- 10 000 customers, 1 000 000 completed orders of three lines each, one cash
-- payment per order, spread evenly over the 365 days before :end_epoch.
-- Written once for both databases: `bench/reports` replaces :series(N) with
-- each one's row generator and :stamp(seconds) with its timestamp formatting.

INSERT INTO products (id, name, search_name, tax_rate, active, created_at, updated_at)
SELECT n, 'Sản phẩm ' || n, 'san pham ' || n, 800, 1,
       '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'
  FROM :series(1000);

INSERT INTO product_variants (id, product_id, name, sku, price, cost_price,
                              low_stock_threshold, is_default, active, created_at, updated_at)
SELECT n, n, '', 'SKU-' || n, 10000 + (n % 50) * 1000, 6000 + (n % 50) * 600, 5, 1, 1,
       '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'
  FROM :series(1000);

INSERT INTO stock_levels (variant_id, warehouse_id, on_hand, updated_at)
SELECT n, 1, n % 40, '2025-01-01T00:00:00.000Z' FROM :series(1000);

INSERT INTO customers (id, name, search_name, phone, created_at, updated_at)
SELECT n, 'Khách ' || n, 'khach ' || n, '09' || (10000000 + n),
       '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'
  FROM :series(10000);

-- Order n sells products 1 + 7n, 1 + 13n + 1 and 1 + 31n + 2 (mod 1 000), one
-- of each, at 10 000 + (product mod 50) × 1 000 đồng, tax 8 % included.
INSERT INTO orders (id, number, status, customer_id, warehouse_id, tax_inclusive, subtotal,
                    order_discount, discount, tax, total, paid, change_given,
                    created_at, updated_at, paid_at, completed_at)
SELECT n, 'HD' || n, 'completed',
       CASE WHEN n % 3 = 0 THEN NULL ELSE 1 + n % 10000 END, 1, 1,
       amount, 0, 0, amount * 800 / 10800, amount, amount, 0, stamp, stamp, stamp, stamp
  FROM (SELECT n,
               30000 + ((1 + (n * 7) % 1000) % 50 + (1 + (n * 13 + 1) % 1000) % 50
                        + (1 + (n * 31 + 2) % 1000) % 50) * 1000 AS amount,
               :stamp(:end_epoch - n * 31.536) AS stamp
          FROM :series(1000000)) generated;

INSERT INTO order_lines (order_id, product_id, variant_id, name, variant_name, sku, unit_price,
                         unit_cost, quantity, tax_rate, line_discount, order_discount, tax, total)
SELECT o, p, p, 'Sản phẩm ' || p, '', 'SKU-' || p, 10000 + (p % 50) * 1000,
       6000 + (p % 50) * 600, 1, 800, 0, 0, (10000 + (p % 50) * 1000) * 800 / 10800,
       10000 + (p % 50) * 1000
  FROM (SELECT (n + 2) / 3 AS o,
               1 + (((n + 2) / 3) * (CASE n % 3 WHEN 1 THEN 7 WHEN 2 THEN 13 ELSE 31 END)
                    + (CASE n % 3 WHEN 1 THEN 0 WHEN 2 THEN 1 ELSE 2 END)) % 1000 AS p
          FROM :series(3000000)) generated;

INSERT INTO payments (order_id, method, amount, tendered, change_given, created_at)
SELECT id, 'cash', total, total, 0, paid_at FROM orders;
