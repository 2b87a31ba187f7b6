//! Refunds: a paid sale given back in full or by line, the money through the
//! gateway that took it where the gateway can send it back, in cash
//! otherwise, and the goods back on the shelf with stock movements.
//!
//! A refund with no gateway to call is one transaction. One that calls a
//! gateway is recorded `pending` first — which claims its lines and money, so
//! a second refund cannot take them too — then each gateway is asked, outside
//! any transaction, and the outcome is written in a last transaction: every
//! way completed (cash handed back, goods restocked), or `failed` with nothing
//! changed when the first gateway refused. When a later gateway refuses after
//! an earlier one gave money back, the rest is handed back in cash so the
//! refund still adds up; the refund's payments say so.

mod gateway;
pub mod model;
pub mod plan;
mod repo;
mod routes;

use std::collections::{BTreeMap, HashSet};

pub use routes::router;

use self::{
    model::{Refund, RefundRequest, RefundStatus},
    plan::{LineState, Part},
    repo::NewRefund,
};
use super::{gateways::GatewayError, model::Provider};
use crate::notifications::{emit, events, Notice};
use crate::{
    attribution::Attribution,
    clock, db,
    inventory::ledger::{self, MovementKind, NewMovement},
    orders::{self, model::OrderStatus},
    validate::{Problem, Problems},
    web::format,
    AppError, AppState,
};

/// The most order lines one refund may name.
const MAX_ITEMS: usize = 500;

/// The human-readable number of refund `id`: `TH` (trả hàng, goods
/// returned) and at least six digits.
fn refund_number(id: i64) -> String {
    format!("TH{id:06}")
}

/// Whether a refund was made by this request or found by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    New,
    Existing,
}

/// The validated request.
struct Wanted {
    /// (line id, quantity); every returnable unit when `None`.
    items: Option<Vec<(i64, i64)>>,
    restock: bool,
    reason: String,
    all_cash: bool,
}

fn validate(request: &RefundRequest) -> Result<Wanted, AppError> {
    let mut problems = Problems::default();
    let reason = problems
        .optional_text("reason", request.reason.as_deref(), 500)
        .unwrap_or_default();
    let all_cash = match request.method.as_deref().map(str::trim) {
        None | Some("") => false,
        Some(plan::CASH) => true,
        Some(_) => {
            problems.add(
                "method",
                Problem::Worded(
                    "must be cash, or left out to give money back the way it came".into(),
                ),
            );
            false
        }
    };
    let items = request.items.as_ref().map(|items| {
        if items.is_empty() {
            problems.add("items", Problem::NoItems);
        } else if items.len() > MAX_ITEMS {
            problems.add("items", Problem::TooManyItems(MAX_ITEMS));
        }
        let mut seen = HashSet::new();
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let line = problems.number(
                    &format!("items[{index}].lineId"),
                    item.line_id,
                    1..=i64::MAX,
                );
                let quantity = problems.number(
                    &format!("items[{index}].quantity"),
                    item.quantity,
                    1..=1_000_000,
                );
                if line > 0 && !seen.insert(line) {
                    problems.add(
                        format!("items[{index}].lineId"),
                        Problem::Worded("names a line already listed".into()),
                    );
                }
                (line, quantity)
            })
            .collect()
    });
    problems.finish()?;
    Ok(Wanted {
        items,
        restock: request.restock.unwrap_or(true),
        reason,
        all_cash,
    })
}

