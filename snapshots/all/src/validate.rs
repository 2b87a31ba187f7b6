//! Collecting field-level validation problems into one 422 response.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::{api::FieldError, AppError};

/// What is wrong with one field, as a stable code with the values its
/// message needs. The API words it in English through `Display`; the pages
/// word it in their own language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong(usize),
    NotNegative,
    Positive,
    NotZero,
    AtLeast(i64),
    AtMost(i64),
    Between(i64, i64),
    LengthBetween(usize, usize),
    WholeNumber,
    TrueOrFalse,
    HasSpaces,
    PhoneNumber,
    Email,
    VisibleAscii,
    BlankAttributes,
    DefaultVariantInactive,
    CategoryCycle,
    NoSuchProduct,
    NoSuchVariant,
    NoSuchCustomer,
    NoSuchCategory,
    NoSuchWarehouse,
    NotForSale,
    NoItems,
    TooManyItems(usize),
    LineDiscountTooLarge,
    OrderDiscountTooLarge,
    AmountsTooLarge,
    CashOnly,
    OrderStatus,
    MissingColumns(String),
    SkuTaken {
        sku: String,
        product_id: i64,
    },
    BarcodeTaken {
        barcode: String,
        product_id: i64,
    },
    SkuOfVariant {
        sku: String,
        product_id: i64,
    },
    PhoneTaken {
        phone: String,
        customer_id: i64,
    },
    PhoneInUse,
    /// A problem in the words of whoever found it: the JSON decoder, the CSV
    /// reader, or a write that lost a race for a unique value. Shown as is.
    Worded(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => f.write_str("is required"),
            Self::TooLong(max) => write!(f, "must be at most {max} characters"),
            Self::NotNegative => f.write_str("must not be negative"),
            Self::Positive => f.write_str("must be greater than zero"),
            Self::NotZero => f.write_str("must not be zero"),
            Self::AtLeast(min) => write!(f, "must be at least {min}"),
            Self::AtMost(max) => write!(f, "must be at most {max}"),
            Self::Between(min, max) => write!(f, "must be between {min} and {max}"),
            Self::LengthBetween(min, max) => write!(f, "must be {min} to {max} characters"),
            Self::WholeNumber => f.write_str("must be a whole number"),
            Self::TrueOrFalse => f.write_str("must be true or false"),
            Self::HasSpaces => f.write_str("must not contain spaces"),
            Self::PhoneNumber => f.write_str("must be a phone number of 8 to 15 digits"),
            Self::Email => f.write_str("must be an email address"),
            Self::VisibleAscii => f.write_str("must be visible ASCII text"),
            Self::BlankAttributes => f.write_str("names and values must not be blank"),
            Self::DefaultVariantInactive => {
                f.write_str("the default variant is deactivated with its product")
            }
            Self::CategoryCycle => {
                f.write_str("a category cannot be placed under itself or its own subcategory")
            }
            Self::NoSuchProduct => f.write_str("no such product"),
            Self::NoSuchVariant => f.write_str("no such variant of this product"),
            Self::NoSuchCustomer => f.write_str("no such customer"),
            Self::NoSuchCategory => f.write_str("no such category"),
            Self::NoSuchWarehouse => f.write_str("no such warehouse"),
            Self::NotForSale => f.write_str("is not for sale"),
            Self::NoItems => f.write_str("must list at least one item"),
            Self::TooManyItems(max) => write!(f, "must list at most {max} items"),
            Self::LineDiscountTooLarge => {
                f.write_str("must not exceed the line's price × quantity")
            }
            Self::OrderDiscountTooLarge => f.write_str("must not exceed the order's amount"),
            Self::AmountsTooLarge => f.write_str("the order's amounts are too large"),
            Self::CashOnly => f.write_str("only \"cash\" is accepted for now"),
            Self::OrderStatus => f.write_str("must be pending, paid, completed or cancelled"),
            Self::MissingColumns(columns) => write!(f, "missing column(s): {columns}"),
            Self::SkuTaken { sku, product_id } => {
                write!(f, "SKU {sku} is already used by product {product_id}.")
            }
            Self::BarcodeTaken {
                barcode,
                product_id,
            } => write!(
                f,
                "Barcode {barcode} is already used by product {product_id}."
            ),
            Self::SkuOfVariant { sku, product_id } => write!(
                f,
                "SKU {sku} belongs to a variant of product {product_id}, not to a product."
            ),
            Self::PhoneTaken { phone, customer_id } => {
                write!(
                    f,
                    "Phone {phone} already belongs to customer {customer_id}."
                )
            }
            Self::PhoneInUse => {
                f.write_str("This phone number already belongs to another customer.")
            }
            Self::Worded(message) => f.write_str(message),
        }
    }
}

