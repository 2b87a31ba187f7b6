-- The catalog: a tree of categories, products, and the variants that are sold
-- and stocked. Money is BIGINT in the currency's minor unit (VND has none),
-- tax rates are INTEGER basis points (1000 = 10 %), booleans are INTEGER 0/1
-- and timestamps ISO-8601 UTC text, so one set of queries reads both databases.

CREATE TABLE categories (
    id         INTEGER PRIMARY KEY,
    parent_id  BIGINT REFERENCES categories (id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX categories_parent_id_idx ON categories (parent_id);
-- Siblings have distinct names; top-level categories are siblings of each other.
CREATE UNIQUE INDEX categories_sibling_name_key ON categories (COALESCE(parent_id, 0), name);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    category_id BIGINT REFERENCES categories (id),
    name        TEXT NOT NULL,
    -- The name folded by the app (lowercase, no diacritics): SQLite's LOWER
    -- only knows ASCII, and cashiers type "ca phe" for "Cà phê".
    search_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    tax_rate    INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 10000),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX products_category_id_idx ON products (category_id);
-- Lists are ordered by name. Carrying the folded name and the active flag
-- lets a substring search (LIKE '%…%', which no B-tree can seek) scan this
-- index alone instead of the table. The flag is not the leading column: nearly
-- every product is active, and an index led by it would draw SQLite, which
-- keeps no statistics unless asked, away from the SKU and barcode indexes.
CREATE INDEX products_name_idx ON products (name, search_name, active);

-- Every product has exactly one default variant, which carries the SKU,
-- barcode and price shown for the product. SKUs and barcodes are unique across
-- all variants, so a scan or a SKU always names one thing to sell.
CREATE TABLE product_variants (
    id                  INTEGER PRIMARY KEY,
    product_id          BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name                TEXT NOT NULL DEFAULT '',
    sku                 TEXT NOT NULL UNIQUE,
    barcode             TEXT UNIQUE,
    -- A JSON object of attribute names to values, e.g. {"size":"L"}.
    attributes          TEXT NOT NULL DEFAULT '{}',
    price               BIGINT NOT NULL CHECK (price >= 0),
    cost_price          BIGINT NOT NULL DEFAULT 0 CHECK (cost_price >= 0),
    -- Low-stock alerts list the variant when on hand is at or below this.
    low_stock_threshold BIGINT NOT NULL DEFAULT 0,
    is_default          INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX product_variants_product_id_idx ON product_variants (product_id);
CREATE UNIQUE INDEX product_variants_one_default_key
    ON product_variants (product_id) WHERE is_default = 1;
