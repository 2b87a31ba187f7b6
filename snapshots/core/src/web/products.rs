//! Product pages: the list, the create and edit forms with the product's
//! variants, and CSV import.

use std::borrow::Borrow;

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    form::{FieldErrors, Pager},
    format,
    layout::Chrome,
    ok,
    product_form::{ProductForm, VariantForm},
    render, see_other, PageResult,
};
use crate::{
    catalog::{
        create_variant,
        csv_io::{self, ImportReport},
        service::{self, ProductFilter},
        Product, Variant,
    },
    categories::{self, Category},
    extract::{Path, Query},
    pagination::Pagination,
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list).post(create))
        .route("/products/new", get(new))
        .route("/products/import", get(import_form).post(import))
        .route("/products/{id}", post(update))
        .route("/products/{id}/edit", get(edit))
        .route("/products/{id}/variants", post(add_variant))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    q: Option<String>,
    page: Option<u32>,
    /// Set by the redirect after a save, to confirm it.
    saved: Option<u8>,
}

#[derive(askama::Template)]
#[template(path = "products/list.html")]
struct ListPage {
    c: Chrome,
    q: String,
    saved: bool,
    products: Vec<Product>,
    pager: Pager,
}

impl ListPage {
    fn money(&self, amount: impl Borrow<i64>) -> String {
        format::vnd(amount)
    }
}

async fn list(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let q = query.q.unwrap_or_default();
    let filter = ProductFilter {
        search: Some(q.clone()),
        include_inactive: true,
        ..ProductFilter::default()
    };
    let (products, meta) = service::list(&state.db, filter, page)
        .await
        .map_err(|err| c.error(err))?;
    let pager = Pager::new(meta, "/products", &[("q", &q)]);
    ok(&ListPage {
        c,
        q,
        saved: query.saved.is_some(),
        products,
        pager,
    })
}

#[derive(askama::Template)]
#[template(path = "products/form.html")]
struct FormPage {
    c: Chrome,
    /// The product being edited; `None` on the create form.
    id: Option<i64>,
    form: ProductForm,
    errors: FieldErrors,
    /// The choices of the category list.
    categories: Vec<Category>,
    /// The product's variants, listed on the edit form; empty when creating.
    variants: Vec<Variant>,
    /// The add-a-variant form, with its own messages.
    variant: VariantForm,
    variant_errors: FieldErrors,
}

impl FormPage {
    fn money(&self, amount: impl Borrow<i64>) -> String {
        format::vnd(amount)
    }
}

async fn new(c: Chrome, State(state): State<AppState>) -> PageResult {
    let categories = categories::list(&state.db)
        .await
        .map_err(|err| c.error(err))?;
    ok(&FormPage {
        c,
        id: None,
        form: ProductForm::blank(),
        errors: FieldErrors::default(),
        categories,
        variants: Vec::new(),
        variant: VariantForm::default(),
        variant_errors: FieldErrors::default(),
    })
}

async fn edit(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let detail = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let categories = categories::list(&state.db)
        .await
        .map_err(|err| c.error(err))?;
    ok(&FormPage {
        form: ProductForm::from_product(&detail.product),
        c,
        id: Some(id),
        errors: FieldErrors::default(),
        categories,
        variants: detail.variants,
        variant: VariantForm::default(),
        variant_errors: FieldErrors::default(),
    })
}

async fn create(
    c: Chrome,
    State(state): State<AppState>,
    Form(form): Form<ProductForm>,
) -> PageResult {
    save(c, state, None, form).await
}

async fn update(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<ProductForm>,
) -> PageResult {
    save(c, state, Some(id), form).await
}

/// Creates or updates through the catalog service. A form with problems is
/// shown again with 422, what was typed kept and each message by its field.
async fn save(c: Chrome, state: AppState, id: Option<i64>, form: ProductForm) -> PageResult {
    let mut errors = FieldErrors::default();
    let request = form.request(&c, &mut errors);
    if !errors.is_empty() {
        // Also list what the catalog thinks of the other fields, so one
        // submission shows every problem. Numbers that did not parse keep
        // their own message: the first one for a field wins.
        if let Err(err) = request.validate() {
            errors.absorb(err, c.t).map_err(|err| c.error(err))?;
        }
    } else {
        let saved = match id {
            Some(id) => service::update(&state.db, id, request).await,
            None => service::create(&state.db, request).await,
        };
        match saved {
            Ok(_) => return see_other("/products?saved=1"),
            Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
        }
    }
    let categories = categories::list(&state.db)
        .await
        .map_err(|err| c.error(err))?;
    let variants = match id {
        Some(id) => {
            service::get(&state.db, id)
                .await
                .map_err(|err| c.error(err))?
                .variants
        }
        None => Vec::new(),
    };
    let page = FormPage {
        c,
        id,
        form,
        errors,
        categories,
        variants,
        variant: VariantForm::default(),
        variant_errors: FieldErrors::default(),
    };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Adds a variant through the catalog service, then shows the product again.
/// A form with problems is shown with 422 under the product's variants, what
/// was typed kept and each message by its field.
async fn add_variant(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(variant): Form<VariantForm>,
) -> PageResult {
    let mut variant_errors = FieldErrors::default();
    let request = variant.request(&c, &mut variant_errors);
    if !variant_errors.is_empty() {
        if let Err(err) = request.validate() {
            variant_errors
                .absorb(err, c.t)
                .map_err(|err| c.error(err))?;
        }
    } else {
        match create_variant(&state.db, id, request).await {
            Ok(_) => return see_other(&format!("/products/{id}/edit#variants")),
            Err(err) => variant_errors
                .absorb(err, c.t)
                .map_err(|err| c.error(err))?,
        }
    }
    let detail = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let categories = categories::list(&state.db)
        .await
        .map_err(|err| c.error(err))?;
    let page = FormPage {
        form: ProductForm::from_product(&detail.product),
        c,
        id: Some(id),
        errors: FieldErrors::default(),
        categories,
        variants: detail.variants,
        variant,
        variant_errors,
    };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(askama::Template)]
#[template(path = "products/import.html")]
struct ImportPage {
    c: Chrome,
    csv: String,
    report: Option<ImportReport>,
}

async fn import_form(c: Chrome) -> PageResult {
    ok(&ImportPage {
        c,
        csv: String::new(),
        report: None,
    })
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    csv: String,
}

async fn import(
    c: Chrome,
    State(state): State<AppState>,
    Form(form): Form<ImportForm>,
) -> PageResult {
    let report = csv_io::import(&state.db, &form.csv)
        .await
        .map_err(|err| c.error(err))?;
    ok(&ImportPage {
        c,
        csv: form.csv,
        report: Some(report),
    })
}
