//! Form plumbing shared by the management pages: reading what people type,
//! turning service validation errors into messages beside the fields, and
//! paging links.

use std::fmt::Display;

use axum::http::StatusCode;

use crate::{api::PageMeta, validate::Problem, AppError};

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

    /// The status of a form page: 200 when it has nothing to point out, 422
    /// when a field needs fixing.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// Adds the field problems of a service error, worded in the page's
    /// language. Errors that are not about fields are handed back for the
    /// caller to show as a page error.
    pub fn absorb(&mut self, err: AppError, t: &Text) -> Result<(), AppError> {
        match err {
            AppError::Validation { details, .. } => {
                for detail in details {
                    self.add(&detail.field, &describe(&detail.problem, t));
                }
                Ok(())
            }
            AppError::Duplicate { field, problem } => {
                self.add(&field, &describe(&problem, t));
                Ok(())
            }
            other => Err(other),
        }
    }
}

/// A service's field problem in the page's words. The services word the same
/// problems in English for API clients; a test keeps the two in step.
pub(super) fn describe(problem: &Problem, t: &Text) -> String {
    let fill = |text: &str, values: &[(&str, &dyn Display)]| {
        values.iter().fold(text.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), &value.to_string())
        })
    };
    match problem {
        Problem::Required => t.required.to_owned(),
        Problem::TooLong(max) => fill(t.too_long, &[("max", max)]),
        Problem::NotNegative => t.not_negative.to_owned(),
        Problem::Positive => t.positive.to_owned(),
        Problem::NotZero => t.not_zero.to_owned(),
        Problem::AtLeast(min) => fill(t.at_least, &[("min", min)]),
        Problem::AtMost(max) => fill(t.at_most, &[("max", max)]),
        Problem::Between(min, max) => fill(t.between, &[("min", min), ("max", max)]),
        Problem::LengthBetween(min, max) => fill(t.length_between, &[("min", min), ("max", max)]),
        Problem::WholeNumber => t.not_a_number.to_owned(),
        Problem::TrueOrFalse => t.true_or_false.to_owned(),
        Problem::HasSpaces => t.has_spaces.to_owned(),
        Problem::PhoneNumber => t.phone_number.to_owned(),
        Problem::Email => t.email_address.to_owned(),
        Problem::VisibleAscii => t.visible_ascii.to_owned(),
        Problem::BlankAttributes => t.blank_attributes.to_owned(),
        Problem::DefaultVariantInactive => t.default_variant_inactive.to_owned(),
        Problem::CategoryCycle => t.category_cycle.to_owned(),
        Problem::NoSuchProduct => t.no_such_product.to_owned(),
        Problem::NoSuchVariant => t.no_such_variant.to_owned(),
        Problem::NoSuchCustomer => t.no_such_customer.to_owned(),
        Problem::NoSuchCategory => t.no_such_category.to_owned(),
        Problem::NoSuchWarehouse => t.no_such_warehouse.to_owned(),
        Problem::NotForSale => t.not_for_sale.to_owned(),
        Problem::NoItems => t.no_items.to_owned(),
        Problem::TooManyItems(max) => fill(t.too_many_items, &[("max", max)]),
        Problem::LineDiscountTooLarge => t.line_discount_too_large.to_owned(),
        Problem::OrderDiscountTooLarge => t.order_discount_too_large.to_owned(),
        Problem::AmountsTooLarge => t.amounts_too_large.to_owned(),
        Problem::CashOnly => t.cash_only.to_owned(),
        Problem::OrderStatus => t.order_status.to_owned(),
        Problem::MissingColumns(columns) => fill(t.missing_columns, &[("columns", columns)]),
        Problem::SkuTaken { sku, product_id } => {
            fill(t.sku_taken, &[("code", sku), ("id", product_id)])
        }
        Problem::BarcodeTaken {
            barcode,
            product_id,
        } => fill(t.barcode_taken, &[("code", barcode), ("id", product_id)]),
        Problem::SkuOfVariant { sku, product_id } => {
            fill(t.sku_of_variant, &[("code", sku), ("id", product_id)])
        }
        Problem::PhoneTaken { phone, customer_id } => {
            fill(t.phone_taken, &[("phone", phone), ("id", customer_id)])
        }
        Problem::PhoneInUse => t.phone_in_use.to_owned(),
        Problem::Worded(message) => message.clone(),
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
    use crate::web::text::{EN, VI};

    #[test]
    fn english_page_text_matches_the_api() {
        let problems = [
            Problem::Required,
            Problem::TooLong(120),
            Problem::NotNegative,
            Problem::Positive,
            Problem::NotZero,
            Problem::AtLeast(1),
            Problem::AtMost(10_000),
            Problem::Between(1, 100),
            Problem::LengthBetween(1, 200),
            Problem::WholeNumber,
            Problem::TrueOrFalse,
            Problem::HasSpaces,
            Problem::PhoneNumber,
            Problem::Email,
            Problem::VisibleAscii,
            Problem::BlankAttributes,
            Problem::DefaultVariantInactive,
            Problem::CategoryCycle,
            Problem::NoSuchProduct,
            Problem::NoSuchVariant,
            Problem::NoSuchCustomer,
            Problem::NoSuchCategory,
            Problem::NoSuchWarehouse,
            Problem::NotForSale,
            Problem::NoItems,
            Problem::TooManyItems(500),
            Problem::LineDiscountTooLarge,
            Problem::OrderDiscountTooLarge,
            Problem::AmountsTooLarge,
            Problem::CashOnly,
            Problem::OrderStatus,
            Problem::MissingColumns("sku, price".into()),
            Problem::SkuTaken {
                sku: "CF-01".into(),
                product_id: 7,
            },
            Problem::BarcodeTaken {
                barcode: "893".into(),
                product_id: 7,
            },
            Problem::SkuOfVariant {
                sku: "CF-01-L".into(),
                product_id: 7,
            },
            Problem::PhoneTaken {
                phone: "0901234567".into(),
                customer_id: 3,
            },
            Problem::PhoneInUse,
            Problem::Worded("invalid type: string, expected i64".into()),
        ];
        for problem in problems {
            assert_eq!(describe(&problem, &EN), problem.to_string());
            assert!(!describe(&problem, &VI).contains('{'), "{problem:?}");
        }
    }

    #[test]
    fn vietnamese_fills_in_the_values() {
        let taken = Problem::SkuTaken {
            sku: "CF-01".into(),
            product_id: 7,
        };
        assert_eq!(
            describe(&taken, &VI),
            "Mã SKU CF-01 đã được dùng cho sản phẩm 7."
        );
        assert_eq!(describe(&Problem::TooLong(120), &VI), "tối đa 120 ký tự");
    }

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
