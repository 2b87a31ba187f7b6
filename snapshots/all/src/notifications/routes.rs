//! HTTP endpoints of notifications: a person's own list, live stream and
//! preferences, and the admin's view of every delivery.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    http::{request::Parts, StatusCode},
    response::sse::{Event as SseEvent, KeepAlive, Sse},
    routing::{delete, get, post},
    Router,
};
use futures_util::{stream::Stream, StreamExt as _};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

use super::{deliveries, devices, forgot, inbox, pages, preferences};
use crate::{
    api::ApiResponse,
    auth::Actor,
    clock::unix_now,
    extract::{Json, Path, Query},
    pagination::Pagination,
    web::Lang,
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/notifications", get(list))
        .route("/api/notifications/unread", get(unread))
        .route("/api/notifications/stream", get(stream))
        .route("/api/notifications/{id}/read", post(read))
        .route("/api/notifications/read", post(read_all))
        .route(
            "/api/notifications/preferences",
            get(show_preferences).put(save_preferences),
        )
        .route("/api/notifications/devices", post(add_device))
        .route("/api/notifications/devices/{id}", delete(remove_device))
        .route("/api/notifications/deliveries", get(list_deliveries))
        .route("/api/notifications/deliveries/{id}/retry", post(retry))
        .merge(pages::router())
        .merge(forgot::router())
}

/// The account behind a request: notifications belong to people, and an API
/// token is not one.
pub(super) fn person(actor: &Actor) -> Result<i64, AppError> {
    actor.user_id().ok_or_else(|| {
        AppError::Forbidden("Notifications belong to people; an API token has none.".into())
    })
}

/// The language the request asked for with its `lang` cookie.
struct RequestLang(Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(Lang::from_parts(parts)))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    page: Option<u32>,
    page_size: Option<u32>,
    #[serde(default)]
    unread: bool,
}

/// The person's notifications, newest first; `?unread=true` for unread only.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    RequestLang(lang): RequestLang,
    Query(query): Query<ListQuery>,
) -> Result<ApiResponse<Vec<inbox::Item>>, AppError> {
    let user_id = person(&actor)?;
    let page = Pagination::new(query.page, query.page_size)?;
    let (items, meta) = inbox::list(&state.db, user_id, query.unread, page, lang).await?;
    Ok(ApiResponse::page(items, meta))
}

/// `{"count": n}`: the bell's number.
async fn unread(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<ApiResponse<Value>, AppError> {
    let count = inbox::unread(&state.db, person(&actor)?).await?;
    Ok(ApiResponse::ok(json!({ "count": count })))
}

async fn read(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    inbox::mark_read(&state.db, person(&actor)?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks everything read: `{"marked": n}`.
async fn read_all(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<ApiResponse<Value>, AppError> {
    let marked = inbox::mark_all_read(&state.db, person(&actor)?).await?;
    Ok(ApiResponse::ok(json!({ "marked": marked })))
}

/// Server-Sent Events: a `notification` event with the notification as JSON
/// each time one reaches the person, and `resync` when some were missed (the
/// page then reloads its count). Ends when the app shuts down.
async fn stream(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, AppError> {
    let user_id = person(&actor)?;
    let hub = state.notifications.hub.clone();
    let events = BroadcastStream::new(hub.subscribe())
        .filter_map(move |received| async move {
            match received {
                Ok(live) if live.user_id == user_id => SseEvent::default()
                    .event("notification")
                    .json_data(&live)
                    .ok(),
                Ok(_) => None,
                Err(BroadcastStreamRecvError::Lagged(_)) => {
                    Some(SseEvent::default().event("resync").data("missed some"))
                }
            }
        })
        .map(Ok)
        .take_until(async move { hub.closed().await });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}

async fn show_preferences(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<ApiResponse<preferences::Preferences>, AppError> {
    let view = preferences::load(&state, person(&actor)?, actor.role()).await?;
    Ok(ApiResponse::ok(view))
}

async fn save_preferences(
    State(state): State<AppState>,
    actor: Actor,
    Json(update): Json<preferences::PreferencesUpdate>,
) -> Result<ApiResponse<preferences::Preferences>, AppError> {
    let user_id = person(&actor)?;
    preferences::save(&state.db, user_id, actor.role(), &update).await?;
    let view = preferences::load(&state, user_id, actor.role()).await?;
    Ok(ApiResponse::ok(view))
}

async fn add_device(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<devices::DeviceRequest>,
) -> Result<(StatusCode, ApiResponse<devices::Device>), AppError> {
    let device = devices::register(&state.db, person(&actor)?, &request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(device)))
}

async fn remove_device(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    devices::remove(&state.db, person(&actor)?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryQuery {
    page: Option<u32>,
    page_size: Option<u32>,
    status: Option<String>,
}

async fn list_deliveries(
    State(state): State<AppState>,
    Query(query): Query<DeliveryQuery>,
) -> Result<ApiResponse<Vec<deliveries::Delivery>>, AppError> {
    let status = deliveries::status_filter(query.status.as_deref())?;
    let page = Pagination::new(query.page, query.page_size)?;
    let (list, meta) = deliveries::list(&state.db, status, page).await?;
    Ok(ApiResponse::page(list, meta))
}

/// Queues a failed or dead delivery to be sent again: 202 with
/// `{"id": …, "status": "queued"}`.
async fn retry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<(StatusCode, ApiResponse<Value>), AppError> {
    deliveries::retry(&state.db, id, unix_now()).await?;
    let queued = json!({ "id": id, "status": "queued" });
    Ok((StatusCode::ACCEPTED, ApiResponse::ok(queued)))
}
