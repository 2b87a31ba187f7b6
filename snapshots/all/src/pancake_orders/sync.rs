//! The app's sales and Pancake's orders, kept side by side.
//!
//! Pushing sends one paid or completed sale of the app to Pancake as a new
//! order and records which Pancake order it became, so the sale is never
//! sent twice. Pulling reads the orders Pancake changed in a time range and
//! keeps a copy of each in `pancake_orders`, for reports that need both
//! tills' sales.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::{AnyConnection, AnyPool};

use super::{
    api::{created_order_id, created_status, created_system_id, OrderQuery},
    OrderStatus, PancakeOrder,
};
use crate::{
    clock, db,
    orders::{
        model::{Order, OrderStatus as LocalStatus},
        service,
    },
    pancake::{PancakeClient, PancakeError},
};

/// The status a pushed sale is created in: 3, Đã nhận (received).
///
/// The body of a create is the spec's Order, whose `status` takes any code
/// of the status enum. The spec's example creates in 0 (Mới), but to Pancake
/// 0 is an order still to handle: it holds sellable stock back without
/// taking it off the shelf, and waits to be confirmed, packed and shipped.
/// A sale at the till is over: the customer paid and has the goods. In the
/// spec's flow order (0, 17, 11, 12, 13, 20, 1, 8, 9, 2, 3, 16, …) 3 is the
/// first status in which the customer has the goods, and it comes after 9
/// (Chờ chuyển hàng), where Pancake takes physical stock, so Pancake's shelf
/// count follows the sale. 16 (Đã thu tiền) comes after it and records money
/// collected later, which a sale paid at the till never has to wait for.
/// `received_at_shop: true` ("Bán tại quầy" in the spec) says the same: no
/// carrier is involved.
///
/// Whether Pancake takes a new order straight into 3 is not documented, so
/// the status its answer gives is handed back to the operator.
pub const PUSHED_STATUS: OrderStatus = OrderStatus::Received;

/// The most result pages read when looking one SKU up.
const MAX_SKU_PAGES: u32 = 5;
/// The most order pages one pull reads: 10 000 orders at 50 a page.
const MAX_PULL_PAGES: u32 = 200;

/// Which Pancake order a local order became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub order_id: i64,
    pub shop_id: i64,
    pub pancake_order_id: i64,
    pub system_id: Option<i64>,
    pub pushed_at: String,
}

/// What [`push_sale`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// A new Pancake order, in the status Pancake's answer gave (when it did).
    Created {
        link: Link,
        status: Option<OrderStatus>,
    },
    /// The sale was pushed before; nothing was sent.
    AlreadyLinked(Link),
}

/// A local SKU found in Pancake.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Matched {
    variation_id: String,
    product_id: Option<String>,
}

/// Sends the local order `order_id`, paid or completed, to Pancake as a new
/// order, once.
///
/// Each line's SKU must be the `custom_id` of exactly one Pancake variation;
/// the push is refused before anything is written when one is not. The link
/// is recorded as soon as Pancake answers with the new order's id. When the
/// outcome of the create is uncertain (no answer, or an answer without an
/// id) nothing is recorded and the error says to look in Pancake first,
/// because pushing again might make the sale twice there.
pub async fn push_sale(
    client: &PancakeClient,
    db: &AnyPool,
    order_id: i64,
) -> anyhow::Result<Pushed> {
    if let Some(link) = find_link(&mut *db.acquire().await?, order_id).await? {
        return Ok(Pushed::AlreadyLinked(link));
    }
    let order = service::get(db, order_id).await?;
    let number = &order.header.number;
    if !matches!(
        order.header.status,
        LocalStatus::Paid | LocalStatus::Completed
    ) {
        bail!(
            "order {number} is {}; only a paid or completed sale is pushed to Pancake",
            order.header.status.as_str()
        );
    }
    let shop_id = client
        .config()
        .shop_id
        .ok_or(PancakeError::ShopNotConfigured)?;
    let matched = match_skus(client, &order).await?;
    let body = order_body(shop_id, &order, &matched);

    let answer = client
        .create_order(&body)
        .await
        .map_err(|err| uncertain_create(err, number))?;
    let Some(pancake_order_id) = created_order_id(&answer) else {
        bail!(
            "Pancake answered the create of order {number} without an order id, so nothing \
             was recorded; look in Pancake for an order noting {number} before pushing it \
             again, since pushing again may make the sale twice"
        );
    };
    let link = Link {
        order_id,
        shop_id,
        pancake_order_id,
        system_id: created_system_id(&answer),
        pushed_at: clock::now_utc(),
    };
    insert_link(db, &link).await.with_context(|| {
        format!(
            "order {number} was created in Pancake as order {pancake_order_id} (shop \
             {shop_id}) but the link could not be recorded; do not push it again"
        )
    })?;
    let status = created_status(&answer);
    Ok(Pushed::Created { link, status })
}

