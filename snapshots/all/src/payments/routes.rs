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
    gateways::{vnpay::IpnReply, GatewayError, Inbound, Verified},
    model::{GatewayPayment, NotificationRecord, Provider, NOTIFICATION_COLUMNS},
    now_unix,
    settle::{self, Outcome, Settled},
    start, vietqr,
};
use crate::{
    api::ApiResponse,
    extract::{Path, Query, RawBody},
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
    let sepay = state
        .payments
        .sepay
        .as_ref()
        .ok_or_else(|| AppError::Unavailable("Bank transfer is not configured.".into()))?;
    let payload = sepay.qr_payload(payment.amount, &payment.reference);
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

/// Why a notification was not handled.
enum Unhandled {
    /// The app is not configured for the gateway.
    NotConfigured,
    /// Its adapter refused it: not the gateway's, or not readable. Nothing
    /// is recorded.
    Refused(GatewayError),
    /// It could not be recorded; the gateway should send it again.
    NotRecorded(AppError),
}

/// Has `provider`'s adapter check and read a notification, then applies
/// what it says. `None` when it is genuine but has nothing to apply.
async fn receive(
    state: &AppState,
    provider: Provider,
    inbound: &Inbound<'_>,
) -> Result<Option<Settled>, Unhandled> {
    let adapter = state
        .payments
        .adapter(provider)
        .ok_or(Unhandled::NotConfigured)?;
    match adapter.verify(inbound, now_unix()) {
        Ok(Verified::Apply(notice)) => settle::settle(&state.db, &notice)
            .await
            .map(Some)
            .map_err(Unhandled::NotRecorded),
        Ok(Verified::Ignore(reason)) => {
            tracing::info!(
                gateway = adapter.name(),
                reason,
                "payment notification not applied"
            );
            Ok(None)
        }
        Err(err) => {
            tracing::warn!(gateway = adapter.name(), error = %err, "payment notification refused");
            Err(Unhandled::Refused(err))
        }
    }
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
    let inbound = Inbound {
        headers: &headers,
        query: "",
        body: &body,
    };
    match receive(&state, Provider::VietQr, &inbound).await {
        Err(Unhandled::NotConfigured) => sepay_answer(
            StatusCode::NOT_FOUND,
            Some("Bank transfer is not configured."),
        ),
        // From SePay, but not the JSON it documents.
        Err(Unhandled::Refused(err @ GatewayError::Malformed(_))) => {
            sepay_answer(StatusCode::BAD_REQUEST, Some(&err.to_string()))
        }
        Err(Unhandled::Refused(_)) => sepay_answer(StatusCode::UNAUTHORIZED, Some("Unauthorized")),
        // A wrong amount is refused: SePay keeps it as failed for the shop to see.
        Ok(Some(settled)) if settled.outcome == Outcome::Mismatch => sepay_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("The amount does not match the payment."),
        ),
        // Money that arrived is acknowledged even when it matches nothing
        // payable: it is recorded and flagged, and retrying cannot help.
        Ok(_) => sepay_answer(StatusCode::OK, None),
        Err(Unhandled::NotRecorded(err)) => {
            tracing::error!(error = %format_args!("{err:#}"), "could not record a SePay webhook");
            sepay_answer(StatusCode::INTERNAL_SERVER_ERROR, Some("Try again later."))
        }
    }
}

/// `GET /api/payments/ipn/vnpay`: VNPay's server-to-server result, as a
/// signed query string. Always 200, with the `RspCode` that tells VNPay
/// whether to call again.
async fn vnpay_ipn(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let inbound = Inbound {
        headers: &headers,
        query: query.as_deref().unwrap_or_default(),
        body: &[],
    };
    let reply = match receive(&state, Provider::VnPay, &inbound).await {
        // VNPay calls again later, by when it may be configured.
        Err(Unhandled::NotConfigured) => IpnReply::UNKNOWN_ERROR,
        Err(Unhandled::Refused(err)) => IpnReply::for_error(&err),
        Err(Unhandled::NotRecorded(err)) => {
            tracing::error!(error = %format_args!("{err:#}"), "could not record a VNPay IPN");
            IpnReply::UNKNOWN_ERROR
        }
        // VNPay's adapter applies every IPN it verifies; were one left
        // unapplied, calling again would not change that.
        Ok(None) => IpnReply::CONFIRM_SUCCESS,
        // A failed payment recorded as failed is confirmed too: VNPay's
        // samples answer 00 once the order is updated either way.
        Ok(Some(settled)) => match settled.outcome {
            Outcome::Applied | Outcome::Failed => IpnReply::CONFIRM_SUCCESS,
            Outcome::Unmatched => IpnReply::ORDER_NOT_FOUND,
            Outcome::NotPayable => IpnReply::ALREADY_CONFIRMED,
            Outcome::Mismatch => IpnReply::INVALID_AMOUNT,
        },
    };
    ([(header::CONTENT_TYPE, "application/json")], reply.body()).into_response()
}

/// `POST /api/payments/ipn/momo`: MoMo's result, as signed JSON. 204 once
/// it is recorded, whatever it says (replays too), or while the payment is
/// still in progress; 400 when it is not MoMo's.
async fn momo_ipn(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<StatusCode, AppError> {
    let inbound = Inbound {
        headers: &headers,
        query: "",
        body: &body,
    };
    match receive(&state, Provider::MoMo, &inbound).await {
        Err(Unhandled::NotConfigured) => Err(AppError::NotFound("MoMo is not configured.".into())),
        Err(Unhandled::Refused(err)) => Err(AppError::BadRequest(err.to_string())),
        Err(Unhandled::NotRecorded(err)) => Err(err),
        // A wrong amount is flagged for a manager; MoMo calling again would
        // not change it, so it is acknowledged like the rest.
        Ok(_) => Ok(StatusCode::NO_CONTENT),
    }
}

/// `POST /api/payments/webhooks/stripe`: a Stripe event, signed in the
/// `Stripe-Signature` header. 200 `{"received": true}` once handled or
/// ignored; 400 when it is not Stripe's, too old, or for the wrong amount.
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, AppError> {
    let inbound = Inbound {
        headers: &headers,
        query: "",
        body: &body,
    };
    match receive(&state, Provider::Stripe, &inbound).await {
        Err(Unhandled::NotConfigured) => {
            Err(AppError::NotFound("Stripe is not configured.".into()))
        }
        Err(Unhandled::Refused(err)) => Err(AppError::BadRequest(err.to_string())),
        Err(Unhandled::NotRecorded(err)) => Err(err),
        Ok(Some(settled)) if settled.outcome == Outcome::Mismatch => Err(AppError::BadRequest(
            "The amount does not match the payment.".into(),
        )),
        Ok(_) => Ok(Json(json!({"received": true})).into_response()),
    }
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
