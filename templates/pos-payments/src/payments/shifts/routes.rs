//! HTTP endpoints of cash shifts, and the pages' routes with them.

use axum::{
    body::HttpBody,
    extract::{FromRequest, Request, State},
    http::StatusCode,
    routing::{get, post},
    Router,
};

use super::{
    model::{CloseRequest, MovementRequest, OpenRequest, ShiftDetail, ShiftSummary},
    pages, service,
};
use crate::{
    api::ApiResponse,
    attribution::Attribution,
    extract::{Json, Path, Query},
    pagination::PageQuery,
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/shifts", get(list).post(open))
        .route("/api/shifts/current", get(current))
        .route("/api/shifts/{id}", get(show))
        .route("/api/shifts/{id}/cash-movements", post(move_cash))
        .route("/api/shifts/{id}/close", post(close))
        .route("/api/shifts/{id}/approve", post(approve))
        .merge(pages::router())
}

/// Shifts, newest first.
async fn list(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<ApiResponse<Vec<ShiftSummary>>, AppError> {
    let (shifts, meta) = service::list(&state.db, query.pagination()?).await?;
    Ok(ApiResponse::page(shifts, meta))
}

async fn open(
    State(state): State<AppState>,
    by: Attribution,
    Json(request): Json<OpenRequest>,
) -> Result<(StatusCode, ApiResponse<ShiftDetail>), AppError> {
    let shift = service::open(&state.db, &request, &by).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(shift)))
}

/// The open shift with its figures so far; 404 when none is open.
async fn current(State(state): State<AppState>) -> Result<ApiResponse<ShiftDetail>, AppError> {
    Ok(ApiResponse::ok(service::current(&state.db).await?))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<ShiftDetail>, AppError> {
    Ok(ApiResponse::ok(service::get(&state.db, id).await?))
}

async fn move_cash(
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
    Json(request): Json<MovementRequest>,
) -> Result<ApiResponse<ShiftDetail>, AppError> {
    let shift = service::move_cash(&state.db, id, &request, &by).await?;
    Ok(ApiResponse::ok(shift))
}

async fn close(
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
    Json(request): Json<CloseRequest>,
) -> Result<ApiResponse<ShiftDetail>, AppError> {
    let shift = service::close(&state.db, state.shifts, id, &request, &by).await?;
    Ok(ApiResponse::ok(shift))
}

/// Approves the count waiting on the shift; a body of `{"counted": …}`
/// replaces it with the manager's recount. No body at all is fine.
async fn approve(
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
    request: Request,
) -> Result<ApiResponse<ShiftDetail>, AppError> {
    let request = if request.body().size_hint().exact() == Some(0) {
        CloseRequest::default()
    } else {
        Json::<CloseRequest>::from_request(request, &state).await?.0
    };
    let shift = service::approve(&state.db, id, &request, &by).await?;
    Ok(ApiResponse::ok(shift))
}
