//! The endpoints the app tells about its events: added with a URL and the
//! events wanted, paused and resumed, removed. Each has a secret the app
//! makes, shown once when the endpoint is added, that signs its deliveries.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, AnyPool, Row};

use super::{outbound::events, sign};
use crate::{
    clock,
    validate::{Problem, Problems},
    AppError,
};

const URL_MAX_CHARS: usize = 2_000;

/// An endpoint as the admin page and API show it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    /// `["*"]` for every event, else the names.
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: String,
}

/// A new endpoint with its secret, which is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    pub secret: String,
}

/// The body of `POST /api/webhooks/endpoints` (`url`, `events`) and of
/// `PUT /api/webhooks/endpoints/{id}` (`active`, `events`; what is left
/// out stays as it is).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointRequest {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
}

fn from_row(row: &AnyRow) -> Result<Endpoint, sqlx::Error> {
    let events: String = row.try_get("events")?;
    Ok(Endpoint {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        events: events.split(',').map(str::to_owned).collect(),
        active: row.try_get::<i32, _>("active")? == 1,
        created_at: row.try_get("created_at")?,
    })
}

/// The URL if it is http(s) with a host.
fn check_url(problems: &mut Problems, url: Option<&str>) -> String {
    let url = problems.text("url", url, URL_MAX_CHARS);
    if !url.is_empty() {
        let usable = reqwest::Url::parse(&url).is_ok_and(|parsed| {
            matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|host| !host.is_empty())
        });
        problems.check(
            usable,
            "url",
            Problem::Worded("must be an http:// or https:// address with a host".into()),
        );
    }
    url
}

/// The events as stored: `*`, or known names separated by commas.
fn check_events(problems: &mut Problems, events: &[String]) -> String {
    let events: Vec<&str> = events.iter().map(|event| event.trim()).collect();
    if events.is_empty() {
        problems.add("events", Problem::Required);
    }
    if let Some(unknown) = events
        .iter()
        .find(|event| **event != "*" && !events::ALL.contains(event))
    {
        problems.add(
            "events",
            Problem::Worded(format!(
                "{unknown} is not an event; choose * or from {}",
                events::ALL.join(", ")
            )),
        );
    }
    if events.contains(&"*") {
        return "*".to_owned();
    }
    let mut chosen: Vec<&str> = events::ALL
        .into_iter()
        .filter(|event| events.contains(event))
        .collect();
    chosen.dedup();
    chosen.join(",")
}

pub async fn list(db: &AnyPool) -> Result<Vec<Endpoint>, AppError> {
    let rows = sqlx::query(
        "SELECT id, url, events, active, created_at FROM webhook_endpoints ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

async fn get(db: &AnyPool, id: i64) -> Result<Endpoint, AppError> {
    let row = sqlx::query(
        "SELECT id, url, events, active, created_at FROM webhook_endpoints WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| not_found(id))?;
    Ok(from_row(&row)?)
}

/// Adds an endpoint with a new secret.
pub async fn create(db: &AnyPool, request: &EndpointRequest) -> Result<Created, AppError> {
    let mut problems = Problems::default();
    let url = check_url(&mut problems, request.url.as_deref());
    let events = check_events(&mut problems, request.events.as_deref().unwrap_or_default());
    problems.finish()?;
    let secret = sign::new_secret()
        .map_err(|err| anyhow::anyhow!("no randomness for a webhook secret: {err}"))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (url, secret, events, active, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&url)
    .bind(&secret)
    .bind(&events)
    .bind(i32::from(request.active.unwrap_or(true)))
    .bind(clock::now_utc())
    .fetch_one(db)
    .await?;
    tracing::info!(endpoint = id, url = %url, "webhook endpoint added");
    Ok(Created {
        endpoint: get(db, id).await?,
        secret,
    })
}

/// Pauses or resumes an endpoint, or changes its events.
pub async fn update(
    db: &AnyPool,
    id: i64,
    request: &EndpointRequest,
) -> Result<Endpoint, AppError> {
    let mut problems = Problems::default();
    problems.check(
        request.url.is_none(),
        "url",
        Problem::Worded("cannot change; add a new endpoint instead".into()),
    );
    let events = request
        .events
        .as_deref()
        .map(|events| check_events(&mut problems, events));
    problems.finish()?;
    let current = get(db, id).await?;
    sqlx::query("UPDATE webhook_endpoints SET events = $1, active = $2 WHERE id = $3")
        .bind(events.unwrap_or_else(|| current.events.join(",")))
        .bind(i32::from(request.active.unwrap_or(current.active)))
        .bind(id)
        .execute(db)
        .await?;
    get(db, id).await
}

/// Removes an endpoint and its delivery log.
pub async fn delete(db: &AnyPool, id: i64) -> Result<(), AppError> {
    let done = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(not_found(id));
    }
    tracing::info!(endpoint = id, "webhook endpoint removed");
    Ok(())
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("Webhook endpoint {id} not found."))
}
