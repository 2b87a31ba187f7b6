//! HTTP endpoints for orders under `/api/orders`.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::{
    checkout::{self, Placed},
    model::{Order, OrderFilter, OrderHeader, OrderRequest, OrderStatus, PaymentRequest},
    payments, service,
};
use crate::{
    api::ApiResponse,
    attribution::Attribution,
    extract::{idempotency_key, Json, Path, Query},
    pagination::Pagination,
    validate::Problem,
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/orders", get(list).post(create))
        .route("/api/orders/{id}", get(show))
        .route("/api/orders/{id}/payments", post(pay))
        .route("/api/orders/{id}/complete", post(complete))
        .route("/api/orders/{id}/cancel", post(cancel))
}

/// Creates an order: 201 when new, 200 when the `Idempotency-Key` header
/// matches an order made before (the same order is returned).
async fn create(
    State(state): State<AppState>,
    by: Attribution,
    headers: HeaderMap,
    Json(request): Json<OrderRequest>,
) -> Result<(StatusCode, ApiResponse<Order>), AppError> {
    let key = idempotency_key(&headers)?;
    let (order, placed) = checkout::place(&state.db, state.rules, &request, key, &by).await?;
    let status = match placed {
        Placed::Created => {
            // Counted once the order is committed; a replayed retry is not a new order.
            state.metrics.order_created();
            StatusCode::CREATED
        }
        Placed::Replayed => StatusCode::OK,
    };
    Ok((status, ApiResponse::ok(order)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    status: Option<String>,
    customer_id: Option<i64>,
    page: Option<u32>,
    page_size: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<ApiResponse<Vec<OrderHeader>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            OrderStatus::parse(text)
                .ok_or_else(|| AppError::invalid("status", Problem::OrderStatus))?,
        ),
    };
    let filter = OrderFilter {
        status,
        customer_id: query.customer_id,
    };
    let (orders, meta) = service::list(&state.db, filter, page).await?;
    Ok(ApiResponse::page(orders, meta))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Order>, AppError> {
    Ok(ApiResponse::ok(service::get(&state.db, id).await?))
}
/// Cash is taken here; any other method starts a payment with its gateway,
/// which pays the order when the gateway confirms it.
async fn pay(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(request): Json<PaymentRequest>,
) -> Result<Response, AppError> {
    if request
        .method
        .as_deref()
        .is_some_and(|method| method != "cash")
    {
        return crate::payments::start_for_order(&state, id, &request).await;
    }
    let outcome = payments::pay(&state.db, id, &request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(outcome)).into_response())
}

async fn complete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Order>, AppError> {
    Ok(ApiResponse::ok(service::complete(&state.db, id).await?))
}

async fn cancel(
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Order>, AppError> {
    Ok(ApiResponse::ok(service::cancel(&state.db, id, &by).await?))
}
