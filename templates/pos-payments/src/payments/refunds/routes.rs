//! HTTP endpoints of refunds.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::get,
    Router,
};

use super::{
    model::{Refund, RefundRequest},
    Made,
};
use crate::{
    api::ApiResponse,
    attribution::Attribution,
    extract::{idempotency_key, Json, Path},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/orders/{id}/refunds", get(list).post(create))
        .route("/api/refunds/{id}", get(show))
}

/// Refunds an order: 201 with the refund, or 200 when the `Idempotency-Key`
/// header matches a refund made before (that refund is returned). A refund a
/// gateway refused answers 502 and changes nothing.
async fn create(
    State(state): State<AppState>,
    Path(order_id): Path<i64>,
    by: Attribution,
    headers: HeaderMap,
    Json(request): Json<RefundRequest>,
) -> Result<(StatusCode, ApiResponse<Refund>), AppError> {
    let key = idempotency_key(&headers)?;
    let (refund, made) = super::refund(&state, order_id, &request, key, &by).await?;
    let status = match made {
        Made::New => StatusCode::CREATED,
        Made::Existing => StatusCode::OK,
    };
    Ok((status, ApiResponse::ok(refund)))
}

async fn list(
    State(state): State<AppState>,
    Path(order_id): Path<i64>,
) -> Result<ApiResponse<Vec<Refund>>, AppError> {
    Ok(ApiResponse::ok(super::for_order(&state, order_id).await?))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Refund>, AppError> {
    Ok(ApiResponse::ok(super::get(&state, id).await?))
}
