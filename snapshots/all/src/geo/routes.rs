//! HTTP routes of the `pos-geo` skill: `/api/geo/*` answered from the local
//! cache in the app's JSON envelope, reading through to Pancake POS on a miss.

use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;

use super::{cache, pages, Commune, District, Province, Scheme};
use crate::api::ApiResponse;
use crate::error::AppError;
use crate::extract::Query;
use crate::pancake::{PancakeClient, PancakeConfig};
use crate::validate::Problem;
use crate::AppState;

/// Routes under `/api/geo` and `/geo`, reading through to the Pancake POS
/// configured by `POS_BASE_URL` / `POS_API_KEY`: `provinces` (optional
/// `scheme`, `new` or `old`), `districts?provinceId=` and
/// `communes?provinceId=` (optional `districtId`), and the address fields of
/// the forms.
pub fn router() -> Router<AppState> {
    let config = match PancakeConfig::from_env() {
        Ok(config) => Some(config),
        Err(error) => {
            tracing::warn!(%error, "geo routes answer from the cache only");
            None
        }
    };
    router_with(config)
}

/// The same routes for an explicit configuration; with `None`, what the cache
/// lacks answers 503.
pub fn router_with(config: Option<PancakeConfig>) -> Router<AppState> {
    let client = config.and_then(|config| match PancakeClient::new(config) {
        Ok(client) => Some(client),
        Err(error) => {
            tracing::error!(%error, "geo routes answer from the cache only");
            None
        }
    });
    Router::new()
        .route("/api/geo/provinces", get(provinces))
        .route("/api/geo/districts", get(districts))
        .route("/api/geo/communes", get(communes))
        .route("/geo/address", get(pages::address))
        .layer(Extension(Upstream(client)))
}

/// The Pancake client the cache reads through to, if one is configured.
#[derive(Clone)]
pub(super) struct Upstream(pub Option<PancakeClient>);

type GeoResult<T> = Result<ApiResponse<Vec<T>>, AppError>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProvincesParams {
    scheme: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AreaParams {
    province_id: Option<String>,
    district_id: Option<String>,
}

async fn provinces(
    State(state): State<AppState>,
    Extension(Upstream(client)): Extension<Upstream>,
    Query(params): Query<ProvincesParams>,
) -> GeoResult<Province> {
    let scheme = match non_blank(params.scheme) {
        Some(scheme) => Scheme::parse(&scheme).ok_or_else(|| {
            AppError::invalid("scheme", Problem::Worded("must be new or old".into()))
        })?,
        None => Scheme::default(),
    };
    let data = cache::provinces(&state.db, client.as_ref(), scheme).await?;
    Ok(ApiResponse::ok(data))
}

async fn districts(
    State(state): State<AppState>,
    Extension(Upstream(client)): Extension<Upstream>,
    Query(params): Query<AreaParams>,
) -> GeoResult<District> {
    let province_id = required(params.province_id, "provinceId")?;
    let data = cache::districts(&state.db, client.as_ref(), &province_id).await?;
    Ok(ApiResponse::ok(data))
}

async fn communes(
    State(state): State<AppState>,
    Extension(Upstream(client)): Extension<Upstream>,
    Query(params): Query<AreaParams>,
) -> GeoResult<Commune> {
    let province_id = required(params.province_id, "provinceId")?;
    let district_id = non_blank(params.district_id);
    let data = cache::communes(
        &state.db,
        client.as_ref(),
        &province_id,
        district_id.as_deref(),
    )
    .await?;
    Ok(ApiResponse::ok(data))
}

fn non_blank(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn required(value: Option<String>, field: &'static str) -> Result<String, AppError> {
    non_blank(value).ok_or_else(|| AppError::invalid(field, Problem::Required))
}
