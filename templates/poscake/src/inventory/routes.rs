//! HTTP endpoints for stock under `/api/inventory`.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::{
    model::{LowStockItem, Movement, StockChange, StockLevel, StockRequest, Warehouse},
    service::{self, MovementFilter},
};
use crate::{
    api::ApiResponse,
    attribution::Attribution,
    extract::{Json, Query},
    pagination::{PageQuery, Pagination},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/inventory/adjustments", post(adjust))
        .route("/api/inventory/receipts", post(receive))
        .route("/api/inventory/movements", get(movements))
        .route("/api/inventory/levels", get(levels))
        .route("/api/inventory/low-stock", get(low_stock))
        .route("/api/inventory/warehouses", get(warehouses))
}

async fn adjust(
    State(state): State<AppState>,
    by: Attribution,
    Json(request): Json<StockRequest>,
) -> Result<(StatusCode, ApiResponse<StockChange>), AppError> {
    let change = service::adjust(&state.db, state.rules, &request, &by).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(change)))
}

async fn receive(
    State(state): State<AppState>,
    by: Attribution,
    Json(request): Json<StockRequest>,
) -> Result<(StatusCode, ApiResponse<StockChange>), AppError> {
    let change = service::receive(&state.db, state.rules, &request, &by).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(change)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StockQuery {
    product_id: Option<i64>,
    variant_id: Option<i64>,
    warehouse_id: Option<i64>,
    page: Option<u32>,
    page_size: Option<u32>,
}

async fn movements(
    State(state): State<AppState>,
    Query(query): Query<StockQuery>,
) -> Result<ApiResponse<Vec<Movement>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let filter = MovementFilter {
        product_id: query.product_id,
        variant_id: query.variant_id,
        warehouse_id: query.warehouse_id,
    };
    let (movements, meta) = service::movements(&state.db, filter, page).await?;
    Ok(ApiResponse::page(movements, meta))
}

async fn levels(
    State(state): State<AppState>,
    Query(query): Query<StockQuery>,
) -> Result<ApiResponse<Vec<StockLevel>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let (levels, meta) =
        service::levels(&state.db, query.product_id, query.warehouse_id, page).await?;
    Ok(ApiResponse::page(levels, meta))
}

async fn low_stock(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<ApiResponse<Vec<LowStockItem>>, AppError> {
    let page = query.pagination()?;
    let (items, meta) = service::low_stock(&state.db, page).await?;
    Ok(ApiResponse::page(items, meta))
}

async fn warehouses(
    State(state): State<AppState>,
) -> Result<ApiResponse<Vec<Warehouse>>, AppError> {
    Ok(ApiResponse::ok(service::warehouses(&state.db).await?))
}