/// The Pancake variation of each SKU the order sells, looked up by
/// Pancake's search and kept only on an exact `custom_id` match, since the
/// search is fuzzy. Every SKU without exactly one match is named.
async fn match_skus(
    client: &PancakeClient,
    order: &Order,
) -> anyhow::Result<BTreeMap<String, Matched>> {
    let mut matched = BTreeMap::new();
    let mut missing = Vec::new();
    for line in &order.items {
        if matched.contains_key(&line.sku) || missing.contains(&line.sku) {
            continue;
        }
        match find_variation(client, &line.sku).await? {
            Some(found) => {
                matched.insert(line.sku.clone(), found);
            }
            None => missing.push(line.sku.clone()),
        }
    }
    if !missing.is_empty() {
        bail!(
            "order {} was not pushed: not exactly one Pancake variation has the SKU {}",
            order.header.number,
            missing.join(", ")
        );
    }
    Ok(matched)
}

/// The one variation whose SKU is exactly `sku`; `None` for none or several.
async fn find_variation(client: &PancakeClient, sku: &str) -> anyhow::Result<Option<Matched>> {
    let mut found = Vec::new();
    for number in 1..=MAX_SKU_PAGES {
        let page = client.variations(Some(sku), number).await?;
        let last = page.data.is_empty() || page.total_pages.is_none_or(|total| number >= total);
        found.extend(
            page.data
                .into_iter()
                .filter(|variation| variation.custom_id.as_deref() == Some(sku)),
        );
        if last {
            break;
        }
    }
    let [variation] = found.as_slice() else {
        return Ok(None);
    };
    let Some(variation_id) = variation.id.clone() else {
        return Ok(None);
    };
    let product_id = variation
        .extra
        .get("product_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Some(Matched {
        variation_id,
        product_id,
    }))
}

/// The create body for `order`: its lines at the prices sold, every
/// discount as the order's `total_discount` (Pancake's per-item discount is
/// per unit, the app's per line), the cash taken, and a note naming the
/// local order so it can be found both ways. The price goes in
/// `variation_info.retail_price`, where the spec's create example has it.
fn order_body(shop_id: i64, order: &Order, matched: &BTreeMap<String, Matched>) -> Value {
    let items: Vec<Value> = order
        .items
        .iter()
        .filter_map(|line| {
            let variation = matched.get(&line.sku)?;
            let mut item = json!({
                "variation_id": variation.variation_id,
                "quantity": line.quantity,
                "variation_info": {"retail_price": line.unit_price},
            });
            if let Some(product_id) = &variation.product_id {
                item["product_id"] = json!(product_id);
            }
            Some(item)
        })
        .collect();
    let number = &order.header.number;
    json!({
        "shop_id": shop_id,
        "status": PUSHED_STATUS.code(),
        "received_at_shop": true,
        "custom_id": number,
        "note": format!("Đơn {number} bán tại quầy (nord)"),
        "items": items,
        "total_discount": order.header.discount,
        "cash": order.header.paid,
    })
}

/// A failed create, with a warning when Pancake may have made the order
/// anyway: the answer was lost, or it was a server error or unreadable.
fn uncertain_create(error: PancakeError, number: &str) -> anyhow::Error {
    let uncertain = match &error {
        PancakeError::Transport { .. } | PancakeError::Decode(_) => true,
        PancakeError::Status { status, .. } => status.is_server_error(),
        _ => false,
    };
    if uncertain {
        anyhow::Error::new(error).context(format!(
            "the create of order {number} may have reached Pancake; nothing was recorded, so \
             look in Pancake for an order noting {number} before pushing it again"
        ))
    } else {
        error.into()
    }
}