/// Refunds (part of) a paid or completed order.
pub async fn refund(
    state: &AppState,
    order_id: i64,
    request: &RefundRequest,
    key: Option<&str>,
    by: &Attribution,
) -> Result<(Refund, Made), AppError> {
    let wanted = validate(request)?;
    let recorded = match record(state, order_id, &wanted, key, by).await? {
        Recording::New(recorded) => recorded,
        Recording::Existing(id) => return Ok((get(state, id).await?, Made::Existing)),
    };
    let refund_id = recorded.refund_id;
    let actor = by.name().unwrap_or("poscake");
    let mut outcome = Ok(());
    for (index, (part_id, part)) in recorded.gateway_parts.iter().enumerate() {
        let payment =
            repo::gateway_payment(&mut *state.db.acquire().await?, part.payment_id).await?;
        let reference = format!("{}-{}", recorded.number, index + 1);
        let result = match &payment {
            Some(payment) => {
                let request = gateway::GiveBack {
                    reference: &reference,
                    amount: part.amount,
                    payment,
                    actor,
                    order_number: &recorded.order_number,
                };
                gateway::give_back(&state.payments, &request).await
            }
            None => Err(GatewayError::Malformed(
                "the payment has no gateway record".into(),
            )),
        };
        let now = clock::now_utc();
        let mut conn = state.db.acquire().await?;
        match result {
            Ok(provider_ref) => {
                repo::settle_payment(&mut conn, *part_id, true, provider_ref.as_deref(), "", &now)
                    .await?;
            }
            Err(err) => {
                tracing::warn!(
                    refund = %recorded.number,
                    method = %part.method,
                    error = %err,
                    "a gateway refused a refund"
                );
                repo::settle_payment(&mut conn, *part_id, false, None, &err.to_string(), &now)
                    .await?;
                outcome = Err((index, err.to_string()));
                break;
            }
        }
    }
    finish(state, refund_id, &recorded.gateway_parts, outcome, by).await?;
    let refund = get(state, refund_id).await?;
    if refund.status == RefundStatus::Failed {
        return Err(AppError::Upstream(format!(
            "Refund {} failed and nothing was given back: {}. Try again, or refund in cash \
             (method \"cash\").",
            refund.number, refund.detail
        )));
    }
    Ok((refund, Made::New))
}

/// What the first transaction did.
enum Recording {
    New(Recorded),
    /// The `Idempotency-Key` names this refund, made before.
    Existing(i64),
}

/// A refund as its first transaction left it.
struct Recorded {
    refund_id: i64,
    number: String,
    order_number: String,
    /// (refund payment id, part) for each gateway still to ask, in order.
    gateway_parts: Vec<(i64, Part)>,
}

/// First transaction: checks the order, works out the lines and the money,
/// and records the refund. Without gateways to call, it completes here;
/// otherwise it stays pending and the gateway parts are returned.
async fn record(
    state: &AppState,
    order_id: i64,
    wanted: &Wanted,
    key: Option<&str>,
    by: &Attribution,
) -> Result<Recording, AppError> {
    let now = clock::now_utc();
    let mut tx = db::begin_write(&state.db).await?;
    let order = orders::repo::lock(&mut tx, order_id, &now)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Order {order_id} does not exist.")))?;
    // Looked up under the order's lock: a retry racing the first request
    // waits for it here, then finds its refund.
    if let Some(key) = key {
        if let Some(existing) = repo::find_by_key(&mut tx, key).await? {
            if existing.order_id != order_id {
                return Err(AppError::Conflict(format!(
                    "Idempotency-Key {key} was used for refund {} of another order.",
                    existing.number
                )));
            }
            return Ok(Recording::Existing(existing.id));
        }
    }
    if !matches!(order.status, OrderStatus::Paid | OrderStatus::Completed) {
        return Err(AppError::Conflict(format!(
            "Order {} is {}; only a paid or completed order can be refunded.",
            order.number,
            order.status.as_str()
        )));
    }
    let lines = repo::line_states(&mut tx, order_id).await?;
    let returned = returned_lines(&lines, wanted.items.as_deref(), &order.number)?;
    let amount: i64 = returned.iter().map(|(_, _, amount)| amount).sum();

    let mut refundables = repo::refundables(&mut tx, order_id).await?;
    for payment in &mut refundables {
        payment.gateway_refundable = Provider::parse(&payment.method)
            .is_some_and(|provider| gateway::can_refund(&state.payments, provider));
    }
    let parts = plan::allocate(amount, &refundables, wanted.all_cash).ok_or_else(|| {
        AppError::Conflict(format!(
            "Order {} has less money left to refund than these lines are worth.",
            order.number
        ))
    })?;

    let refund = NewRefund {
        order_id,
        amount,
        restock: wanted.restock,
        reason: &wanted.reason,
        actor: by.name(),
        idempotency_key: key,
    };
    let refund_id = repo::insert(&mut tx, &refund, &now).await?;
    for (line_id, quantity, amount) in &returned {
        repo::insert_line(&mut tx, refund_id, *line_id, *quantity, *amount).await?;
    }
    let mut gateway_parts = Vec::new();
    for part in parts {
        let part_id = repo::insert_payment(&mut tx, refund_id, &part, &now).await?;
        if !part.is_cash() {
            gateway_parts.push((part_id, part));
        }
    }
    if gateway_parts.is_empty() {
        complete(&mut tx, refund_id, "", by, &now).await?;
    }
    tx.commit().await?;
    Ok(Recording::New(Recorded {
        refund_id,
        number: refund_number(refund_id),
        order_number: order.number,
        gateway_parts,
    }))
}

