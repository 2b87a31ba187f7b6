//! HTTP endpoints under `/api/stocktakes`.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::{
    model::{CountRequest, StartRequest, Status, Stocktake, StocktakeLine},
    pages, service,
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
        .route("/api/stocktakes", get(list).post(start))
        .route("/api/stocktakes/{id}", get(show))
        .route("/api/stocktakes/{id}/counts", post(count))
        .route("/api/stocktakes/{id}/submit", post(submit))
        .route("/api/stocktakes/{id}/apply", post(apply))
        .route("/api/stocktakes/{id}/cancel", post(cancel))
        .merge(pages::router())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    status: Option<Status>,
    page: Option<u32>,
    page_size: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<ApiResponse<Vec<Stocktake>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let (stocktakes, meta) = service::list(&state.db, query.status, page).await?;
    Ok(ApiResponse::page(stocktakes, meta))
}

async fn start(
    State(state): State<AppState>,
    by: Attribution,
    Json(request): Json<StartRequest>,
) -> Result<(StatusCode, ApiResponse<Stocktake>), AppError> {
    let started = service::start(&state.db, &request, &by).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(started)))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Stocktake>, AppError> {
    Ok(ApiResponse::ok(service::get(&state.db, id).await?))
}

async fn count(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
    Json(request): Json<CountRequest>,
) -> Result<ApiResponse<StocktakeLine>, AppError> {
    Ok(ApiResponse::ok(
        service::count(&state.db, id, &request, &by).await?,
    ))
}

async fn submit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
) -> Result<ApiResponse<Stocktake>, AppError> {
    Ok(ApiResponse::ok(service::submit(&state.db, id, &by).await?))
}

async fn apply(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
) -> Result<ApiResponse<Stocktake>, AppError> {
    Ok(ApiResponse::ok(
        service::apply(&state.db, state.rules, id, &by).await?,
    ))
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
) -> Result<ApiResponse<Stocktake>, AppError> {
    Ok(ApiResponse::ok(service::cancel(&state.db, id, &by).await?))
}
