//! HTTP endpoints under `/api/warehouses` and `/api/transfers`.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::{
    model::{Transfer, TransferRequest, WarehouseDetail, WarehouseRequest},
    pages, service, transfers,
};
use crate::{
    api::ApiResponse,
    attribution::Attribution,
    extract::{Json, Path, Query},
    pagination::Pagination,
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/warehouses", get(list).post(create))
        .route("/api/warehouses/{id}", get(show).put(update))
        .route("/api/warehouses/{id}/default", post(make_default))
        .route("/api/transfers", get(list_transfers).post(create_transfer))
        .route("/api/transfers/{id}", get(show_transfer))
        .merge(pages::router())
}

async fn list(
    State(state): State<AppState>,
) -> Result<ApiResponse<Vec<WarehouseDetail>>, AppError> {
    Ok(ApiResponse::ok(service::list(&state.db).await?))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<WarehouseDetail>, AppError> {
    Ok(ApiResponse::ok(service::get(&state.db, id).await?))
}

async fn create(
    State(state): State<AppState>,
    Json(request): Json<WarehouseRequest>,
) -> Result<(StatusCode, ApiResponse<WarehouseDetail>), AppError> {
    let created = service::create(&state.db, &request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(created)))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(request): Json<WarehouseRequest>,
) -> Result<ApiResponse<WarehouseDetail>, AppError> {
    Ok(ApiResponse::ok(
        service::update(&state.db, id, &request).await?,
    ))
}

async fn make_default(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<WarehouseDetail>, AppError> {
    Ok(ApiResponse::ok(service::make_default(&state.db, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransferQuery {
    warehouse_id: Option<i64>,
    page: Option<u32>,
    page_size: Option<u32>,
}

async fn list_transfers(
    State(state): State<AppState>,
    Query(query): Query<TransferQuery>,
) -> Result<ApiResponse<Vec<Transfer>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let (transfers, meta) = transfers::list(&state.db, query.warehouse_id, page).await?;
    Ok(ApiResponse::page(transfers, meta))
}

async fn create_transfer(
    State(state): State<AppState>,
    by: Attribution,
    Json(request): Json<TransferRequest>,
) -> Result<(StatusCode, ApiResponse<Transfer>), AppError> {
    let transfer = transfers::create(&state.db, &request, &by).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(transfer)))
}

async fn show_transfer(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Transfer>, AppError> {
    Ok(ApiResponse::ok(transfers::get(&state.db, id).await?))
}
