//! HTTP endpoints for customers under `/api/customers`.

use axum::{extract::State, http::StatusCode, routing::get, Router};
use serde::Deserialize;

use super::{
    service::{self, CustomerFilter},
    Customer, CustomerRequest,
};
use crate::{
    api::ApiResponse,
    extract::{Json, Path, Query},
    orders::{self, OrderFilter, OrderHeader},
    pagination::{PageQuery, Pagination},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/customers", get(list).post(create))
        .route("/api/customers/{id}", get(show).put(update))
        .route("/api/customers/{id}/orders", get(purchases))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    search: Option<String>,
    phone: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<ApiResponse<Vec<Customer>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let filter = CustomerFilter {
        search: query.search,
        phone: query.phone,
    };
    let (customers, meta) = service::list(&state.db, &filter, page).await?;
    Ok(ApiResponse::page(customers, meta))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<Customer>, AppError> {
    Ok(ApiResponse::ok(service::get(&state.db, id).await?))
}

async fn create(
    State(state): State<AppState>,
    Json(request): Json<CustomerRequest>,
) -> Result<(StatusCode, ApiResponse<Customer>), AppError> {
    let customer = service::create(&state.db, request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(customer)))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(request): Json<CustomerRequest>,
) -> Result<ApiResponse<Customer>, AppError> {
    Ok(ApiResponse::ok(
        service::update(&state.db, id, request).await?,
    ))
}

/// The customer's orders, newest first.
async fn purchases(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<ApiResponse<Vec<OrderHeader>>, AppError> {
    let page = query.pagination()?;
    service::get(&state.db, id).await?;
    let filter = OrderFilter {
        customer_id: Some(id),
        ..OrderFilter::default()
    };
    let (orders, meta) = orders::list(&state.db, filter, page).await?;
    Ok(ApiResponse::page(orders, meta))
}
