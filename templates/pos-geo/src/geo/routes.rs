//! HTTP routes of the `pos-geo` skill: `/api/geo/*` proxied to Pancake POS and
//! answered in the host app's JSON envelope.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{Commune, District, Province, ProvinceQuery, VIETNAM};
use crate::pancake::{PancakeClient, PancakeConfig, PancakeError};

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
type ApiResult<T> = Result<Json<DataEnvelope<Vec<T>>>, ApiError>;

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
    params: Result<Query<ProvincesParams>, QueryRejection>,
) -> ApiResult<Province> {
    let Query(params) = params?;
    let query = ProvinceQuery {
        country_code: non_blank(params.country_code).unwrap_or_else(|| VIETNAM.to_owned()),
        is_new: params.is_new.unwrap_or(false),
        all: params.all.unwrap_or(false),
    };
    let data = configured(client)?.provinces(&query).await?;
    Ok(DataEnvelope::ok(data))
}

async fn districts(
    State(client): GeoState,
    params: Result<Query<AreaParams>, QueryRejection>,
) -> ApiResult<District> {
    let Query(params) = params?;
    let province_id = required(params.province_id, "provinceId")?;
    let data = configured(client)?.districts(&province_id).await?;
    Ok(DataEnvelope::ok(data))
}

async fn communes(
    State(client): GeoState,
    params: Result<Query<AreaParams>, QueryRejection>,
) -> ApiResult<Commune> {
    let Query(params) = params?;
    let province_id = required(params.province_id, "provinceId")?;
    let district_id = non_blank(params.district_id);
    let data = configured(client)?
        .communes(&province_id, district_id.as_deref())
        .await?;
    Ok(DataEnvelope::ok(data))
}

fn configured(client: Option<PancakeClient>) -> Result<PancakeClient, ApiError> {
    client.ok_or(ApiError::NotConfigured)
}

fn non_blank(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn required(value: Option<String>, field: &'static str) -> Result<String, ApiError> {
    non_blank(value).ok_or_else(|| {
        ApiError::Validation(vec![FieldIssue {
            field: field.to_owned(),
            message: format!("{field} is required"),
        }])
    })
}

/// The host app's success envelope: `{"success": true, "data": ...}`.
#[derive(Serialize)]
struct DataEnvelope<T> {
    success: bool,
    data: T,
}

impl<T> DataEnvelope<T> {
    fn ok(data: T) -> Json<Self> {
        Json(DataEnvelope {
            success: true,
            data,
        })
    }
}

/// The host app's error envelope: `{"success": false, "error": {...}}`.
#[derive(Serialize)]
struct ErrorEnvelope {
    success: bool,
    error: ErrorBody,
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<FieldIssue>,
}

#[derive(Serialize)]
struct FieldIssue {
    field: String,
    message: String,
}

/// Errors of the geo routes, rendered in the host app's error envelope.
enum ApiError {
    Validation(Vec<FieldIssue>),
    NotConfigured,
    Upstream(PancakeError),
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::Validation(vec![FieldIssue {
            field: "query".to_owned(),
            message: rejection.body_text(),
        }])
    }
}

impl From<PancakeError> for ApiError {
    fn from(error: PancakeError) -> Self {
        ApiError::Upstream(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = match self {
            ApiError::Validation(details) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "VALIDATION_ERROR",
                "invalid query parameters".to_owned(),
                details,
            ),
            ApiError::NotConfigured => (
                StatusCode::SERVICE_UNAVAILABLE,
                "NOT_CONFIGURED",
                "Pancake POS is not configured".to_owned(),
                Vec::new(),
            ),
            ApiError::Upstream(error) => {
                // PancakeError never carries the API key, so its text is safe to return.
                tracing::warn!(%error, "Pancake POS geo request failed");
                (
                    StatusCode::BAD_GATEWAY,
                    "UPSTREAM_ERROR",
                    error.to_string(),
                    Vec::new(),
                )
            }
        };
        let body = ErrorEnvelope {
            success: false,
            error: ErrorBody {
                code,
                message,
                details,
            },
        };
        (status, Json(body)).into_response()
    }
}
