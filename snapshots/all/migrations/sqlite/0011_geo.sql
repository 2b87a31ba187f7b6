-- Vietnam's provinces, districts and communes as Pancake POS lists them,
-- kept locally so address forms work without a request per keystroke. Both
-- schemes live side by side: the pre-2025 three levels (ids like 101) and
-- the two levels in force since 2025-07-01 (ids like 84_VN101).

CREATE TABLE geo_provinces (
    id                  TEXT PRIMARY KEY,
    scheme              TEXT NOT NULL CHECK (scheme IN ('OLD', 'NEW')),
    name                TEXT NOT NULL,
    name_en             TEXT,
    -- The 2025 province an old one became part of, as Pancake maps it.
    new_id              TEXT,
    -- When the province's districts and communes were last fetched; null
    -- until someone first needs them.
    children_fetched_at TEXT,
    fetched_at          TEXT NOT NULL
);
CREATE INDEX geo_provinces_scheme_idx ON geo_provinces (scheme, name);

-- Old scheme only: the 2025 reform removed districts.
CREATE TABLE geo_districts (
    id          TEXT PRIMARY KEY,
    province_id TEXT NOT NULL REFERENCES geo_provinces (id),
    name        TEXT NOT NULL,
    name_en     TEXT
);
CREATE INDEX geo_districts_province_id_idx ON geo_districts (province_id);

CREATE TABLE geo_communes (
    id          TEXT PRIMARY KEY,
    province_id TEXT NOT NULL REFERENCES geo_provinces (id),
    -- Null under a 2025 province.
    district_id TEXT REFERENCES geo_districts (id),
    name        TEXT NOT NULL,
    name_en     TEXT,
    new_id      TEXT,
    postcode    TEXT
);
CREATE INDEX geo_communes_province_id_idx ON geo_communes (province_id, district_id);

-- Where customers and warehouses are: ids of either scheme, checked against
-- the tables above when saved. No foreign keys, so a cache refreshed from
-- Pancake never blocks on an address someone already saved.
ALTER TABLE customers ADD COLUMN province_id TEXT;
ALTER TABLE customers ADD COLUMN district_id TEXT;
ALTER TABLE customers ADD COLUMN commune_id TEXT;

ALTER TABLE warehouses ADD COLUMN province_id TEXT;
ALTER TABLE warehouses ADD COLUMN district_id TEXT;
ALTER TABLE warehouses ADD COLUMN commune_id TEXT;
