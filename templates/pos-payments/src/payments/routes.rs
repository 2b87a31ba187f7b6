//! HTTP endpoints: starting a gateway payment (through the core's
//! `POST /api/orders/{id}/payments`), following it, its QR image, the
//! gateways' notifications, the page customers return to, and the list of
//! notifications to review.
//!
//! Each notification is checked by its gateway's adapter before anything is
//! read from it, applied by [`settle`], and answered the way that gateway
//! wants: VNPay reads an `RspCode`, MoMo a 204, Stripe and SePay any 2xx.

use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::json;

use super::{
    gateways::{
        momo::{self, ResultKind},
        sepay, stripe,
        vnpay::{self, IpnReply},
        GatewayError,
    },
    model::{GatewayPayment, NotificationRecord, Provider, NOTIFICATION_COLUMNS},
    now_unix,
    settle::{self, Notice, Outcome},
    start, vietqr,
};
use crate::{
    api::ApiResponse,
    extract::{Path, Query},
    orders::model::PaymentRequest,
    pagination::Pagination,
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/payments/notifications", get(notifications))
        .route("/api/payments/{id}", get(show))
        .route("/api/payments/{id}/qr", get(qr))
        .route("/api/payments/webhooks/sepay", post(sepay_webhook))
        .route("/api/payments/ipn/vnpay", get(vnpay_ipn))
        .route("/api/payments/ipn/momo", post(momo_ipn))
        .route("/api/payments/webhooks/stripe", post(stripe_webhook))
        .route("/payments/return/{provider}", get(returned))
        .merge(super::pages::router())
        .merge(super::refunds::router())
        .merge(super::shifts::router())
}

/// `POST /api/orders/{id}/payments` with a gateway's method: starts the
/// payment and answers 201 with what the till shows the customer.
pub async fn start_for_order(
    state: &AppState,
    order_id: i64,
    request: &PaymentRequest,
) -> Result<Response, AppError> {
    let method = request.method.as_deref().unwrap_or_default();
    let started = start::start(state, order_id, method, request.amount).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(started)).into_response())
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<GatewayPayment>, AppError> {
    Ok(ApiResponse::ok(start::get(&state, id).await?))
}

