//! HTTP endpoints of webhooks: the one Pancake posts to, and the admin's API
//! over endpoints, deliveries and what Pancake sent.

use axum::{
    body::{to_bytes, Body},
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post, put},
    Router,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{
    apply::{self, Handled, Outcome},
    deliveries,
    endpoints::{self, EndpointRequest},
    inbound::{self, Kind},
    pages, Inbound,
};
use crate::{
    api::{ApiResponse, ErrorEnvelope},
    clock::unix_now,
    extract::{Json, Path, Query},
    pagination::Pagination,
    validate::Problem,
    AppError, AppState,
};

/// The largest body Pancake may post: an order with hundreds of lines is
/// far below it.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/pancake", post(pancake))
        .route(
            "/api/webhooks/endpoints",
            get(list_endpoints).post(add_endpoint),
        )
        .route(
            "/api/webhooks/endpoints/{id}",
            put(change_endpoint).delete(remove_endpoint),
        )
        .route("/api/webhooks/deliveries", get(list_deliveries))
        .route("/api/webhooks/deliveries/{id}/retry", post(retry))
        .route("/api/webhooks/inbound", get(list_inbound))
        .merge(pages::router())
}

#[derive(Debug, Default, Deserialize)]
struct PancakeQuery {
    /// The kind of record, when the URL configured in Pancake names it.
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// What a delivery did: a count per outcome and each record's result.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    /// True when every record had been received before.
    duplicate: bool,
    applied: usize,
    ignored: usize,
    failed: usize,
    records: Vec<Handled>,
}

/// Whether the request carries the configured secret in the configured
/// header. Both sides are hashed first, so the comparison takes the same time
/// whatever the length or content of a wrong guess.
fn authentic(settings: &Inbound, secret: &str, headers: &HeaderMap) -> bool {
    let Some(sent) = headers.get(&settings.header) else {
        return false;
    };
    let sent = Sha256::digest(sent.as_bytes());
    let expected = Sha256::digest(secret.as_bytes());
    sent.ct_eq(&expected).into()
}

/// `POST /webhooks/pancake`: applies each record once and answers 200 with
/// what became of it, or 202 when nothing in it could be applied.
async fn pancake(
    State(state): State<AppState>,
    Query(query): Query<PancakeQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let settings = &state.webhooks.inbound;
    let Some(secret) = &settings.secret else {
        return Err(AppError::NotFound(
            "Pancake webhooks are not configured here.".into(),
        ));
    };
    if !authentic(settings, secret, &headers) {
        tracing::warn!(
            header = settings.header.as_str(),
            "a Pancake webhook came without the right secret"
        );
        return Err(AppError::Unauthorized(format!(
            "The {} header is missing or wrong.",
            settings.header
        )));
    }
    let forced = match query.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => Some(Kind::parse(name).ok_or_else(|| {
            AppError::invalid(
                "type",
                Problem::Worded(
                    "must be orders, customers, products or variations_warehouses".into(),
                ),
            )
        })?),
    };
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        let message = format!("The body is larger than {} KiB.", BODY_LIMIT / 1024);
        let envelope = ErrorEnvelope::new("PAYLOAD_TOO_LARGE", message, None);
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, axum::Json(envelope)).into_response());
    };
    let body: Value = serde_json::from_slice(&bytes)
        .map_err(|err| AppError::BadRequest(format!("Malformed JSON: {err}.")))?;

    let mut answer = Answer {
        duplicate: true,
        applied: 0,
        ignored: 0,
        failed: 0,
        records: Vec::new(),
    };
    for received in inbound::records(body, forced) {
        let handled = apply::receive(&state.db, settings, received).await?;
        answer.duplicate &= handled.duplicate;
        match handled.outcome {
            Some(Outcome::Applied) => answer.applied += 1,
            Some(Outcome::Ignored) => answer.ignored += 1,
            Some(Outcome::Failed) => answer.failed += 1,
            None => {}
        }
        answer.records.push(handled);
    }
    answer.duplicate &= !answer.records.is_empty();
    // 202: taken, and nothing in it was for this app.
    let status = if answer.ignored == answer.records.len() {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, ApiResponse::ok(answer)).into_response())
}

async fn list_endpoints(
    State(state): State<AppState>,
) -> Result<ApiResponse<Vec<endpoints::Endpoint>>, AppError> {
    Ok(ApiResponse::ok(endpoints::list(&state.db).await?))
}

/// 201 with the endpoint and its `secret`, shown this once.
async fn add_endpoint(
    State(state): State<AppState>,
    Json(request): Json<EndpointRequest>,
) -> Result<(StatusCode, ApiResponse<endpoints::Created>), AppError> {
    let created = endpoints::create(&state.db, &request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(created)))
}

async fn change_endpoint(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(request): Json<EndpointRequest>,
) -> Result<ApiResponse<endpoints::Endpoint>, AppError> {
    Ok(ApiResponse::ok(
        endpoints::update(&state.db, id, &request).await?,
    ))
}

async fn remove_endpoint(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    endpoints::delete(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    page: Option<u32>,
    page_size: Option<u32>,
    status: Option<String>,
}

/// The delivery log, newest first; `?status=` filters it.
async fn list_deliveries(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<ApiResponse<Vec<deliveries::Delivery>>, AppError> {
    let status = deliveries::status_filter(query.status.as_deref())?;
    let page = Pagination::new(query.page, query.page_size)?;
    let (list, meta) = deliveries::list(&state.db, status, page).await?;
    Ok(ApiResponse::page(list, meta))
}

/// Queues a dead delivery to be sent again: 202 with
/// `{"id": …, "status": "pending"}`.
async fn retry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<(StatusCode, ApiResponse<Value>), AppError> {
    deliveries::retry(&state.db, id, unix_now()).await?;
    let queued = json!({ "id": id, "status": "pending" });
    Ok((StatusCode::ACCEPTED, ApiResponse::ok(queued)))
}

/// What Pancake sent, newest first, with what became of each record.
async fn list_inbound(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<ApiResponse<Vec<apply::InboundEvent>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let (list, meta) = apply::recent(&state.db, page).await?;
    Ok(ApiResponse::page(list, meta))
}
