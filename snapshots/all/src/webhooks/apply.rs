//! Applying what Pancake sent, once, through the same code as a local change.
//!
//! Each record is written down in `pancake_webhook_events` under its
//! [`dedup_key`](super::inbound::dedup_key) in the transaction that applies
//! it; a replay finds the row and changes nothing. The record is applied
//! inside a savepoint, so a record the app refuses rolls back alone and is
//! recorded `failed`, with the reason; a failed record is tried again when
//! Pancake sends it again.

use serde::Serialize;
use serde_json::Value;
use sqlx::{AnyConnection, AnyPool, Connection};

use super::{
    inbound::{self, Kind, Received},
    Inbound,
};
use crate::{
    api::PageMeta,
    clock, customers, db,
    inventory::ledger::{self, MovementKind, NewMovement, Posted},
    pagination::Pagination,
    pancake_orders::{
        sync::{keep_order, Kept},
        PancakeOrder,
    },
    pancake_products::{
        sync::{import_planned, plan_product, Action},
        Product,
    },
    AppError,
};

/// Who the stock ledger names for changes that came from Pancake.
const ACTOR: &str = "pancake-webhook";

/// What became of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Applied,
    Ignored,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Ignored => "ignored",
            Self::Failed => "failed",
        }
    }
}

/// One record's result, as the webhook's answer lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Handled {
    pub kind: &'static str,
    pub record_id: String,
    /// True when the record had been received before: nothing was done.
    pub duplicate: bool,
    /// `None` for a duplicate.
    pub outcome: Option<Outcome>,
    pub detail: String,
}

/// What applying a record did, or why it was not applied.
enum Done {
    Applied(String),
    Ignored(String),
}

/// Records and applies one record in a transaction of its own.
pub async fn receive(
    db: &AnyPool,
    settings: &Inbound,
    received: Received,
) -> Result<Handled, sqlx::Error> {
    let Received { kind, record } = received;
    let record_id = inbound::record_id(kind, &record, settings.shop_id);
    let key = inbound::dedup_key(kind, &record_id, &record);
    let mut handled = Handled {
        kind: kind.as_str(),
        record_id,
        duplicate: true,
        outcome: None,
        detail: String::new(),
    };
    let mut tx = db::begin_write(db).await?;
    // Taken first: a concurrent delivery of the same record waits here on
    // PostgreSQL (SQLite has one writer) and then finds it applied.
    let Some(event_id) = claim(&mut tx, &key, kind, &handled.record_id).await? else {
        tx.rollback().await?;
        return Ok(handled);
    };
    let mut savepoint = tx.begin().await?;
    let (outcome, detail) = match apply(&mut savepoint, settings, kind, &record).await {
        Ok(Done::Applied(detail)) => {
            savepoint.commit().await?;
            (Outcome::Applied, detail)
        }
        Ok(Done::Ignored(reason)) => {
            savepoint.commit().await?;
            (Outcome::Ignored, reason)
        }
        Err(err) => {
            savepoint.rollback().await?;
            if let AppError::Internal(cause) = &err {
                tracing::error!(error = %cause, kind = kind.as_str(), "a Pancake webhook failed");
            }
            (Outcome::Failed, err.to_string())
        }
    };
    sqlx::query("UPDATE pancake_webhook_events SET outcome = $1, detail = $2 WHERE id = $3")
        .bind(outcome.as_str())
        .bind(&detail)
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    handled.duplicate = false;
    handled.outcome = Some(outcome);
    handled.detail = detail;
    Ok(handled)
}

/// Writes the record's row, or takes over a failed one; `None` when it was
/// applied or ignored before.
async fn claim(
    conn: &mut AnyConnection,
    key: &str,
    kind: Kind,
    record_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO pancake_webhook_events (dedup_key, kind, record_id, received_at, outcome) \
         VALUES ($1, $2, $3, $4, 'failed') \
         ON CONFLICT (dedup_key) DO UPDATE SET received_at = excluded.received_at \
         WHERE pancake_webhook_events.outcome = 'failed' \
         RETURNING id",
    )
    .bind(key)
    .bind(kind.as_str())
    .bind(record_id)
    .bind(clock::now_utc())
    .fetch_optional(conn)
    .await
}

async fn apply(
    conn: &mut AnyConnection,
    settings: &Inbound,
    kind: Kind,
    record: &Value,
) -> Result<Done, AppError> {
    match kind {
        Kind::Orders => order(conn, settings, record).await,
        Kind::Customers => customer(conn, record).await,
        Kind::Products => product(conn, record).await,
        Kind::Stock => stock(conn, settings, record).await,
        Kind::Unknown => Ok(Done::Ignored(
            "not an order, customer, product or stock record".into(),
        )),
    }
}

