//! A report's numbers as one table that every output shares: the page, the
//! JSON API, CSV and XLSX read the same rows, so they cannot disagree.

use serde_json::{Map, Value};

/// What a column holds, which decides how it is shown and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number of things: orders, units, customers.
    Count,
    /// Whole đồng.
    Money,
    /// Basis points: 1 250 is 12.5 %.
    Percent,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// The JSON field name.
    pub key: &'static str,
    /// The header people read, in the page's language.
    pub label: &'static str,
    pub kind: Kind,
}

impl Column {
    pub fn text(key: &'static str, label: &'static str) -> Self {
        Self {
            key,
            label,
            kind: Kind::Text,
        }
    }

    pub fn count(key: &'static str, label: &'static str) -> Self {
        Self {
            key,
            label,
            kind: Kind::Count,
        }
    }

    pub fn money(key: &'static str, label: &'static str) -> Self {
        Self {
            key,
            label,
            kind: Kind::Money,
        }
    }

    pub fn percent(key: &'static str, label: &'static str) -> Self {
        Self {
            key,
            label,
            kind: Kind::Percent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(i64),
    /// No value: a margin without a cost, a change from zero.
    Empty,
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Self::Number(value)
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<Option<i64>> for Cell {
    fn from(value: Option<i64>) -> Self {
        value.map_or(Self::Empty, Self::Number)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// A last row adding the rows up, where adding makes sense.
    pub totals: Option<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
            totals: None,
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// The numbers of one column, zero where a row has none.
    pub fn numbers(&self, key: &str) -> Vec<i64> {
        let Some(index) = self.columns.iter().position(|c| c.key == key) else {
            return Vec::new();
        };
        self.rows
            .iter()
            .map(|row| match row[index] {
                Cell::Number(value) => value,
                _ => 0,
            })
            .collect()
    }

    /// The text of one column, e.g. the labels of a chart's bars.
    pub fn texts(&self, key: &str) -> Vec<String> {
        let Some(index) = self.columns.iter().position(|c| c.key == key) else {
            return Vec::new();
        };
        self.rows
            .iter()
            .map(|row| match &row[index] {
                Cell::Text(text) => text.clone(),
                Cell::Number(value) => value.to_string(),
                Cell::Empty => String::new(),
            })
            .collect()
    }

    /// Adds up the numeric columns named in `keys` into the totals row; the
    /// first column says what the row is.
    pub fn total(&mut self, label: &str, keys: &[&str]) {
        let totals = self
            .columns
            .iter()
            .enumerate()
            .map(|(index, column)| {
                if index == 0 {
                    Cell::Text(label.to_owned())
                } else if keys.contains(&column.key) {
                    Cell::Number(self.numbers(column.key).iter().sum())
                } else {
                    Cell::Empty
                }
            })
            .collect();
        self.totals = Some(totals);
    }

    /// The rows as JSON objects keyed by column, numbers as numbers.
    pub fn to_json(&self) -> Value {
        let object = |row: &Vec<Cell>| {
            let mut fields = Map::new();
            for (column, cell) in self.columns.iter().zip(row) {
                let value = match cell {
                    Cell::Text(text) => Value::from(text.as_str()),
                    Cell::Number(number) => Value::from(*number),
                    Cell::Empty => Value::Null,
                };
                fields.insert(column.key.to_owned(), value);
            }
            Value::Object(fields)
        };
        let mut json = Map::new();
        json.insert(
            "rows".into(),
            Value::Array(self.rows.iter().map(object).collect()),
        );
        if let Some(totals) = &self.totals {
            json.insert("totals".into(), object(totals));
        }
        Value::Object(json)
    }
}

/// The change from `before` to `now` in basis points; none from zero.
pub fn change(now: i64, before: i64) -> Option<i64> {
    if before == 0 {
        return None;
    }
    let change = (i128::from(now) - i128::from(before)) * 10_000 / i128::from(before.abs());
    i64::try_from(change).ok()
}

/// `part` of `whole` in basis points; none of nothing.
pub fn share(part: i64, whole: i64) -> Option<i64> {
    if whole == 0 {
        return None;
    }
    i64::try_from(i128::from(part) * 10_000 / i128::from(whole)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut table = Table::new(vec![
            Column {
                key: "day",
                label: "Day",
                kind: Kind::Text,
            },
            Column {
                key: "orders",
                label: "Orders",
                kind: Kind::Count,
            },
            Column {
                key: "margin",
                label: "Margin",
                kind: Kind::Percent,
            },
        ]);
        table.push(vec!["2026-11-26".into(), 3.into(), Cell::Empty]);
        table.push(vec!["2026-11-27".into(), 4.into(), 1_250.into()]);
        table
    }

    #[test]
    fn totals_add_only_the_columns_named() {
        let mut table = table();
        table.total("Total", &["orders"]);
        assert_eq!(
            table.totals,
            Some(vec!["Total".into(), 7.into(), Cell::Empty])
        );
    }

    #[test]
    fn json_rows_are_keyed_by_column() {
        let json = table().to_json();
        assert_eq!(json["rows"][1]["orders"], 4);
        assert_eq!(json["rows"][0]["margin"], Value::Null);
        assert_eq!(json["rows"][1]["day"], "2026-11-27");
    }

    #[test]
    fn changes_and_shares_are_in_basis_points() {
        assert_eq!(change(150, 100), Some(5_000));
        assert_eq!(change(50, 100), Some(-5_000));
        assert_eq!(change(10, 0), None);
        assert_eq!(share(1, 8), Some(1_250));
        assert_eq!(share(1, 0), None);
    }
}
