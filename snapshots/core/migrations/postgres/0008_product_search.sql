-- Searches look for a fragment anywhere in the folded name ("phe" in "ca phe
-- sua"), which no B-tree can seek. A trigram index can: it answers
-- LIKE '%…%' for fragments of three characters or more, so a search reads the
-- matching products instead of the whole catalog. pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX products_search_name_trgm_idx ON products USING gin (search_name gin_trgm_ops);