/// In JSON a problem is its English wording.
impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The invalid fields found so far in one request.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }

    /// Records a problem with `field` unless `ok` holds.
    pub fn check(&mut self, ok: bool, field: impl Into<String>, problem: Problem) {
        if !ok {
            self.add(field, problem);
        }
    }

    /// A required text field, trimmed; records a problem when it is missing,
    /// blank or longer than `max_chars`.
    pub fn text(&mut self, field: &str, value: Option<&str>, max_chars: usize) -> String {
        let value = value.map(str::trim).unwrap_or_default();
        if value.is_empty() {
            self.add(field, Problem::Required);
        } else if value.chars().count() > max_chars {
            self.add(field, Problem::TooLong(max_chars));
        }
        value.to_owned()
    }

    /// An optional text field, trimmed; blank counts as absent.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max_chars: usize,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|value| !value.is_empty())?;
        if value.chars().count() > max_chars {
            self.add(field, Problem::TooLong(max_chars));
        }
        Some(value.to_owned())
    }

    /// A required whole number within `range`.
    pub fn number(
        &mut self,
        field: &str,
        value: Option<i64>,
        range: std::ops::RangeInclusive<i64>,
    ) -> i64 {
        match value {
            None => {
                self.add(field, Problem::Required);
                0
            }
            Some(value) => {
                self.in_range(field, value, range);
                value
            }
        }
    }

    /// Records a problem unless `value` lies within `range`, worded for the
    /// common cases of "not negative" and "positive".
    pub fn in_range(&mut self, field: &str, value: i64, range: std::ops::RangeInclusive<i64>) {
        if range.contains(&value) {
            return;
        }
        let problem = match (*range.start(), value < *range.start()) {
            (0, true) => Problem::NotNegative,
            (1, true) => Problem::Positive,
            (_, true) => Problem::AtLeast(*range.start()),
            (_, false) => Problem::AtMost(*range.end()),
        };
        self.add(field, problem);
    }

    /// `Ok` when nothing was recorded, otherwise a 422 listing every problem.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation {
                message: "The request has invalid fields.".into(),
                details: self.0,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_problem() {
        let mut problems = Problems::default();
        assert_eq!(problems.text("name", Some("  "), 10), "");
        problems.number("price", Some(-1), 0..=100);
        problems.number("quantity", None, 1..=5);
        problems.in_range("taxRate", 20_000, 0..=10_000);
        let Err(AppError::Validation { details, .. }) = problems.finish() else {
            panic!("expected a validation error");
        };
        let messages: Vec<_> = details
            .iter()
            .map(|detail| format!("{} {}", detail.field, detail.problem))
            .collect();
        assert_eq!(
            messages,
            [
                "name is required",
                "price must not be negative",
                "quantity is required",
                "taxRate must be at most 10000",
            ]
        );
    }

    #[test]
    fn trims_and_accepts_good_values() {
        let mut problems = Problems::default();
        assert_eq!(problems.text("name", Some(" Cà phê "), 10), "Cà phê");
        assert_eq!(problems.optional_text("barcode", Some(" "), 10), None);
        assert_eq!(problems.number("price", Some(0), 0..=10), 0);
        assert!(problems.finish().is_ok());
    }
}
