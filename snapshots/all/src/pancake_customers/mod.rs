//! Pancake POS customers: the shop's customers as Pancake keeps them, with
//! their loyalty levels and reward points, read and changed through the
//! shared client with its write guardrails.
//!
//! Pancake sends ids as strings or numbers and nulls where a list or a name
//! is expected, so every field here reads leniently. The fields these types
//! do not name are kept in `extra` so `--json` shows the customer whole.

pub mod api;
pub mod cli;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::customers::normalise_phone;
use crate::pancake::{id_string, opt_id_string, opt_number, opt_whole, or_default};

/// A customer of the shop.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Customer {
    /// Pancake's UUID of the shop's customer: what `/customers/{id}` takes.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// A second UUID Pancake sends alongside `id` (the person behind the
    /// shop's customer, as far as the spec lets one tell).
    #[serde(default, deserialize_with = "opt_id_string")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "or_default")]
    pub name: String,
    /// As typed in Pancake: `0901 234 567`, `+84901234567`…
    #[serde(default, deserialize_with = "or_default")]
    pub phone_numbers: Vec<String>,
    #[serde(default, deserialize_with = "or_default")]
    pub emails: Vec<String>,
    /// `male`, `female` or null.
    #[serde(default)]
    pub gender: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date_of_birth: Option<String>,
    /// Loyalty points; some shops earn fractions of a point.
    #[serde(default, deserialize_with = "opt_number")]
    pub reward_point: Option<f64>,
    /// The [`CustomerLevel`] the customer has reached.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub level_id: Option<String>,
    /// Strings per the spec; kept as JSON because tags elsewhere in Pancake
    /// are `{id, name}` objects and one odd tag must not hide the customer.
    #[serde(default, deserialize_with = "or_default")]
    pub tags: Vec<Value>,
    #[serde(default, deserialize_with = "or_default")]
    pub shop_customer_address: Vec<CustomerAddress>,
    #[serde(default, deserialize_with = "opt_whole")]
    pub order_count: Option<i64>,
    /// Whole đồng over all the customer's orders.
    #[serde(default, deserialize_with = "opt_whole")]
    pub purchased_amount: Option<i64>,
    /// A naive UTC timestamp such as `2020-04-01T10:18:41`.
    #[serde(default)]
    pub last_order_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Customer {
    /// Whether one of the customer's numbers is `phone`, however either is
    /// written: `0901 234 567`, `+84901234567` and `84901234567` are one
    /// number. Nothing matches a text that is not a phone number.
    pub fn has_phone(&self, phone: &str) -> bool {
        let Some(wanted) = normalise_phone(phone) else {
            return false;
        };
        self.phone_numbers
            .iter()
            .any(|number| normalise_phone(number).as_deref() == Some(wanted.as_str()))
    }
}

/// A delivery address kept on the customer. Only what is shown is typed:
/// the province, district and commune ids stay in `extra` as Pancake sent them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CustomerAddress {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub full_address: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A loyalty tier: customers move up by orders, points or spending.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CustomerLevel {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default, deserialize_with = "or_default")]
    pub name: String,
    /// The level's discount; how to read it depends on `discount_type`,
    /// which the spec does not explain.
    #[serde(default, deserialize_with = "opt_number")]
    pub discount: Option<f64>,
    #[serde(default, deserialize_with = "opt_whole")]
    pub discount_type: Option<i64>,
    #[serde(default, deserialize_with = "opt_whole")]
    pub upgrade_by_order_count: Option<i64>,
    #[serde(default, deserialize_with = "opt_number")]
    pub upgrade_by_point: Option<f64>,
    #[serde(default, deserialize_with = "opt_whole")]
    pub upgrade_by_total_purchase: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One change to a customer's reward points.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PointLog {
    /// Points gained (positive) or spent (negative).
    #[serde(default, deserialize_with = "opt_number")]
    pub amount: Option<f64>,
    /// The balance after this change.
    #[serde(default, deserialize_with = "opt_number")]
    pub current_point: Option<f64>,
    /// Why, e.g. `Tích điểm từ đơn hàng`.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub inserted_at: Option<String>,
    /// The staff member who made the change.
    #[serde(default)]
    pub creator: Option<Staff>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A staff member as Pancake names one on a record.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Staff {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
