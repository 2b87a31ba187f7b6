//! HTTP routes of the `pos-geo` skill: `/api/geo/*` proxied to Pancake POS and
//! answered in the app's JSON envelope.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{Commune, District, Province, ProvinceQuery, VIETNAM};
use crate::api::ApiResponse;
use crate::error::AppError;
use crate::extract::Query;
use crate::pancake::{PancakeClient, PancakeConfig, PancakeError};
use crate::validate::Problem;

/// Routes under `/api/geo`, configured from `POS_BASE_URL` / `POS_API_KEY`:
/// `provinces` (optional `countryCode`, `isNew`, `all`), `districts?provinceId=`
/// and `communes?provinceId=` (optional `districtId`).
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let config = match PancakeConfig::from_env() {
        Ok(config) => Some(config),
        Err(error) => {
            tracing::warn!(%error, "geo routes will answer 503");
            None
        }
    };
    router_with(config)
}

/// Routes under `/api/geo` for an explicit configuration; `None` answers 503.
pub fn router_with<S>(config: Option<PancakeConfig>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let client = config.and_then(|config| match PancakeClient::new(config) {
        Ok(client) => Some(client),
        Err(error) => {
            tracing::error!(%error, "geo routes will answer 503");
            None
        }
    });
    Router::new()
        .route("/api/geo/provinces", get(provinces))
        .route("/api/geo/districts", get(districts))
        .route("/api/geo/communes", get(communes))
        .with_state(client)
}

type GeoState = State<Option<PancakeClient>>;
type GeoResult<T> = Result<ApiResponse<Vec<T>>, AppError>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProvincesParams {
    country_code: Option<String>,
    is_new: Option<bool>,
    all: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AreaParams {
    province_id: Option<String>,
    district_id: Option<String>,
}

async fn provinces(
    State(client): GeoState,
    Query(params): Query<ProvincesParams>,
) -> GeoResult<Province> {
    let query = ProvinceQuery {
        country_code: non_blank(params.country_code).unwrap_or_else(|| VIETNAM.to_owned()),
        is_new: params.is_new.unwrap_or(false),
        all: params.all.unwrap_or(false),
    };
    let data = configured(client)?
        .provinces(&query)
        .await
        .map_err(upstream)?;
    Ok(ApiResponse::ok(data))
}

async fn districts(
    State(client): GeoState,
    Query(params): Query<AreaParams>,
) -> GeoResult<District> {
    let province_id = required(params.province_id, "provinceId")?;
    let data = configured(client)?
        .districts(&province_id)
        .await
        .map_err(upstream)?;
    Ok(ApiResponse::ok(data))
}

async fn communes(State(client): GeoState, Query(params): Query<AreaParams>) -> GeoResult<Commune> {
    let province_id = required(params.province_id, "provinceId")?;
    let district_id = non_blank(params.district_id);
    let data = configured(client)?
        .communes(&province_id, district_id.as_deref())
        .await
        .map_err(upstream)?;
    Ok(ApiResponse::ok(data))
}

fn configured(client: Option<PancakeClient>) -> Result<PancakeClient, AppError> {
    client.ok_or_else(|| {
        AppError::Unavailable("Pancake POS is not configured: set POS_API_KEY".into())
    })
}

fn upstream(error: PancakeError) -> AppError {
    // PancakeError never carries the API key, so its text is safe to return.
    tracing::warn!(%error, "Pancake POS geo request failed");
    AppError::Upstream(error.to_string())
}

fn non_blank(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn required(value: Option<String>, field: &'static str) -> Result<String, AppError> {
    non_blank(value).ok_or_else(|| AppError::invalid(field, Problem::Required))
}
