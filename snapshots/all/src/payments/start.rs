//! Starting a payment through a gateway for what an order still owes.
//!
//! The attempt is recorded first, so it has its payment code; then the
//! gateway's adapter is asked for what the customer needs (a QR code, a page
//! to open, a client secret). Calls to MoMo and Stripe create something there
//! and are never retried here: if one fails, the attempt is marked failed and
//! the cashier starts a new one.

use sqlx::Row;

use super::{
    gateways::{momo, sepay, stripe, Attempt},
    model::{AttemptStatus, GatewayPayment, Provider, StartedPayment, PAYMENT_COLUMNS},
};
use crate::{
    clock, db,
    orders::{self, model::OrderStatus},
    validate::{Problem, Problems},
    AppError, AppState,
};

/// Payment codes carry at least this many digits, so SePay's payment code
/// structure can be set to a fixed minimum.
const CODE_DIGITS: usize = 6;

/// Starts a payment of `amount` (what is still due when `None`) by `method`
/// for a pending order.
pub async fn start(
    state: &AppState,
    order_id: i64,
    method: &str,
    amount: Option<i64>,
) -> Result<StartedPayment, AppError> {
    let mut problems = Problems::default();
    let provider = Provider::parse(method).filter(|p| state.payments.offers(*p));
    if provider.is_none() {
        problems.add("method", Problem::Worded(not_offered(state)));
    }
    problems.finish()?;
    let provider = provider.expect("checked above");

    let order = orders::service::get(&state.db, order_id).await?;
    if order.header.status != OrderStatus::Pending || order.header.remaining == 0 {
        return Err(AppError::Conflict(format!(
            "Order {} is {}; only a pending order with something to pay takes payments.",
            order.header.number,
            order.header.status.as_str()
        )));
    }
    let remaining = order.header.remaining;
    let amount = amount.unwrap_or(remaining);
    if !(1..=remaining).contains(&amount) {
        return Err(AppError::invalid("amount", Problem::Between(1, remaining)));
    }

    check_gateway_limits(provider, amount)?;

    let payment = insert(state, order_id, provider, amount).await?;
    let mut started = StartedPayment {
        payment_id: payment.id,
        order_id,
        method: provider,
        reference: payment.reference.clone(),
        amount,
        status: AttemptStatus::Pending,
        qr_data: None,
        qr_url: None,
        redirect_url: None,
        client_secret: None,
    };
    if let Err(err) = hand_over(state, &order.header.number, &payment, &mut started).await {
        tracing::warn!(
            method = provider.as_str(),
            reference = %payment.reference,
            error = %err,
            "could not start a gateway payment"
        );
        mark_failed(state, payment.id).await?;
        return Err(err);
    }
    Ok(started)
}

/// Refuses, before anything is recorded, an amount the gateway would refuse.
fn check_gateway_limits(provider: Provider, amount: i64) -> Result<(), AppError> {
    let range = match provider {
        Provider::MoMo => momo::CAPTURE_WALLET_AMOUNTS,
        Provider::Stripe => 1..=stripe::MAX_AMOUNT_VND,
        Provider::VietQr | Provider::VnPay => return Ok(()),
    };
    if range.contains(&amount) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "amount",
            Problem::Between(*range.start(), *range.end()),
        ))
    }
}

/// Gets from the gateway what the customer needs to pay `payment`, into
/// `started`, and keeps the gateway's id for the payment when it gives one.
async fn hand_over(
    state: &AppState,
    order_number: &str,
    payment: &GatewayPayment,
    started: &mut StartedPayment,
) -> Result<(), AppError> {
    let gateways = &state.payments;
    let adapter = gateways.adapter(payment.provider).ok_or_else(|| {
        AppError::Unavailable(format!("{} is not configured.", payment.provider.as_str()))
    })?;
    let attempt = Attempt {
        reference: &payment.reference,
        amount: payment.amount,
        order_number,
        created_at: &payment.created_at,
        public_base_url: gateways.public_base_url.as_deref(),
    };
    // Whatever went wrong, the gateway did not give us a payment: 502.
    let handover = adapter
        .start(&gateways.http, &attempt)
        .await
        .map_err(|err| {
            AppError::Upstream(format!(
                "{} did not create the payment: {err}",
                adapter.name()
            ))
        })?;
    if let Some(provider_ref) = &handover.provider_ref {
        sqlx::query("UPDATE gateway_payments SET provider_ref = $1 WHERE id = $2")
            .bind(provider_ref)
            .bind(payment.id)
            .execute(&state.db)
            .await?;
    }
    // The app draws a bank transfer's QR code itself; MoMo's comes as data.
    if payment.provider == Provider::VietQr {
        started.qr_url = Some(format!("/api/payments/{}/qr", payment.id));
    }
    started.qr_data = handover.qr_data;
    started.redirect_url = handover.redirect_url;
    started.client_secret = handover.client_secret;
    Ok(())
}

/// Closes an attempt that never reached the customer.
async fn mark_failed(state: &AppState, id: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE gateway_payments SET status = $1, settled_at = $2, updated_at = $2 \
         WHERE id = $3 AND status = $4",
    )
    .bind(AttemptStatus::Failed.as_str())
    .bind(clock::now_utc())
    .bind(id)
    .bind(AttemptStatus::Pending.as_str())
    .execute(&state.db)
    .await?;
    Ok(())
}

/// The words of the refusal: the methods this app offers.
fn not_offered(state: &AppState) -> String {
    let offered: Vec<&str> = std::iter::once("cash")
        .chain(
            Provider::ALL
                .into_iter()
                .filter(|p| state.payments.offers(*p))
                .map(Provider::as_str),
        )
        .collect();
    format!("must be one of the methods offered: {}", offered.join(", "))
}

/// Records the attempt and gives it its payment code, in one transaction.
async fn insert(
    state: &AppState,
    order_id: i64,
    provider: Provider,
    amount: i64,
) -> Result<GatewayPayment, AppError> {
    let now = clock::now_utc();
    let mut tx = db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query(
        "INSERT INTO gateway_payments (order_id, provider, amount, status, created_at, updated_at) \
         VALUES ($1, $2, $3, 'pending', $4, $4) RETURNING id",
    )
    .bind(order_id)
    .bind(provider.as_str())
    .bind(amount)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let reference = format!("{}{id:0width$}", sepay::CODE_PREFIX, width = CODE_DIGITS);
    let payment = sqlx::query_as::<_, GatewayPayment>(&format!(
        "UPDATE gateway_payments SET reference = $1 WHERE id = $2 RETURNING {PAYMENT_COLUMNS}"
    ))
    .bind(&reference)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(payment)
}

pub async fn get(state: &AppState, id: i64) -> Result<GatewayPayment, AppError> {
    sqlx::query_as::<_, GatewayPayment>(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM gateway_payments WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("No payment with id {id}.")))
}