/// The VietQR code of a bank-transfer payment, as an SVG image.
async fn qr(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let payment = start::get(&state, id).await?;
    if payment.provider != Provider::VietQr {
        return Err(AppError::NotFound(format!("Payment {id} has no QR code.")));
    }
    let payload = start::qr_payload(&state, &payment)?;
    let image =
        vietqr::svg(&payload).map_err(|err| anyhow::anyhow!("cannot draw the QR: {err}"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        image,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationQuery {
    flagged: Option<bool>,
    page: Option<u32>,
    page_size: Option<u32>,
}

/// Notifications, newest first; `?flagged=true` for those a manager must see.
async fn notifications(
    State(state): State<AppState>,
    Query(query): Query<NotificationQuery>,
) -> Result<ApiResponse<Vec<NotificationRecord>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let only_flagged = i32::from(query.flagged.unwrap_or(false));
    let records = sqlx::query_as::<_, NotificationRecord>(&format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM payment_notifications \
         WHERE ($1 = 0 OR flagged = 1) ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(only_flagged)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(&state.db)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_notifications WHERE ($1 = 0 OR flagged = 1)",
    )
    .bind(only_flagged)
    .fetch_one(&state.db)
    .await?;
    Ok(ApiResponse::page(records, page.meta(total)))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// SePay's answer: 2xx with `{"success": true}` stops its retries.
fn sepay_answer(status: StatusCode, message: Option<&str>) -> Response {
    let body = match message {
        None => json!({"success": true}),
        Some(message) => json!({"success": false, "message": message}),
    };
    (status, Json(body)).into_response()
}

/// `POST /api/payments/webhooks/sepay`: an incoming bank transfer.
async fn sepay_webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(config) = state.payments.sepay.clone() else {
        return sepay_answer(
            StatusCode::NOT_FOUND,
            Some("Bank transfer is not configured."),
        );
    };
    let checked = sepay::authenticate(
        &config,
        header_text(&headers, "authorization"),
        header_text(&headers, "x-sepay-signature"),
        header_text(&headers, "x-sepay-timestamp"),
        &body,
        now_unix(),
    );
    if let Err(err) = checked {
        tracing::warn!(error = %err, "SePay webhook refused");
        return sepay_answer(StatusCode::UNAUTHORIZED, Some("Unauthorized"));
    }
    let webhook = match sepay::parse(&body) {
        Ok(webhook) => webhook,
        Err(err) => return sepay_answer(StatusCode::BAD_REQUEST, Some(&err.to_string())),
    };
    // Money leaving the account, or arriving in another account SePay
    // watches, is none of the till's business.
    let ours = webhook
        .account_number
        .as_deref()
        .is_none_or(|account| account == config.account_number);
    if webhook.transfer_type != "in" || !ours {
        return sepay_answer(StatusCode::OK, None);
    }
    let notice = Notice {
        provider: Provider::VietQr,
        txn_id: webhook.id.to_string(),
        reference: webhook.payment_code(),
        amount: webhook.transfer_amount,
        currency: "VND".into(),
        succeeded: true,
        payload: String::from_utf8_lossy(&body).into_owned(),
    };
    match settle::settle(&state.db, &notice).await {
        // A wrong amount is refused: SePay keeps it as failed for the shop to see.
        Ok(settled) if settled.outcome == Outcome::Mismatch => sepay_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("The amount does not match the payment."),
        ),
        // Money that arrived is acknowledged even when it matches nothing
        // payable: it is recorded and flagged, and retrying cannot help.
        Ok(_) => sepay_answer(StatusCode::OK, None),
        Err(err) => {
            tracing::error!(error = %format_args!("{err:#}"), "could not record a SePay webhook");
            sepay_answer(StatusCode::INTERNAL_SERVER_ERROR, Some("Try again later."))
        }
    }
}

/// `GET /api/payments/ipn/vnpay`: VNPay's server-to-server result, as a
/// signed query string. Always 200, with the `RspCode` that tells VNPay
/// whether to call again.
async fn vnpay_ipn(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let reply = vnpay_reply(&state, query.as_deref().unwrap_or_default()).await;
    ([(header::CONTENT_TYPE, "application/json")], reply.body()).into_response()
}

async fn vnpay_reply(state: &AppState, query: &str) -> IpnReply {
    let Some(config) = state.payments.vnpay.clone() else {
        // VNPay calls again later, by when it may be configured.
        return IpnReply::UNKNOWN_ERROR;
    };
    let ipn = match vnpay::verify_return(query, &config.hash_secret) {
        Ok(ipn) => ipn,
        Err(err) => {
            tracing::warn!(error = %err, "VNPay IPN refused");
            return IpnReply::for_error(&err);
        }
    };
    let txn_id = match ipn
        .transaction_no
        .as_deref()
        .filter(|number| *number != "0")
    {
        Some(number) => number.to_owned(),
        // A payment that failed before VNPay made a transaction has no
        // number; our reference and VNPay's date stand in for it.
        None => format!(
            "{}@{}",
            ipn.txn_ref,
            ipn.pay_date.as_deref().unwrap_or_default()
        ),
    };
    let notice = Notice {
        provider: Provider::VnPay,
        txn_id,
        reference: Some(ipn.txn_ref.clone()),
        amount: ipn.amount_vnd,
        currency: "VND".into(),
        succeeded: ipn.is_success(),
        payload: query.to_owned(),
    };
    match settle::settle(&state.db, &notice).await {
        // A failed payment recorded as failed is confirmed too: VNPay's
        // samples answer 00 once the order is updated either way.
        Ok(settled) => match settled.outcome {
            Outcome::Applied | Outcome::Failed => IpnReply::CONFIRM_SUCCESS,
            Outcome::Unmatched => IpnReply::ORDER_NOT_FOUND,
            Outcome::NotPayable => IpnReply::ALREADY_CONFIRMED,
            Outcome::Mismatch => IpnReply::INVALID_AMOUNT,
        },
        Err(err) => {
            tracing::error!(error = %format_args!("{err:#}"), "could not record a VNPay IPN");
            IpnReply::UNKNOWN_ERROR
        }
    }
}

/// `POST /api/payments/ipn/momo`: MoMo's result, as signed JSON. 204 once
/// it is recorded, whatever it says (replays too); 400 when it is not MoMo's.
async fn momo_ipn(State(state): State<AppState>, body: Bytes) -> Result<StatusCode, AppError> {
    let config = state
        .payments
        .momo
        .clone()
        .ok_or_else(|| AppError::NotFound("MoMo is not configured.".into()))?;
    let ipn = momo::verify_ipn(&body, &config).map_err(|err| refused("MoMo", err))?;
    if ipn.kind() == ResultKind::Pending {
        // Not a result yet. Recorded under its transId, it would make the
        // final result, which carries the same transId, look like a replay.
        tracing::info!(
            reference = %ipn.order_id,
            result_code = ipn.result_code,
            "MoMo reports a payment still in progress"
        );
        return Ok(StatusCode::NO_CONTENT);
    }
    let txn_id = if ipn.trans_id > 0 {
        ipn.trans_id.to_string()
    } else {
        // A payment refused before MoMo made a transaction; a retry of this
        // IPN repeats its responseTime, which is signed.
        format!("{}@{}", ipn.order_id, ipn.response_time)
    };
    let notice = Notice {
        provider: Provider::MoMo,
        txn_id,
        reference: Some(ipn.order_id.clone()),
        amount: ipn.amount,
        currency: "VND".into(),
        succeeded: momo::is_paid(ipn.result_code),
        payload: String::from_utf8_lossy(&body).into_owned(),
    };
    // A wrong amount is flagged for a manager; MoMo calling again would not
    // change it, so it is acknowledged like the rest.
    settle::settle(&state.db, &notice).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/payments/webhooks/stripe`: a Stripe event, signed in the
/// `Stripe-Signature` header. 200 `{"received": true}` once handled or
/// ignored; 400 when it is not Stripe's, too old, or for the wrong amount.
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let config = state
        .payments
        .stripe
        .clone()
        .ok_or_else(|| AppError::NotFound("Stripe is not configured.".into()))?;
    let signature = header_text(&headers, "stripe-signature").ok_or_else(|| {
        refused(
            "Stripe",
            GatewayError::Malformed("no Stripe-Signature header".into()),
        )
    })?;
    let event = stripe::verify_webhook(
        &body,
        signature,
        &config.webhook_secret,
        now_unix(),
        stripe::DEFAULT_TOLERANCE_SECONDS,
    )
    .map_err(|err| refused("Stripe", err))?;
    let received = || Json(json!({"received": true})).into_response();
    let succeeded = match event.event_type.as_str() {
        "payment_intent.succeeded" => true,
        "payment_intent.payment_failed" => false,
        // Whatever else the endpoint is subscribed to.
        _ => return Ok(received()),
    };
    let payment = event.payment.ok_or_else(|| {
        refused(
            "Stripe",
            GatewayError::Malformed("a payment event without its PaymentIntent".into()),
        )
    })?;
    let Some(reference) = payment.order_payment() else {
        // Not started by this app: the Stripe account may serve a web shop too.
        tracing::info!(event = %event.id, "Stripe payment without our payment code ignored");
        return Ok(received());
    };
    let notice = Notice {
        provider: Provider::Stripe,
        // Stripe delivers an event again under the same id.
        txn_id: event.id.clone(),
        reference: Some(reference.to_owned()),
        amount: payment.amount,
        // Stripe writes `vnd`; attempts keep ISO codes in upper case.
        currency: payment.currency.to_ascii_uppercase(),
        succeeded,
        payload: String::from_utf8_lossy(&body).into_owned(),
    };
    let settled = settle::settle(&state.db, &notice).await?;
    if settled.outcome == Outcome::Mismatch {
        return Err(AppError::BadRequest(
            "The amount does not match the payment.".into(),
        ));
    }
    Ok(received())
}

/// A notification that failed its gateway's check: nothing is recorded.
fn refused(gateway: &str, err: GatewayError) -> AppError {
    tracing::warn!(gateway, error = %err, "payment notification refused");
    AppError::BadRequest(err.to_string())
}

/// `GET /payments/return/{vnpay|momo}`: where the gateway sends the
/// customer's browser after paying. The result it carries is for display
/// only and is not read: the order is paid by the gateway's notification.
async fn returned(Path(provider): Path<String>) -> Result<Html<&'static str>, AppError> {
    match Provider::parse(&provider) {
        Some(Provider::VnPay | Provider::MoMo) => Ok(Html(RETURN_PAGE)),
        _ => Err(AppError::NotFound("No such page.".into())),
    }
}

const RETURN_PAGE: &str = r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Thanh toán</title>
</head>
<body>
<main>
<h1>Thanh toán</h1>
<p>Kết quả thanh toán đã được gửi tới cửa hàng; nhân viên thu ngân sẽ xác nhận với quý khách. Quý khách có thể đóng trang này.</p>
<p lang="en">The result of your payment has gone to the shop, and the cashier will confirm it with you. You may close this page.</p>
</main>
</body>
</html>
"#;

impl From<GatewayError> for AppError {
    fn from(err: GatewayError) -> Self {
        match err {
            GatewayError::Http(_) | GatewayError::Rejected { .. } => {
                Self::Upstream(err.to_string())
            }
            other => Self::BadRequest(other.to_string()),
        }
    }
}
