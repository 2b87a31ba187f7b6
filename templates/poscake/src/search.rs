//! Text matching for searches: Vietnamese-aware folding and LIKE patterns.
//!
//! Names are stored beside a folded copy (lowercase, diacritics removed, `đ`
//! as `d`), and search terms are folded the same way, so a cashier typing
//! "ca phe" finds "Cà phê". Folding happens here rather than in SQL because
//! SQLite's `LOWER` only knows ASCII.

use sqlx::{AnyConnection, Database, Sqlite};

/// Each base letter and the accented forms that fold to it.
const FOLDS: [(char, &str); 7] = [
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('i', "ìíỉĩị"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('u', "ùúủũụưừứửữự"),
    ('y', "ỳýỷỹỵ"),
    ('d', "đ"),
];

/// Lowercases `text`, strips Vietnamese diacritics and collapses runs of
/// whitespace, giving the form that searches compare.
pub fn fold(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut folded = String::with_capacity(lower.len());
    for word in lower.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.extend(word.chars().map(strip_diacritics));
    }
    folded
}

/// `c` without its Vietnamese diacritics, in the same case: `ế` → `e`,
/// `Đ` → `D`. Other characters are returned as they are.
pub fn strip_diacritics(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    FOLDS
        .iter()
        .find(|(_, accented)| accented.contains(lower))
        .map_or(c, |&(base, _)| {
            if lower == c {
                base
            } else {
                base.to_ascii_uppercase()
            }
        })
}

/// A `LIKE … ESCAPE '\'` pattern matching any text that contains `term`, with
/// the term's own `%`, `_` and `\` taken literally.
pub fn contains_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The condition on products `p` whose folded name contains `folded_term`,
/// with the value it binds as `{0}`. Both answer from a trigram index: on
/// PostgreSQL pg_trgm's index serves `LIKE` on the column itself; on SQLite
/// the full-text table `products_search` (see the `product_search` migration)
/// answers a phrase of the term's trigrams from the index alone, where a
/// `GLOB` would read every candidate's name and a `LIKE … ESCAPE` would scan.
/// A term shorter than a trigram has no phrase and is looked for by a scan, as
/// is one with a NUL character, which would end FTS5's query string early.
pub fn product_name_contains(conn: &AnyConnection, folded_term: &str) -> (&'static str, String) {
    let phrased = folded_term.chars().count() >= 3 && !folded_term.contains('\0');
    if conn.backend_name() == Sqlite::NAME && phrased {
        (
            "p.id IN (SELECT rowid FROM products_search WHERE products_search MATCH {0})",
            phrase(folded_term),
        )
    } else {
        (
            "p.search_name LIKE {0} ESCAPE '\\'",
            contains_pattern(folded_term),
        )
    }
}

/// `term` as an FTS5 string, whose characters are all taken literally: in
/// double quotes, with its own double quotes doubled.
pub fn phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_go_and_case_stays() {
        let stripped: String = "ĐẶT Phở Đà Lạt".chars().map(strip_diacritics).collect();
        assert_eq!(stripped, "DAT Pho Da Lat");
    }

    #[test]
    fn folds_vietnamese_names() {
        assert_eq!(fold("Cà Phê Sữa Đá"), "ca phe sua da");
        assert_eq!(fold("  Bánh   mì  "), "banh mi");
        assert_eq!(fold("NƯỚC SUỐI"), "nuoc suoi");
        assert_eq!(fold("Kẹo dừa Bến Tre"), "keo dua ben tre");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(contains_pattern("50%"), "%50\\%%");
        assert_eq!(contains_pattern("a_b\\c"), "%a\\_b\\\\c%");
    }

    #[test]
    fn phrases_take_every_character_literally() {
        assert_eq!(phrase("ca phe"), "\"ca phe\"");
        assert_eq!(phrase("a\"b*"), "\"a\"\"b*\"");
    }
}
