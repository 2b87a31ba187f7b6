//! The webhooks page: the endpoints with their events, the delivery log with
//! a retry for dead deliveries, and what Pancake sent lately. Every rule is
//! the services', as for the API.

use axum::{
    extract::State,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    apply::{self, InboundEvent},
    deliveries::{self, Delivery},
    endpoints::{self, Created, Endpoint, EndpointRequest},
    outbound::events,
    text::{self, WebhookText},
};
use crate::{
    clock::unix_now,
    extract::{Path, Query},
    pagination::Pagination,
    web::{
        form::{FieldErrors, Pager},
        format,
        layout::Chrome,
        ok, render, see_other, PageError, PageResult,
    },
    AppState,
};

/// How many of Pancake's latest records the page lists.
const INBOUND_SHOWN: u32 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(page))
        .route("/webhooks/endpoints", post(add))
        .route("/webhooks/endpoints/{id}/active", post(set_active))
        .route("/webhooks/endpoints/{id}/delete", post(delete))
        .route("/webhooks/deliveries/{id}/retry", post(retry))
}

#[derive(askama::Template)]
#[template(path = "webhooks/index.html")]
struct WebhooksPage {
    c: Chrome,
    w: &'static WebhookText,
    endpoints: Vec<Endpoint>,
    /// The endpoint just added, with its secret, shown this once.
    created: Option<Created>,
    /// The add form as typed, when it was refused.
    url: String,
    chosen: Vec<String>,
    errors: FieldErrors,
    events: [&'static str; 2],
    deliveries: Vec<Delivery>,
    pager: Pager,
    inbound: Vec<InboundEvent>,
}

impl WebhooksPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    fn ticked(&self, event: &str) -> bool {
        self.chosen.iter().any(|chosen| chosen == event)
    }
}

#[derive(Debug, Deserialize)]
struct PageParam {
    page: Option<u32>,
}

/// Everything the page shows besides the add form.
async fn load(c: Chrome, state: &AppState, page: Option<u32>) -> Result<WebhooksPage, PageError> {
    let pagination = Pagination::new(page, None).map_err(|err| c.error(err))?;
    let endpoints = endpoints::list(&state.db)
        .await
        .map_err(|err| c.error(err))?;
    let (deliveries, meta) = deliveries::list(&state.db, None, pagination)
        .await
        .map_err(|err| c.error(err))?;
    let latest = Pagination::new(Some(1), Some(INBOUND_SHOWN)).map_err(|err| c.error(err))?;
    let (inbound, _) = apply::recent(&state.db, latest)
        .await
        .map_err(|err| c.error(err))?;
    Ok(WebhooksPage {
        w: text::text(c.lang),
        c,
        endpoints,
        created: None,
        url: String::new(),
        chosen: vec!["*".to_owned()],
        errors: FieldErrors::default(),
        events: events::ALL,
        deliveries,
        pager: Pager::new(meta, "/webhooks", &[]),
        inbound,
    })
}

async fn page(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<PageParam>,
) -> PageResult {
    ok(&load(c, &state, query.page).await?)
}

/// The add form: `url` and one `events` checkbox per event ticked (`*` for
/// every event). The page shows the new secret once; reloading it does not.
async fn add(
    c: Chrome,
    State(state): State<AppState>,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult {
    let value = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let chosen: Vec<String> = form
        .iter()
        .filter(|(key, _)| key == "events")
        .map(|(_, value)| value.clone())
        .collect();
    let request = EndpointRequest {
        url: value("url"),
        events: Some(chosen.clone()),
        active: Some(true),
    };
    let t = c.t;
    let outcome = endpoints::create(&state.db, &request).await;
    let mut page = load(c, &state, None).await?;
    match outcome {
        Ok(created) => page.created = Some(created),
        Err(err) => {
            page.errors
                .absorb(err, t)
                .map_err(|err| page.c.error(err))?;
            page.url = request.url.unwrap_or_default();
            page.chosen = chosen;
        }
    }
    Ok(render(page.errors.status(), &page))
}

#[derive(Debug, Deserialize)]
struct ActiveForm {
    active: bool,
}

async fn set_active(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<ActiveForm>,
) -> PageResult {
    let request = EndpointRequest {
        active: Some(form.active),
        ..EndpointRequest::default()
    };
    endpoints::update(&state.db, id, &request)
        .await
        .map_err(|err| c.error(err))?;
    see_other("/webhooks")
}

async fn delete(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    endpoints::delete(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    see_other("/webhooks")
}

async fn retry(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    deliveries::retry(&state.db, id, unix_now())
        .await
        .map_err(|err| c.error(err))?;
    see_other("/webhooks")
}
