-- Searches look for a fragment anywhere in the folded name ("phe" in "ca phe
-- sua"), which no B-tree can seek. This full-text table indexes the folded
-- names by trigram and answers LIKE '%…%' for fragments of three characters or
-- more, so a search reads the matching products instead of the whole catalog.
-- It holds no copy of the names (content = products); the triggers keep its
-- index in step with them.
CREATE VIRTUAL TABLE products_search USING fts5(
    search_name,
    content = 'products',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO products_search (products_search) VALUES ('rebuild');

CREATE TRIGGER products_search_after_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_search (rowid, search_name) VALUES (new.id, new.search_name);
END;

CREATE TRIGGER products_search_after_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_search (products_search, rowid, search_name)
    VALUES ('delete', old.id, old.search_name);
END;

CREATE TRIGGER products_search_after_update AFTER UPDATE OF search_name ON products BEGIN
    INSERT INTO products_search (products_search, rowid, search_name)
    VALUES ('delete', old.id, old.search_name);
    INSERT INTO products_search (rowid, search_name) VALUES (new.id, new.search_name);
END;