fn unreadable(kind: &str, err: serde_json::Error) -> AppError {
    AppError::BadRequest(format!("Unreadable {kind} record: {err}."))
}

/// Keeps a copy in `pancake_orders`, unless the copy held is newer.
async fn order(
    conn: &mut AnyConnection,
    settings: &Inbound,
    record: &Value,
) -> Result<Done, AppError> {
    let order: PancakeOrder =
        serde_json::from_value(record.clone()).map_err(|err| unreadable("order", err))?;
    // Orders carry their shop; the configured one stands in when not.
    let Some(shop_id) = order.shop_id.or(settings.shop_id) else {
        return Ok(Done::Ignored(
            "the order names no shop and SHOP_ID is not set".into(),
        ));
    };
    let kept = keep_order(conn, shop_id, &order, record).await?;
    let id = order.id;
    Ok(match kept {
        Kept::Created => Done::Applied(format!("order {id} of shop {shop_id} kept")),
        Kept::Updated => Done::Applied(format!("order {id} of shop {shop_id} updated")),
        Kept::Unchanged => Done::Applied(format!("order {id} of shop {shop_id} unchanged")),
        Kept::Stale => Done::Ignored(format!(
            "order {id} of shop {shop_id} is older than the copy held"
        )),
    })
}

/// Creates or updates the customer with the same phone number; never
/// deletes, and keeps what Pancake leaves empty.
async fn customer(conn: &mut AnyConnection, record: &Value) -> Result<Done, AppError> {
    let texts = |key: &str| -> Vec<String> {
        record
            .get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|text| text.trim().to_owned())
                    .filter(|text| !text.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let Some(phone) = texts("phone_numbers")
        .iter()
        .find_map(|phone| customers::normalise_phone(phone))
    else {
        return Ok(Done::Ignored("no phone number the app can use".into()));
    };
    let existing: Option<(i64, String, Option<String>, String, String)> =
        sqlx::query_as("SELECT id, name, email, address, notes FROM customers WHERE phone = $1")
            .bind(&phone)
            .fetch_optional(&mut *conn)
            .await?;
    let name = record
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .or_else(|| existing.as_ref().map(|found| found.1.clone()));
    let Some(name) = name else {
        return Ok(Done::Ignored(format!("customer {phone} has no name")));
    };
    let email = texts("emails")
        .into_iter()
        // One the app would refuse would fail the whole customer.
        .find(|email| {
            email
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        })
        .or_else(|| existing.as_ref().and_then(|found| found.2.clone()));
    let address = record
        .get("shop_customer_address")
        .and_then(Value::as_array)
        .and_then(|addresses| {
            addresses.iter().find_map(|address| {
                ["full_address", "address"].into_iter().find_map(|key| {
                    address
                        .get(key)
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|text| !text.is_empty())
                        .map(str::to_owned)
                })
            })
        })
        .or_else(|| existing.as_ref().map(|found| found.3.clone()));
    let request = customers::CustomerRequest {
        name: Some(name),
        phone: Some(phone.clone()),
        email,
        address,
        notes: existing.as_ref().map(|found| found.4.clone()),
        // The app's points balance is its own.
        points: None,
    };
    let saved = customers::upsert_by_phone(conn, request).await?;
    let done = if existing.is_some() {
        "updated"
    } else {
        "created"
    };
    Ok(Done::Applied(format!("customer {} {done}", saved.id)))
}

