//! `WHERE` clauses assembled from optional list filters, with numbered
//! placeholders so the same SQL runs on SQLite and PostgreSQL.

use sqlx::{
    any::AnyArguments,
    query::{QueryAs, QueryScalar},
    Any,
};

/// A value bound to a filter's placeholder.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
}

/// Conditions joined with `AND`, and the values their placeholders stand for.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Filter {
    /// Adds a condition. `{0}`, `{1}`… in it name the given values in order
    /// and become `$n` placeholders; each may appear more than once.
    pub fn push(&mut self, condition: &str, args: impl IntoIterator<Item = Arg>) {
        let mut condition = condition.to_owned();
        for (index, arg) in args.into_iter().enumerate() {
            self.args.push(arg);
            condition =
                condition.replace(&format!("{{{index}}}"), &format!("${}", self.args.len()));
        }
        self.conditions.push(condition);
    }

    /// `WHERE a AND b`, or nothing when there are no conditions.
    pub fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// The placeholder after the filter's own, for `LIMIT`, then `OFFSET`.
    pub fn next_placeholder(&self, offset: usize) -> String {
        format!("${}", self.args.len() + 1 + offset)
    }

    /// Binds the filter's values to a query returning rows.
    pub fn bind_to<'q, O>(
        &self,
        mut query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        for arg in &self.args {
            query = match arg.clone() {
                Arg::Int(value) => query.bind(value),
                Arg::Text(value) => query.bind(value),
            };
        }
        query
    }

    /// Binds the filter's values to a query returning one value, like a count.
    pub fn bind_to_scalar<'q, O>(
        &self,
        mut query: QueryScalar<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryScalar<'q, Any, O, AnyArguments<'q>> {
        for arg in &self.args {
            query = match arg.clone() {
                Arg::Int(value) => query.bind(value),
                Arg::Text(value) => query.bind(value),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_across_conditions() {
        let mut filter = Filter::default();
        filter.push("active = 1", []);
        filter.push("category_id = {0}", [Arg::Int(3)]);
        filter.push(
            "(name LIKE {0} OR sku = {1} OR barcode = {1})",
            [Arg::Text("%a%".into()), Arg::Text("a".into())],
        );
        assert_eq!(
            filter.where_clause(),
            "WHERE active = 1 AND category_id = $1 AND (name LIKE $2 OR sku = $3 OR barcode = $3)"
        );
        assert_eq!(filter.next_placeholder(0), "$4");
        assert_eq!(filter.next_placeholder(1), "$5");
    }

    #[test]
    fn no_conditions_means_no_where() {
        assert_eq!(Filter::default().where_clause(), "");
    }
}
