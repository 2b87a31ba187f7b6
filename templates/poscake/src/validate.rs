//! Collecting field-level validation problems into one 422 response.

use crate::{api::FieldError, AppError};

/// The invalid fields found so far in one request.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Records a problem with `field` unless `ok` holds.
    pub fn check(&mut self, ok: bool, field: impl Into<String>, message: impl Into<String>) {
        if !ok {
            self.add(field, message);
        }
    }

    /// A required text field, trimmed; records a problem when it is missing,
    /// blank or longer than `max_chars`.
    pub fn text(&mut self, field: &str, value: Option<&str>, max_chars: usize) -> String {
        let value = value.map(str::trim).unwrap_or_default();
        if value.is_empty() {
            self.add(field, "is required");
        } else if value.chars().count() > max_chars {
            self.add(field, format!("must be at most {max_chars} characters"));
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
            self.add(field, format!("must be at most {max_chars} characters"));
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
                self.add(field, "is required");
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
        let message = match (*range.start(), value < *range.start()) {
            (0, true) => "must not be negative".to_owned(),
            (1, true) => "must be greater than zero".to_owned(),
            (_, true) => format!("must be at least {}", range.start()),
            (_, false) => format!("must be at most {}", range.end()),
        };
        self.add(field, message);
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
            .map(|detail| format!("{} {}", detail.field, detail.message))
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