/// Imports the product's variations by SKU, as `pancake products import
/// --apply` does, and remembers each variation's SKU for stock records.
async fn product(conn: &mut AnyConnection, record: &Value) -> Result<Done, AppError> {
    let product: Product =
        serde_json::from_value(record.clone()).map_err(|err| unreadable("product", err))?;
    let now = clock::now_utc();
    for variation in &product.variations {
        let (Some(id), Some(sku)) = (&variation.id, &variation.custom_id) else {
            continue;
        };
        if sku.trim().is_empty() {
            continue;
        }
        sqlx::query(
            "INSERT INTO pancake_webhook_variations (variation_id, sku, updated_at) \
             VALUES ($1, $2, $3) \
             ON CONFLICT (variation_id) DO UPDATE SET sku = excluded.sku, \
                                                     updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(sku)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    let plan = plan_product(conn, &product).await?;
    if plan.is_empty() {
        return Ok(Done::Ignored(format!(
            "no variation of {} has a SKU",
            product.name
        )));
    }
    let mut said = Vec::new();
    for item in &plan {
        let done = match &item.action {
            Action::Create | Action::Update { .. } => match import_planned(conn, item).await? {
                crate::catalog::UpsertOutcome::Created => "created".to_owned(),
                crate::catalog::UpsertOutcome::Updated => "updated".to_owned(),
            },
            Action::Unchanged => "unchanged".to_owned(),
            Action::Skip { reason } => format!("skipped: {reason}"),
        };
        said.push(format!("{} {done}", item.sku));
    }
    Ok(Done::Applied(said.join("; ")))
}

/// A whole number from a field Pancake may send as a number, a float or text.
fn whole(record: &Value, key: &str) -> Option<i64> {
    match record.get(key)? {
        Value::Number(number) => number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|n| n.fract() == 0.0)
                .map(|n| n as i64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn text<'a>(record: &'a Value, key: &str) -> Option<&'a str> {
    record
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}
/// Sets the variant's stock to Pancake's physical count
/// (`actual_remain_quantity`) with one adjustment, in the app's warehouse
/// linked to the record's Pancake warehouse (or the default one, when
/// `PANCAKE_WAREHOUSE_ID` names that Pancake warehouse).
async fn stock(
    conn: &mut AnyConnection,
    settings: &Inbound,
    record: &Value,
) -> Result<Done, AppError> {
    let warehouse = text(record, "warehouse_id").unwrap_or_default();
    let linked: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM warehouses WHERE pancake_warehouse_id = $1 AND active = 1",
    )
    .bind(warehouse)
    .fetch_optional(&mut *conn)
    .await?;
    let warehouse_id = match linked {
        Some(id) => id,
        None if settings.warehouse_id.as_deref() == Some(warehouse) => {
            ledger::default_warehouse(conn).await?
        }
        None => {
            return Ok(Done::Ignored(format!(
                "no open warehouse of the app is linked to Pancake warehouse {warehouse}"
            )))
        }
    };
    let Some(count) = whole(record, "actual_remain_quantity") else {
        return Ok(Done::Ignored("no actual_remain_quantity".into()));
    };
    if count < 0 {
        return Ok(Done::Ignored(format!(
            "Pancake counts {count}, below zero; the app keeps stock at zero or more"
        )));
    }
    let variation = text(record, "variation_id").unwrap_or_default();
    let sku = match text(record, "custom_id").or_else(|| text(record, "sku")) {
        Some(sku) => Some(sku.to_owned()),
        None => {
            sqlx::query_scalar("SELECT sku FROM pancake_webhook_variations WHERE variation_id = $1")
                .bind(variation)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let Some(sku) = sku else {
        return Ok(Done::Ignored(format!(
            "variation {variation} has no known SKU; a product webhook for it teaches the app"
        )));
    };
    let variant: Option<i64> = sqlx::query_scalar("SELECT id FROM product_variants WHERE sku = $1")
        .bind(&sku)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(variant_id) = variant else {
        return Ok(Done::Ignored(format!(
            "no product in the app has SKU {sku}"
        )));
    };
    let on_hand = ledger::on_hand(conn, variant_id, warehouse_id).await?;
    if on_hand == count {
        return Ok(Done::Applied(format!("{sku} already has {count} on hand")));
    }
    let movement = NewMovement {
        variant_id,
        warehouse_id,
        quantity: count - on_hand,
        kind: MovementKind::Adjustment,
        reason: format!("Pancake stock count for warehouse {warehouse}"),
        order_id: None,
        actor: Some(ACTOR.to_owned()),
    };
    match ledger::post(conn, &movement, false).await? {
        Posted::Done(_) => Ok(Done::Applied(format!(
            "{sku} set from {on_hand} to {count} on hand"
        ))),
        // Stock moved between the read and the write; Pancake's next
        // delivery will set it.
        Posted::Short { available } => Err(AppError::Conflict(format!(
            "{sku} changed while it was set: {available} on hand"
        ))),
    }
}

/// One record Pancake sent, as the admin page and API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct InboundEvent {
    pub id: i64,
    pub kind: String,
    pub record_id: String,
    pub received_at: String,
    pub outcome: String,
    pub detail: String,
}

/// The records Pancake sent, newest first.
pub async fn recent(
    db: &AnyPool,
    page: Pagination,
) -> Result<(Vec<InboundEvent>, PageMeta), AppError> {
    let events = sqlx::query_as(
        "SELECT id, kind, record_id, received_at, outcome, detail \
         FROM pancake_webhook_events ORDER BY id DESC LIMIT $1 OFFSET $2",
    )
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pancake_webhook_events")
        .fetch_one(db)
        .await?;
    Ok((events, page.meta(total)))
}
