//! HTTP endpoints: starting a gateway payment (through the core's
//! `POST /api/orders/{id}/payments`), following it, its QR image, the
//! gateways' notifications, and the list of notifications to review.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::json;

use super::{
    gateways::{sepay, GatewayError},
    model::{GatewayPayment, NotificationRecord, Provider, NOTIFICATION_COLUMNS},
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

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
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