/// The link recorded for local order `order_id`, if it was pushed.
pub async fn find_link(conn: &mut AnyConnection, order_id: i64) -> anyhow::Result<Option<Link>> {
    let link = sqlx::query_as(
        "SELECT order_id, shop_id, pancake_order_id, system_id, pushed_at \
         FROM pancake_order_links WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_optional(conn)
    .await?;
    Ok(link)
}

async fn insert_link(db: &AnyPool, link: &Link) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO pancake_order_links \
             (order_id, shop_id, pancake_order_id, system_id, pushed_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(link.order_id)
    .bind(link.shop_id)
    .bind(link.pancake_order_id)
    .bind(link.system_id)
    .bind(&link.pushed_at)
    .execute(db)
    .await?;
    Ok(())
}

/// What [`pull_orders`] did to the local copies.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pulled {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Reads every order Pancake last updated between `since` and `until`
/// (Unix seconds) and keeps a copy of each, keyed by shop and id. Pancake
/// is read first and the copies are written in one transaction, so a pull
/// cut short by Pancake leaves the database as it was.
pub async fn pull_orders(
    client: &PancakeClient,
    db: &AnyPool,
    since: i64,
    until: i64,
) -> anyhow::Result<Pulled> {
    if since > until {
        bail!("the start of the range is after its end");
    }
    let configured_shop = client
        .config()
        .shop_id
        .ok_or(PancakeError::ShopNotConfigured)?;
    let query = OrderQuery {
        updated_since: Some(since),
        updated_until: Some(until),
        ..OrderQuery::default()
    };
    let raw_orders = client.all_orders_raw(&query, MAX_PULL_PAGES).await?;

    let now = clock::now_utc();
    let mut pulled = Pulled::default();
    let mut tx = db::begin_write(db).await?;
    for raw in raw_orders {
        let order: PancakeOrder = serde_json::from_value(raw.clone())
            .map_err(|err| anyhow!("unreadable order from Pancake: {err}"))?;
        // Orders carry their shop; the configured one stands in when not.
        let shop_id = order.shop_id.unwrap_or(configured_shop);
        let text = serde_json::to_string(&raw)?;
        let stored: Option<String> = sqlx::query_scalar(
            "SELECT raw FROM pancake_orders WHERE shop_id = $1 AND pancake_id = $2",
        )
        .bind(shop_id)
        .bind(order.id)
        .fetch_optional(&mut *tx)
        .await?;
        match stored {
            Some(stored) if stored == text => {
                pulled.unchanged += 1;
                continue;
            }
            Some(_) => pulled.updated += 1,
            None => pulled.created += 1,
        }
        upsert(&mut tx, shop_id, &order, &text, &now).await?;
    }
    tx.commit().await?;
    Ok(pulled)
}

/// What [`keep_order`] did with one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Created,
    Updated,
    /// The copy already said exactly this.
    Unchanged,
    /// The copy is of a later version (its `updated_at` is after this
    /// one's), so it was left as it is: deliveries can arrive out of order.
    Stale,
}

/// Keeps a copy of one order Pancake sent (`raw` is the order as it came),
/// in the caller's transaction, unless the copy held is newer: it is
/// overwritten only when this order's `updated_at` is the same or later.
/// An order without `updated_at` only replaces a copy without one too.
pub async fn keep_order(
    conn: &mut AnyConnection,
    shop_id: i64,
    order: &PancakeOrder,
    raw: &Value,
) -> anyhow::Result<Kept> {
    let text = serde_json::to_string(raw)?;
    let stored: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT raw, updated_at FROM pancake_orders WHERE shop_id = $1 AND pancake_id = $2",
    )
    .bind(shop_id)
    .bind(order.id)
    .fetch_optional(&mut *conn)
    .await?;
    let kept = match &stored {
        None => Kept::Created,
        Some((stored, _)) if *stored == text => return Ok(Kept::Unchanged),
        Some((_, stored_at)) => {
            let incoming = order.updated_at.as_deref().map(comparable_time);
            let held = stored_at.as_deref().map(comparable_time);
            if incoming < held {
                return Ok(Kept::Stale);
            }
            Kept::Updated
        }
    };
    upsert(conn, shop_id, order, &text, &clock::now_utc()).await?;
    Ok(kept)
}

/// Pancake's timestamp in a form that sorts in time order: it sends naive
/// UTC text with or without fractions of a second and sometimes a `Z`, so
/// the offset is dropped and the fraction padded to microseconds.
fn comparable_time(text: &str) -> String {
    let text = text.trim().trim_end_matches('Z');
    let text = text.strip_suffix("+00:00").unwrap_or(text);
    let (seconds, fraction) = text.split_once('.').unwrap_or((text, ""));
    format!("{seconds}.{fraction:0<6}")
}

async fn upsert(
    conn: &mut AnyConnection,
    shop_id: i64,
    order: &PancakeOrder,
    raw: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pancake_orders (shop_id, pancake_id, system_id, status, status_name, \
                                     total, inserted_at, updated_at, raw, pulled_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (shop_id, pancake_id) DO UPDATE SET \
             system_id = excluded.system_id, status = excluded.status, \
             status_name = excluded.status_name, total = excluded.total, \
             inserted_at = excluded.inserted_at, updated_at = excluded.updated_at, \
             raw = excluded.raw, pulled_at = excluded.pulled_at",
    )
    .bind(shop_id)
    .bind(order.id)
    .bind(order.system_id)
    .bind(order.status.code())
    .bind(order.status_name.as_deref())
    .bind(order.total_price)
    .bind(order.inserted_at.as_deref())
    .bind(order.updated_at.as_deref())
    .bind(raw)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
