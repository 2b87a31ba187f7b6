//! Inventory pages: stock levels with low stock marked, one product's
//! movements, and the adjustment form.

use std::collections::HashSet;

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    form::{parse_amount, FieldErrors, Pager},
    format,
    layout::Chrome,
    ok, render, see_other, PageResult,
};
use crate::{
    attribution::Attribution,
    catalog::{service as catalog, Product},
    extract::{Path, Query},
    inventory::{
        model::{Movement, StockLevel, StockRequest},
        service::{self, MovementFilter},
    },
    pagination::{Pagination, MAX_PAGE_SIZE},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inventory", get(levels))
        .route("/inventory/products/{id}", get(product))
        .route("/inventory/products/{id}/adjust", post(adjust))
}

#[derive(Debug, Deserialize)]
struct PageParam {
    page: Option<u32>,
}

#[derive(askama::Template)]
#[template(path = "inventory/levels.html")]
struct LevelsPage {
    c: Chrome,
    levels: Vec<StockLevel>,
    /// Variants at or below their threshold, to highlight.
    low: HashSet<i64>,
    pager: Pager,
}

impl LevelsPage {
    fn is_low(&self, variant_id: &i64) -> bool {
        self.low.contains(variant_id)
    }
}

async fn levels(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<PageParam>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let (levels, meta) = service::levels(&state.db, None, None, page)
        .await
        .map_err(|err| c.error(err))?;
    // One page of the low-stock list is plenty to mark the rows shown: a shop
    // with more than a hundred short items has a bigger problem than this.
    let everything = Pagination::new(Some(1), Some(MAX_PAGE_SIZE)).map_err(|err| c.error(err))?;
    let (low_items, _) = service::low_stock(&state.db, everything)
        .await
        .map_err(|err| c.error(err))?;
    let low = low_items.iter().map(|item| item.variant_id).collect();
    let pager = Pager::new(meta, "/inventory", &[]);
    ok(&LevelsPage {
        c,
        levels,
        low,
        pager,
    })
}

/// The adjustment form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
struct AdjustForm {
    quantity: String,
    reason: String,
}

#[derive(askama::Template)]
#[template(path = "inventory/product.html")]
struct ProductPage {
    c: Chrome,
    product: Product,
    levels: Vec<StockLevel>,
    movements: Vec<Movement>,
    pager: Pager,
    form: AdjustForm,
    errors: FieldErrors,
    /// A refusal that is not about one field, such as too little stock.
    problem: Option<String>,
    adjusted: bool,
}

impl ProductPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        let t = self.c.t;
        match kind {
            "SALE" => t.kind_sale,
            "CANCEL_RESTOCK" => t.kind_cancel_restock,
            "RECEIPT" => t.kind_receipt,
            "TRANSFER_OUT" => t.kind_transfer_out,
            "TRANSFER_IN" => t.kind_transfer_in,
            _ => t.kind_adjustment,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ProductQuery {
    page: Option<u32>,
    adjusted: Option<u8>,
}

async fn product(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<ProductQuery>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let view = ProductView {
        form: AdjustForm::default(),
        errors: FieldErrors::default(),
        problem: None,
        adjusted: query.adjusted.is_some(),
    };
    product_page(c, &state, id, page, view).await
}

/// What differs between showing the page and showing it after a failed adjustment.
struct ProductView {
    form: AdjustForm,
    errors: FieldErrors,
    problem: Option<String>,
    adjusted: bool,
}

async fn product_page(
    c: Chrome,
    state: &AppState,
    id: i64,
    page: Pagination,
    view: ProductView,
) -> PageResult {
    let loaded = load(state, id, page).await;
    let (product, levels, movements, pager) = loaded.map_err(|err| c.error(err))?;
    // The same statuses the API would give: 409 for too little stock, 422
    // for invalid fields.
    let status = if view.problem.is_some() {
        StatusCode::CONFLICT
    } else {
        view.errors.status()
    };
    let page = ProductPage {
        c,
        product,
        levels,
        movements,
        pager,
        form: view.form,
        errors: view.errors,
        problem: view.problem,
        adjusted: view.adjusted,
    };
    Ok(render(status, &page))
}

type Loaded = (Product, Vec<StockLevel>, Vec<Movement>, Pager);

async fn load(state: &AppState, id: i64, page: Pagination) -> Result<Loaded, AppError> {
    let product = catalog::get(&state.db, id).await?.product;
    let all_levels = Pagination::new(Some(1), Some(MAX_PAGE_SIZE))?;
    let (levels, _) = service::levels(&state.db, Some(id), None, all_levels).await?;
    let filter = MovementFilter {
        product_id: Some(id),
        ..MovementFilter::default()
    };
    let (movements, meta) = service::movements(&state.db, filter, page).await?;
    let pager = Pager::new(meta, &format!("/inventory/products/{id}"), &[]);
    Ok((product, levels, movements, pager))
}

/// Adjusts the product's default variant in the default warehouse through
/// the inventory service, which keeps the ledger and refuses negative stock.
async fn adjust(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
    Form(form): Form<AdjustForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    let quantity = parse_amount(&form.quantity).unwrap_or_else(|()| {
        errors.add("quantity", c.t.not_a_number);
        None
    });
    let mut problem = None;
    if errors.is_empty() {
        let request = StockRequest {
            product_id: Some(id),
            quantity,
            reason: Some(form.reason.clone()),
            ..StockRequest::default()
        };
        match service::adjust(&state.db, state.rules, &request, &by).await {
            Ok(_) => return see_other(&format!("/inventory/products/{id}?adjusted=1")),
            Err(AppError::InsufficientStock { .. }) => problem = Some(c.t.adjust_short.to_owned()),
            Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
        }
    }
    let page = Pagination::new(None, None).map_err(|err| c.error(err))?;
    let view = ProductView {
        form,
        errors,
        problem,
        adjusted: false,
    };
    product_page(c, &state, id, page, view).await
}