/// (line id, quantity, amount) for each line coming back, checked against
/// what each line still has to return.
fn returned_lines(
    lines: &[LineState],
    items: Option<&[(i64, i64)]>,
    order_number: &str,
) -> Result<Vec<(i64, i64, i64)>, AppError> {
    let returned: Vec<(i64, i64, i64)> = match items {
        None => lines
            .iter()
            .filter(|line| line.returnable() > 0)
            .map(|line| {
                (
                    line.id,
                    line.returnable(),
                    line.refund_amount(line.returnable()),
                )
            })
            .collect(),
        Some(items) => {
            let mut problems = Problems::default();
            let by_id: BTreeMap<i64, &LineState> = lines.iter().map(|l| (l.id, l)).collect();
            let mut returned = Vec::new();
            for (index, (line_id, quantity)) in items.iter().enumerate() {
                match by_id.get(line_id) {
                    None => problems.add(
                        format!("items[{index}].lineId"),
                        Problem::Worded(format!("is not a line of order {order_number}")),
                    ),
                    Some(line) if *quantity > line.returnable() => problems.add(
                        format!("items[{index}].quantity"),
                        Problem::AtMost(line.returnable()),
                    ),
                    Some(line) => {
                        returned.push((line.id, *quantity, line.refund_amount(*quantity)));
                    }
                }
            }
            problems.finish()?;
            returned
        }
    };
    if returned.is_empty() {
        return Err(AppError::Conflict(format!(
            "Order {order_number} has been refunded in full already."
        )));
    }
    Ok(returned)
}

