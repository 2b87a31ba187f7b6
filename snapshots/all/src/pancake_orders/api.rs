//! The order endpoints of Pancake POS, as methods of the shared client.

use serde_json::{json, Value};

use super::{OrderStatus, PancakeOrder};
use crate::pancake::{Page, PageStyle, PancakeClient, PancakeError};

/// Orders per page when listing. Pancake takes about nine seconds for a
/// page of 200, so pages stay well below that.
pub const PAGE_SIZE: u32 = 50;

/// Which orders to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Pancake's fuzzy search: phone, name, note…
    pub search: Option<String>,
    /// Only orders in one of these statuses; empty means all but deleted.
    pub statuses: Vec<OrderStatus>,
    /// Only orders last updated at or after this time (Unix seconds).
    pub updated_since: Option<i64>,
    /// Only orders last updated at or before this time (Unix seconds).
    pub updated_until: Option<i64>,
    /// From 1.
    pub page: u32,
}

impl OrderQuery {
    /// The query parameters, without the page ones the client adds.
    fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(search) = &self.search {
            query.push(("search", search.clone()));
        }
        // Arrays go as repeated bracket keys: a JSON array makes Pancake fail.
        for status in &self.statuses {
            query.push(("filter_status[]", status.code().to_string()));
        }
        if self.updated_since.is_some() || self.updated_until.is_some() {
            // The range filters on the creation time unless told otherwise.
            query.push(("updateStatus", "updated_at".to_owned()));
        }
        if let Some(since) = self.updated_since {
            query.push(("startDateTime", since.to_string()));
        }
        if let Some(until) = self.updated_until {
            query.push(("endDateTime", until.to_string()));
        }
        query
    }
}

impl PancakeClient {
    /// One page of orders, newest first.
    pub async fn orders(&self, query: &OrderQuery) -> Result<Page<PancakeOrder>, PancakeError> {
        let path = self.shop_path("/orders")?;
        let parameters = query.parameters();
        let borrowed = borrow(&parameters);
        self.get_page(
            &path,
            &borrowed,
            PageStyle::PageNumber,
            query.page.max(1),
            PAGE_SIZE,
        )
        .await
    }

    /// Every order matching `query` (its page is ignored), as raw JSON so a
    /// caller can keep what the types do not name; at most `max_pages` pages.
    pub async fn all_orders_raw(
        &self,
        query: &OrderQuery,
        max_pages: u32,
    ) -> Result<Vec<Value>, PancakeError> {
        let path = self.shop_path("/orders")?;
        let parameters = query.parameters();
        let borrowed = borrow(&parameters);
        self.get_all(
            &path,
            &borrowed,
            PageStyle::PageNumber,
            PAGE_SIZE,
            max_pages,
        )
        .await
    }

    /// One order by its id in the shop (not by `system_id`).
    pub async fn order(&self, id: i64) -> Result<PancakeOrder, PancakeError> {
        self.get_object(&self.shop_path(&format!("/orders/{id}"))?, &[])
            .await
    }

    /// Creates an order and returns Pancake's answer as it came.
    ///
    /// Never retried, by this method or by the client: Pancake documents no
    /// idempotency for creating an order, and whether `custom_id` is unique
    /// is unknown, so after a lost answer a second POST could make the same
    /// sale twice. Whoever gets an error here must check Pancake before
    /// trying again.
    pub async fn create_order(&self, body: &Value) -> Result<Value, PancakeError> {
        self.post(&self.shop_path("/orders")?, body).await
    }

    /// Moves an order to `status`. Pancake's PUT replaces the order with what
    /// is sent and silently drops what it does not take, so the whole order
    /// as Pancake has it goes back with only the status changed, and the
    /// status is read back afterwards.
    pub async fn update_order_status(
        &self,
        id: i64,
        status: OrderStatus,
    ) -> Result<PancakeOrder, PancakeError> {
        let path = self.shop_path(&format!("/orders/{id}"))?;
        let mut order: Value = self.get_object(&path, &[]).await?;
        let fields = order
            .as_object_mut()
            .ok_or_else(|| PancakeError::Decode(format!("order {id} is not a JSON object")))?;
        fields.insert("status".to_owned(), json!(status.code()));
        let after = self
            .update_verified(&path, &path, &order, |after| has_status(after, status))
            .await?;
        serde_json::from_value(after).map_err(|err| PancakeError::Decode(err.to_string()))
    }
}

/// Whether the order read back is in `status`.
fn has_status(after: &Value, status: OrderStatus) -> Result<(), String> {
    let now = after
        .get("status")
        .cloned()
        .map(serde_json::from_value::<OrderStatus>)
        .transpose()
        .map_err(|err| format!("unreadable status: {err}"))?;
    match now {
        Some(now) if now == status => Ok(()),
        Some(now) => Err(format!(
            "the order is still in status {} ({}), not {}",
            now.code(),
            now.label(),
            status.code()
        )),
        None => Err("the order read back has no status".to_owned()),
    }
}

/// The id of the order a create made, when the answer names it.
pub fn created_order_id(answer: &Value) -> Option<i64> {
    number(created(answer).get("id")?)
}

/// The `system_id` of the order a create made, when the answer has it.
pub fn created_system_id(answer: &Value) -> Option<i64> {
    number(created(answer).get("system_id")?)
}

/// The status of the order a create made, when the answer has it.
pub fn created_status(answer: &Value) -> Option<OrderStatus> {
    serde_json::from_value(created(answer).get("status")?.clone()).ok()
}

/// The order in a create's answer: Pancake's spec shows the bare order,
/// while live answers wrap single objects in `data`, so both are read.
fn created(answer: &Value) -> &Value {
    answer
        .get("data")
        .filter(|data| data.is_object())
        .unwrap_or(answer)
}

fn number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn borrow<'a>(parameters: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    parameters
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}
