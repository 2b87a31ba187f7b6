//! HTTP endpoints for categories under `/api/categories`.

use axum::{extract::State, http::StatusCode, routing::get, Router};
use serde::Serialize;

use super::{service, Category, CategoryRequest};
use crate::{
    api::ApiResponse,
    extract::{Json, Path},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/categories", get(list).post(create))
        .route("/api/categories/{id}", get(show).put(update).delete(remove))
}

async fn list(State(state): State<AppState>) -> Result<ApiResponse<Vec<Category>>, AppError> {
    Ok(ApiResponse::ok(service::list(&state.db).await?))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Category>, AppError> {
    Ok(ApiResponse::ok(service::get(&state.db, id).await?))
}

async fn create(
    State(state): State<AppState>,
    Json(request): Json<CategoryRequest>,
) -> Result<(StatusCode, ApiResponse<Category>), AppError> {
    let category = service::create(&state.db, request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(category)))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(request): Json<CategoryRequest>,
) -> Result<ApiResponse<Category>, AppError> {
    Ok(ApiResponse::ok(
        service::update(&state.db, id, request).await?,
    ))
}

/// The id of what was deleted.
#[derive(Debug, Serialize)]
struct Deleted {
    id: i64,
}

async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Deleted>, AppError> {
    service::delete(&state.db, id).await?;
    Ok(ApiResponse::ok(Deleted { id }))
}