/// Last transaction of a refund that called gateways: completes it, or marks
/// it failed when the first gateway refused. `outcome` is the index of the
/// gateway part that refused and why.
async fn finish(
    state: &AppState,
    refund_id: i64,
    gateway_parts: &[(i64, Part)],
    outcome: Result<(), (usize, String)>,
    by: &Attribution,
) -> Result<(), AppError> {
    if gateway_parts.is_empty() {
        return Ok(());
    }
    let now = clock::now_utc();
    let mut tx = db::begin_write(&state.db).await?;
    match outcome {
        Ok(()) => complete(&mut tx, refund_id, "", by, &now).await?,
        Err((0, reason)) => {
            repo::settle_pending_payments(&mut tx, refund_id, false, &now).await?;
            repo::finish(&mut tx, refund_id, RefundStatus::Failed, &reason, &now).await?;
        }
        Err((failed, reason)) => {
            // Money already went back through an earlier gateway and cannot
            // be recalled: what the refused and untried gateways owed comes
            // back in cash instead.
            let mut cash = BTreeMap::<i64, i64>::new();
            for (_, part) in &gateway_parts[failed..] {
                *cash.entry(part.payment_id).or_default() += part.amount;
            }
            for (part_id, _) in &gateway_parts[failed + 1..] {
                let detail = "not tried after an earlier refusal";
                repo::settle_payment(&mut tx, *part_id, false, None, detail, &now).await?;
            }
            for (payment_id, amount) in cash {
                let part = Part {
                    payment_id,
                    method: plan::CASH.to_owned(),
                    amount,
                };
                repo::insert_payment(&mut tx, refund_id, &part, &now).await?;
            }
            let detail = format!("{reason}; handed back in cash instead");
            complete(&mut tx, refund_id, &detail, by, &now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Marks the cash handed back, puts the goods back when asked, and completes
/// the refund, in the caller's transaction.
async fn complete(
    tx: &mut sqlx::AnyConnection,
    refund_id: i64,
    detail: &str,
    by: &Attribution,
    now: &str,
) -> Result<(), AppError> {
    let refund = repo::find(&mut *tx, refund_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("refund {refund_id} vanished"))?;
    repo::settle_pending_payments(&mut *tx, refund_id, true, now).await?;
    if refund.restock {
        let order = orders::repo::find(&mut *tx, refund.order_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("order {} vanished", refund.order_id))?;
        // Variant id order, as at checkout, so stock rows are locked in one order.
        let mut per_variant: BTreeMap<i64, i64> = BTreeMap::new();
        for line in repo::lines(&mut *tx, refund_id).await? {
            *per_variant.entry(line.variant_id).or_default() += line.quantity;
        }
        for (variant_id, quantity) in per_variant {
            let movement = NewMovement {
                variant_id,
                warehouse_id: order.warehouse_id,
                quantity,
                kind: MovementKind::CancelRestock,
                reason: format!("Refund {} of order {}", refund.number, order.number),
                order_id: Some(refund.order_id),
                actor: by.name().map(str::to_owned),
            };
            ledger::post(&mut *tx, &movement, false).await?;
        }
    }
    repo::finish(&mut *tx, refund_id, RefundStatus::Completed, detail, now).await?;
    let order_number: String = sqlx::query_scalar("SELECT number FROM orders WHERE id = $1")
        .bind(refund.order_id)
        .fetch_one(&mut *tx)
        .await?;
    let notice = Notice::new()
        .field("refund", &refund.number)
        .field("order", order_number)
        .field("amount", format::vnd(refund.amount))
        .field("by", by.name().unwrap_or("—"))
        .link(format!("/orders/{}", refund.order_id));
    emit(&mut *tx, events::REFUND_COMPLETED, notice).await?;
    Ok(())
}

/// A refund with its lines and payments.
pub async fn get(state: &AppState, id: i64) -> Result<Refund, AppError> {
    let mut conn = state.db.acquire().await?;
    let header = repo::find(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Refund {id} does not exist.")))?;
    let items = repo::lines(&mut conn, id).await?;
    let payments = repo::payments(&mut conn, id).await?;
    let cash_to_return = payments
        .iter()
        .filter(|p| p.method == plan::CASH && p.status != "failed")
        .map(|p| p.amount)
        .sum();
    Ok(Refund {
        id: header.id,
        number: header.number,
        order_id: header.order_id,
        status: header.status,
        amount: header.amount,
        cash_to_return,
        restock: header.restock,
        reason: header.reason,
        actor: header.actor,
        detail: header.detail,
        created_at: header.created_at,
        completed_at: header.completed_at,
        items,
        payments,
    })
}

/// The refunds of an order, oldest first.
pub async fn for_order(state: &AppState, order_id: i64) -> Result<Vec<Refund>, AppError> {
    orders::service::get(&state.db, order_id).await?;
    let headers = repo::for_order(&mut *state.db.acquire().await?, order_id).await?;
    let mut refunds = Vec::with_capacity(headers.len());
    for header in headers {
        refunds.push(get(state, header.id).await?);
    }
    Ok(refunds)
}
