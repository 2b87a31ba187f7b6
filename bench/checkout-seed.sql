-- A big catalogue for the checkout and catalogue benchmark: 100 000 products,
-- each with its default variant, 1 000 000 units on hand in the default
-- warehouse and the receipt that put them there, so the ledger adds up as it
-- does in a real shop. Names are a kind of goods and a number ("Cà phê 4711"),
-- twenty kinds, so a search for a kind matches 5 000 products.
-- Written once for both databases: `bench/run` replaces :series(N) with each
-- one's row generator.

INSERT INTO products (id, name, search_name, tax_rate, active, created_at, updated_at)
WITH kind (k, name, folded) AS (
    VALUES (0, 'Gạo', 'gao'), (1, 'Nước mắm', 'nuoc mam'), (2, 'Cà phê', 'ca phe'),
           (3, 'Trà', 'tra'), (4, 'Sữa', 'sua'), (5, 'Bánh quy', 'banh quy'),
           (6, 'Mì gói', 'mi goi'), (7, 'Dầu ăn', 'dau an'), (8, 'Nước ngọt', 'nuoc ngot'),
           (9, 'Bia', 'bia'), (10, 'Kẹo', 'keo'), (11, 'Đường', 'duong'), (12, 'Muối', 'muoi'),
           (13, 'Xà phòng', 'xa phong'), (14, 'Dầu gội', 'dau goi'),
           (15, 'Kem đánh răng', 'kem danh rang'), (16, 'Giấy vệ sinh', 'giay ve sinh'),
           (17, 'Nước suối', 'nuoc suoi'), (18, 'Hạt điều', 'hat dieu'), (19, 'Bột giặt', 'bot giat')
)
SELECT n, kind.name || ' ' || n, kind.folded || ' ' || n, 800, 1,
       '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
  FROM :series(100000)
  JOIN kind ON kind.k = n % 20;

INSERT INTO product_variants (id, product_id, name, sku, barcode, price, cost_price,
                              low_stock_threshold, is_default, active, created_at, updated_at)
SELECT n, n, '', 'SKU-' || n, '893' || (1000000000 + n), 10000 + (n % 50) * 1000,
       6000 + (n % 50) * 600, 5, 1, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
  FROM :series(100000);

INSERT INTO stock_levels (variant_id, warehouse_id, on_hand, updated_at)
SELECT n, 1, 1000000, '2026-01-01T00:00:00.000Z' FROM :series(100000);

INSERT INTO stock_movements (variant_id, warehouse_id, quantity, kind, reason, created_at)
SELECT n, 1, 1000000, 'RECEIPT', 'Opening stock', '2026-01-01T00:00:00.000Z'
  FROM :series(100000);
