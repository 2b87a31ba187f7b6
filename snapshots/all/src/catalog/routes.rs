//! HTTP endpoints for products and variants under `/api/products`.

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{header, StatusCode},
    response::IntoResponse,
    routing::{get, post, put},
    Router,
};
use serde::{Deserialize, Serialize};

use super::{
    csv_io::{self, ImportReport},
    model::{CodeMatch, ProductDetail, ProductRequest, Removal},
    service::{self, ProductFilter},
    variant_service, Product, Variant, VariantRequest,
};
use crate::{
    api::ApiResponse,
    extract::{Json, Path, Query},
    pagination::Pagination,
    AppError, AppState,
};

/// CSV imports may be far larger than a JSON request.
const IMPORT_BODY_LIMIT: usize = 20 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/products", get(list).post(create))
        .route("/api/products/export", get(export))
        .route("/api/products/lookup", get(lookup))
        .route(
            "/api/products/import",
            post(import).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
        .route("/api/products/{id}", get(show).put(update).delete(remove))
        .route(
            "/api/products/{id}/variants",
            get(variants).post(create_variant),
        )
        .route(
            "/api/products/{id}/variants/{variant_id}",
            put(update_variant).delete(remove_variant),
        )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    search: Option<String>,
    category_id: Option<i64>,
    include_inactive: Option<bool>,
    page: Option<u32>,
    page_size: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<ApiResponse<Vec<Product>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let filter = ProductFilter {
        search: query.search,
        category_id: query.category_id,
        include_inactive: query.include_inactive.unwrap_or(false),
    };
    let (products, meta) = service::list(&state.db, filter, page).await?;
    Ok(ApiResponse::page(products, meta))
}

#[derive(Debug, Deserialize)]
struct LookupQuery {
    code: String,
}

/// `GET /api/products/lookup?code=`: the variant a scanned barcode or a typed
/// SKU names, with its product, or 404.
async fn lookup(
    State(state): State<AppState>,
    Query(query): Query<LookupQuery>,
) -> Result<ApiResponse<CodeMatch>, AppError> {
    Ok(ApiResponse::ok(
        variant_service::lookup(&state.db, &query.code).await?,
    ))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<ProductDetail>, AppError> {
    Ok(ApiResponse::ok(service::get(&state.db, id).await?))
}

async fn create(
    State(state): State<AppState>,
    Json(request): Json<ProductRequest>,
) -> Result<(StatusCode, ApiResponse<ProductDetail>), AppError> {
    let product = service::create(&state.db, request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(product)))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(request): Json<ProductRequest>,
) -> Result<ApiResponse<ProductDetail>, AppError> {
    Ok(ApiResponse::ok(
        service::update(&state.db, id, request).await?,
    ))
}

/// What a `DELETE` did to the product or variant.
#[derive(Debug, Serialize)]
struct Removed {
    id: i64,
    outcome: Removal,
}

async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Removed>, AppError> {
    let outcome = service::delete(&state.db, id).await?;
    Ok(ApiResponse::ok(Removed { id, outcome }))
}

async fn variants(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Vec<Variant>>, AppError> {
    Ok(ApiResponse::ok(
        variant_service::variants(&state.db, id).await?,
    ))
}

async fn create_variant(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(request): Json<VariantRequest>,
) -> Result<(StatusCode, ApiResponse<Variant>), AppError> {
    let variant = variant_service::create_variant(&state.db, id, request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(variant)))
}

async fn update_variant(
    State(state): State<AppState>,
    Path((id, variant_id)): Path<(i64, i64)>,
    Json(request): Json<VariantRequest>,
) -> Result<ApiResponse<Variant>, AppError> {
    let variant = variant_service::update_variant(&state.db, id, variant_id, request).await?;
    Ok(ApiResponse::ok(variant))
}

async fn remove_variant(
    State(state): State<AppState>,
    Path((id, variant_id)): Path<(i64, i64)>,
) -> Result<ApiResponse<Removed>, AppError> {
    let outcome = variant_service::delete_variant(&state.db, id, variant_id).await?;
    Ok(ApiResponse::ok(Removed {
        id: variant_id,
        outcome,
    }))
}

/// `POST /api/products/import`: the body is CSV text with a header row.
async fn import(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<ApiResponse<ImportReport>, AppError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| AppError::BadRequest("The CSV file must be UTF-8 text.".into()))?;
    Ok(ApiResponse::ok(csv_io::import(&state.db, text).await?))
}

async fn export(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let csv = csv_io::export(&state.db).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"products.csv\"",
            ),
        ],
        csv,
    ))
}
