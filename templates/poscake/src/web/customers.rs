//! Customer pages: the list with search, the create form, and a customer's
//! details with their purchase history.

use axum::{extract::State, http::StatusCode, routing::get, Form, Router};
use serde::Deserialize;

use super::{
    form::{FieldErrors, Pager},
    layout::Chrome,
    ok,
    orders::OrderWords,
    render, see_other, PageResult,
};
use crate::{
    customers::{service, Customer, CustomerRequest},
    extract::{Path, Query},
    orders::{self, OrderFilter, OrderHeader},
    pagination::Pagination,
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route("/customers/new", get(new))
        .route("/customers/{id}", get(show))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    q: Option<String>,
    page: Option<u32>,
}

#[derive(askama::Template)]
#[template(path = "customers/list.html")]
struct ListPage {
    c: Chrome,
    q: String,
    customers: Vec<Customer>,
    pager: Pager,
}

async fn list(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let q = query.q.unwrap_or_default();
    let (customers, meta) = service::list(&state.db, Some(&q), page)
        .await
        .map_err(|err| c.error(err))?;
    let pager = Pager::new(meta, "/customers", &[("q", &q)]);
    ok(&ListPage {
        c,
        q,
        customers,
        pager,
    })
}

/// The customer form as typed; names match the API's fields.
#[derive(Debug, Default, Clone, Deserialize)]
struct CustomerForm {
    name: String,
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
}

#[derive(askama::Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    c: Chrome,
    form: CustomerForm,
    errors: FieldErrors,
}

async fn new(c: Chrome) -> PageResult {
    ok(&FormPage {
        c,
        form: CustomerForm::default(),
        errors: FieldErrors::default(),
    })
}

async fn create(
    c: Chrome,
    State(state): State<AppState>,
    Form(form): Form<CustomerForm>,
) -> PageResult {
    let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let request = CustomerRequest {
        name: Some(form.name.clone()),
        phone: Some(form.phone.clone()),
        email: optional(&form.email),
        address: optional(&form.address),
        ..CustomerRequest::default()
    };
    let mut errors = FieldErrors::default();
    match service::create(&state.db, request).await {
        Ok(customer) => return see_other(&format!("/customers/{}", customer.id)),
        Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
    }
    let page = FormPage { c, form, errors };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(askama::Template)]
#[template(path = "customers/detail.html")]
struct DetailPage {
    c: Chrome,
    customer: Customer,
    orders: Vec<OrderHeader>,
    pager: Pager,
}

impl OrderWords for DetailPage {
    fn chrome(&self) -> &Chrome {
        &self.c
    }
}

#[derive(Debug, Deserialize)]
struct PageParam {
    page: Option<u32>,
}

async fn show(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PageParam>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let customer = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let filter = OrderFilter {
        customer_id: Some(id),
        ..OrderFilter::default()
    };
    let (orders, meta) = orders::list(&state.db, filter, page)
        .await
        .map_err(|err| c.error(err))?;
    let pager = Pager::new(meta, &format!("/customers/{id}"), &[]);
    ok(&DetailPage {
        c,
        customer,
        orders,
        pager,
    })
}
