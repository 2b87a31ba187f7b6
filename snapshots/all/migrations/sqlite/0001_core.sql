-- Shop-wide key/value settings. Timestamps are ISO-8601 UTC text so the same
-- queries read them on SQLite and PostgreSQL.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
