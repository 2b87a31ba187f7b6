//! Starting a payment through a gateway for what an order still owes.

use sqlx::Row;

use super::{
    model::{AttemptStatus, GatewayPayment, Provider, StartedPayment, PAYMENT_COLUMNS},
    vietqr::{self, Transfer},
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
    match provider {
        Provider::VietQr => {
            started.qr_data = Some(qr_payload(state, &payment)?);
            started.qr_url = Some(format!("/api/payments/{}/qr", payment.id));
        }
        Provider::VnPay | Provider::MoMo | Provider::Stripe => {
            unreachable!("not offered until configured")
        }
    }
    Ok(started)
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
    let reference = format!(
        "{}{id:0width$}",
        super::gateways::sepay::CODE_PREFIX,
        width = CODE_DIGITS
    );
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

/// The VietQR payload for a bank-transfer attempt.
pub fn qr_payload(state: &AppState, payment: &GatewayPayment) -> Result<String, AppError> {
    let sepay = state
        .payments
        .sepay
        .as_ref()
        .ok_or_else(|| AppError::Unavailable("Bank transfer is not configured.".into()))?;
    Ok(vietqr::payload(&Transfer {
        bank_bin: &sepay.bank_bin,
        account_number: &sepay.account_number,
        amount: payment.amount,
        content: &payment.reference,
    }))
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
