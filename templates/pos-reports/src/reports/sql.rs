//! SQL shared by the reports: the buckets of a period as a table of
//! boundaries, and what counts as a sale.
//!
//! Sums are cast to BIGINT because PostgreSQL's SUM of a BIGINT is a NUMERIC,
//! which the `Any` driver cannot read.

use std::fmt::Write;

use super::period::Span;

/// The orders that count as sales: paid, or paid and handed over.
pub const SOLD: &str = "o.status IN ('paid', 'completed')";

/// `WITH buckets (idx, starts, ends) AS (VALUES (0, $1, $2), …)`, one row per
/// span, numbered from 0, with its boundaries as parameters from
/// `$first_param` on. Bind them with [`bind_spans`].
pub fn buckets_cte(spans: &[Span], first_param: usize) -> String {
    let mut sql = String::from("WITH buckets (idx, starts, ends) AS (VALUES ");
    for (index, _) in spans.iter().enumerate() {
        let param = first_param + index * 2;
        if index > 0 {
            sql.push_str(", ");
        }
        // Writing to a String cannot fail.
        let _ = write!(sql, "({index}, ${param}, ${})", param + 1);
    }
    sql.push_str(") ");
    sql
}

/// Binds the boundaries of `spans` in the order [`buckets_cte`] numbered them.
pub fn bind_spans<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    spans: &'q [Span],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for span in spans {
        query = query.bind(span.start.as_str()).bind(span.end.as_str());
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bucket_gets_two_parameters() {
        let span = |label: &str| Span {
            label: label.into(),
            start: String::new(),
            end: String::new(),
        };
        assert_eq!(
            buckets_cte(&[span("a"), span("b")], 3),
            "WITH buckets (idx, starts, ends) AS (VALUES (0, $3, $4), (1, $5, $6)) "
        );
    }
}
