//! Text matching for searches: Vietnamese-aware folding and LIKE patterns.
//!
//! Names are stored beside a folded copy (lowercase, diacritics removed, `đ`
//! as `d`), and search terms are folded the same way, so a cashier typing
//! "ca phe" finds "Cà phê". Folding happens here rather than in SQL because
//! SQLite's `LOWER` only knows ASCII.

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
}
