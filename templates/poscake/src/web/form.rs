//! Form plumbing shared by the management pages: reading what people type,
//! turning service validation errors into messages beside the fields, and
//! paging links.

use crate::{api::PageMeta, AppError};

use super::{format::encode_component, text::Text};

/// Messages to show beside form fields, keyed by the API's field names, so a
/// service's validation error lands next to the input that caused it.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: &str) {
        // The first problem with a field is the one worth reading.
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), message.to_owned()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds the field problems of a service error. Errors that are not about
    /// fields are handed back for the caller to show as a page error.
    pub fn absorb(&mut self, err: AppError, t: &Text) -> Result<(), AppError> {
        match err {
            AppError::Validation { details, .. } => {
                for detail in details {
                    self.add(&detail.field, translate(&detail.message, t));
                }
                Ok(())
            }
            AppError::Duplicate { field, message } => {
                self.add(&field, &message);
                Ok(())
            }
            other => Err(other),
        }
    }
}

/// The services word their field messages in English for API clients. The
/// fixed ones people meet most are shown in the page language; messages with
/// numbers in them (limits) stay as the service wrote them.
fn translate<'a>(message: &'a str, t: &'a Text) -> &'a str {
    match message {
        "is required" => t.required,
        "must not be negative" => t.not_negative,
        "must be greater than zero" => t.positive,
        other => other,
    }
}

/// An amount of đồng as a cashier types it: `45000`, `45.000` or `45 000`.
/// Empty is `Ok(None)`; anything else that is not a whole number is an error.
pub fn parse_amount(text: &str) -> Result<Option<i64>, ()> {
    let digits: String = text
        .trim()
        .trim_end_matches('₫')
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    let (negative, digits) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, digits),
    };
    if digits.is_empty() {
        return if negative { Err(()) } else { Ok(None) };
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(());
    }
    let value: i64 = digits.parse().map_err(|_| ())?;
    Ok(Some(if negative { -value } else { value }))
}

/// A tax rate typed as a percentage (`10`, `8.5`, `8,5`) in basis points.
pub fn parse_percent(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((text, ""));
    let all_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 2 {
        return Err(());
    }
    let whole: i64 = whole.parse().map_err(|_| ())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| ())?;
    whole
        .checked_mul(100)
        .and_then(|bp| bp.checked_add(fraction))
        .map(Some)
        .ok_or(())
}

/// Basis points shown as the percentage people type: `1000` is `10`, `850` is `8.5`.
pub fn percent(basis_points: i64) -> String {
    let whole = basis_points / 100;
    match basis_points % 100 {
        0 => whole.to_string(),
        rest if rest % 10 == 0 => format!("{whole}.{}", rest / 10),
        rest => format!("{whole}.{rest:02}"),
    }
}

/// Previous and next links of a paged list.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` is the list's path; `params` the filters to keep on every link.
    pub fn new(meta: PageMeta, base: &str, params: &[(&str, &str)]) -> Self {
        let size = i64::from(meta.page_size.max(1));
        let pages = u32::try_from((meta.total + size - 1) / size)
            .unwrap_or(u32::MAX)
            .max(1);
        let link = |page: u32| {
            let mut query: Vec<String> = params
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| format!("{name}={}", encode_component(value)))
                .collect();
            query.push(format!("page={page}"));
            format!("{base}?{}", query.join("&"))
        };
        Self {
            page: meta.page,
            pages,
            prev: (meta.page > 1).then(|| link(meta.page - 1)),
            next: (meta.page < pages).then(|| link(meta.page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_accept_vietnamese_grouping() {
        assert_eq!(parse_amount("45.000"), Ok(Some(45_000)));
        assert_eq!(parse_amount(" 1 200 000 ₫"), Ok(Some(1_200_000)));
        assert_eq!(parse_amount("-5"), Ok(Some(-5)));
        assert_eq!(parse_amount(""), Ok(None));
        assert_eq!(parse_amount("12a"), Err(()));
    }

    #[test]
    fn percentages_become_basis_points_and_back() {
        assert_eq!(parse_percent("10"), Ok(Some(1_000)));
        assert_eq!(parse_percent("8,5"), Ok(Some(850)));
        assert_eq!(parse_percent("0.25%"), Ok(Some(25)));
        assert_eq!(parse_percent("1.234"), Err(()));
        assert_eq!(percent(1_000), "10");
        assert_eq!(percent(850), "8.5");
        assert_eq!(percent(25), "0.25");
    }

    #[test]
    fn pager_keeps_filters() {
        let meta = PageMeta {
            page: 2,
            page_size: 20,
            total: 45,
        };
        let pager = Pager::new(meta, "/products", &[("q", "cà phê"), ("status", "")]);
        assert_eq!(pager.pages, 3);
        assert_eq!(
            pager.prev.as_deref(),
            Some("/products?q=c%C3%A0%20ph%C3%AA&page=1")
        );
        assert_eq!(
            pager.next.as_deref(),
            Some("/products?q=c%C3%A0%20ph%C3%AA&page=3")
        );
    }
}
