//! Starting a payment through a gateway for what an order still owes.
//!
//! The attempt is recorded first, so it has its payment code; then the
//! gateway is asked for what the customer needs (a QR code, a page to open,
//! a client secret). Calls to MoMo and Stripe create something there and are
//! never retried here: if one fails, the attempt is marked failed and the
//! cashier starts a new one.

use sqlx::Row;

use super::{
    gateways::{
        momo::{self, RequestType},
        notification_path,
        stripe::{self, PaymentIntentRequest},
        vnpay::{self, Locale},
        GatewayError,
    },
    model::{AttemptStatus, GatewayPayment, Provider, StartedPayment, PAYMENT_COLUMNS},
    now_unix,
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

/// Where VNPay and MoMo send the customer's browser back, below the public
/// base URL, followed by `/vnpay` or `/momo`.
pub const RETURN_PATH: &str = "/payments/return";

/// How long the customer has to pay on VNPay's page.
const VNPAY_EXPIRE_MINUTES: u32 = 15;

/// VNPay wants the customer's IP address, but the payment is started by the
/// till, not by the customer's device, so there is none to give.
const VNPAY_IP_ADDR: &str = "127.0.0.1";

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

/// The `vnp_CreateDate` of a VNPay payment whose row was written at
/// `created_at`, in Unix seconds. A refund sends it back as the payment's
/// `vnp_TransactionDate`.
pub fn vnpay_create_date(created_at: &str) -> i64 {
    clock::unix_seconds(created_at).unwrap_or_else(now_unix)
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
/// `started`.
async fn hand_over(
    state: &AppState,
    order_number: &str,
    payment: &GatewayPayment,
    started: &mut StartedPayment,
) -> Result<(), AppError> {
    let gateways = &state.payments;
    match payment.provider {
        Provider::VietQr => {
            started.qr_data = Some(qr_payload(state, payment)?);
            started.qr_url = Some(format!("/api/payments/{}/qr", payment.id));
        }
        Provider::VnPay => {
            let config = configured(gateways.vnpay.as_deref(), "VNPay")?;
            let request = vnpay::PaymentRequest {
                txn_ref: payment.reference.clone(),
                amount_vnd: payment.amount,
                order_info: vnpay::plain_text(&format!("Thanh toan don {order_number}"), 255),
                return_url: format!("{}{RETURN_PATH}/vnpay", public_base_url(state)?),
                ip_addr: VNPAY_IP_ADDR.into(),
                created_at_unix: vnpay_create_date(&payment.created_at),
                expire_minutes: VNPAY_EXPIRE_MINUTES,
                locale: Locale::Vn,
                bank_code: None,
            };
            started.redirect_url = Some(vnpay::payment_url(config, &request)?);
        }
        Provider::MoMo => {
            let config = configured(gateways.momo.as_deref(), "MoMo")?;
            let base = public_base_url(state)?;
            let request = momo::CreateRequest {
                order_id: payment.reference.clone(),
                // One create per attempt: MoMo refuses a requestId it has
                // seen, so this create cannot happen twice.
                request_id: payment.reference.clone(),
                amount: payment.amount,
                order_info: format!("Thanh toán đơn {order_number}"),
                redirect_url: format!("{base}{RETURN_PATH}/momo"),
                ipn_url: format!("{base}{}", notification_path(Provider::MoMo)),
                extra_data: String::new(),
                request_type: RequestType::CaptureWallet,
            };
            let created = momo::create_payment(&gateways.http, config, &request)
                .await
                .map_err(|err| upstream("MoMo", err))?;
            started.redirect_url = Some(created.pay_url);
            started.qr_data = created.qr_code_url;
        }
        Provider::Stripe => {
            let config = configured(gateways.stripe.as_deref(), "Stripe")?;
            let request = PaymentIntentRequest {
                amount_vnd: payment.amount,
                reference: payment.reference.clone(),
                description: format!("Đơn {order_number}"),
            };
            // The payment code as idempotency key: should this request reach
            // Stripe twice, it still makes one PaymentIntent.
            let intent =
                stripe::create_payment_intent(&gateways.http, config, &request, &payment.reference)
                    .await
                    .map_err(|err| upstream("Stripe", err))?;
            sqlx::query("UPDATE gateway_payments SET provider_ref = $1 WHERE id = $2")
                .bind(&intent.id)
                .bind(payment.id)
                .execute(&state.db)
                .await?;
            started.client_secret = Some(intent.client_secret);
        }
    }
    Ok(())
}

fn configured<'a, T>(config: Option<&'a T>, gateway: &str) -> Result<&'a T, AppError> {
    config.ok_or_else(|| AppError::Unavailable(format!("{gateway} is not configured.")))
}

fn public_base_url(state: &AppState) -> Result<&str, AppError> {
    state
        .payments
        .public_base_url
        .as_deref()
        .ok_or_else(|| AppError::Unavailable("PUBLIC_BASE_URL is not set.".into()))
}

/// Whatever went wrong while creating the payment at the gateway, the
/// gateway did not give us one: 502.
fn upstream(gateway: &str, err: GatewayError) -> AppError {
    AppError::Upstream(format!("{gateway} did not create the payment: {err}"))
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
