//! Liveness and readiness probes for load balancers and orchestrators.

use axum::{extract::State, routing::get, Json, Router};
use serde::Serialize;

use crate::{error::AppError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

#[derive(Debug, Serialize)]
struct Status {
    status: &'static str,
}

/// The process is up; says nothing about its dependencies.
async fn health() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// The app can serve requests: the database answers.
async fn ready(State(state): State<AppState>) -> Result<Json<Status>, AppError> {
    sqlx::query("SELECT 1")
        .execute(&state.db)
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "readiness check failed");
            AppError::Unavailable("The database is not reachable.".into())
        })?;
    Ok(Json(Status { status: "ready" }))
}
