//! Turning an event and its fields into the words a person reads.

use std::collections::BTreeMap;

use super::{channels::Message, events::Event};
use crate::web::Lang;

/// The fields of one notification, by name, ready to show.
pub type Fields = BTreeMap<String, String>;

/// The message for `event` in `lang`. The link becomes absolute when the
/// app knows its public address, since an email cannot follow a bare path;
/// texts may show it as the field `{link}`.
pub fn render(
    event: &Event,
    fields: &Fields,
    link: &str,
    lang: Lang,
    base_url: Option<&str>,
) -> Message {
    let link = match (link, base_url) {
        ("", _) => None,
        (path, Some(base)) => Some(format!("{}{path}", base.trim_end_matches('/'))),
        (path, None) => Some(path.to_owned()),
    };
    let mut fields = fields.clone();
    if let Some(link) = &link {
        fields
            .entry("link".to_owned())
            .or_insert_with(|| link.clone());
    }
    Message {
        title: fill(event.title.get(lang), &fields),
        body: fill(event.body.get(lang), &fields),
        link,
    }
}

/// Replaces each `{name}` in `wording` with the field of that name. A field
/// the emitter forgot stays visible as `{name}` rather than vanishing.
pub fn fill(wording: &str, fields: &Fields) -> String {
    let mut out = String::with_capacity(wording.len() + 32);
    let mut rest = wording;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.split_once('}') {
            Some((name, tail)) => {
                match fields.get(name) {
                    Some(value) => out.push_str(value),
                    None => {
                        tracing::warn!(field = name, "notification text names a missing field");
                        out.push_str(&rest[open..open + name.len() + 2]);
                    }
                }
                rest = tail;
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The field names a wording uses, sorted, each once.
pub fn fields_named(wording: &str) -> Vec<&str> {
    let mut names: Vec<&str> = wording
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn fills_each_field() {
        let fields = fields(&[("product", "Cà phê"), ("on_hand", "2")]);
        assert_eq!(
            fill("{product} còn {on_hand}; {product}", &fields),
            "Cà phê còn 2; Cà phê"
        );
    }

    #[test]
    fn a_missing_field_stays_visible() {
        assert_eq!(fill("Đơn {order} xong", &Fields::new()), "Đơn {order} xong");
        assert_eq!(fill("lẻ {", &Fields::new()), "lẻ {");
    }

    #[test]
    fn names_fields_once_each() {
        assert_eq!(fields_named("{b} {a} {b}"), vec!["a", "b"]);
    }
}
