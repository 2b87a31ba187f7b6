//! Customer pages: the list with search, the create and edit forms, and a
//! customer's details with their purchase history.

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
    customers::{
        service::{self, CustomerFilter},
        Customer, CustomerRequest,
    },
    extract::{Path, Query},
    orders::{self, OrderFilter, OrderHeader},
    pagination::Pagination,
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route("/customers/new", get(new))
        .route("/customers/{id}", get(show).post(update))
        .route("/customers/{id}/edit", get(edit))
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
    let filter = CustomerFilter {
        search: Some(q.clone()),
        ..CustomerFilter::default()
    };
    let (customers, meta) = service::list(&state.db, &filter, page)
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
    #[serde(default)]
    notes: String,
}

impl CustomerForm {
    fn from_customer(customer: &Customer) -> Self {
        Self {
            name: customer.name.clone(),
            phone: customer.phone.clone(),
            email: customer.email.clone().unwrap_or_default(),
            address: customer.address.clone(),
            notes: customer.notes.clone(),
        }
    }

    /// The API request this form stands for; leaving out `points` keeps the
    /// balance on an update.
    fn request(&self) -> CustomerRequest {
        let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        CustomerRequest {
            name: Some(self.name.clone()),
            phone: Some(self.phone.clone()),
            email: optional(&self.email),
            address: optional(&self.address),
            notes: optional(&self.notes),
            points: None,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    c: Chrome,
    /// The customer being edited; `None` on the create form.
    id: Option<i64>,
    form: CustomerForm,
    errors: FieldErrors,
}

async fn new(c: Chrome) -> PageResult {
    ok(&FormPage {
        c,
        id: None,
        form: CustomerForm::default(),
        errors: FieldErrors::default(),
    })
}

async fn create(
    c: Chrome,
    State(state): State<AppState>,
    Form(form): Form<CustomerForm>,
) -> PageResult {
    save(c, state, None, form).await
}

async fn edit(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let customer = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    ok(&FormPage {
        form: CustomerForm::from_customer(&customer),
        c,
        id: Some(id),
        errors: FieldErrors::default(),
    })
}

async fn update(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<CustomerForm>,
) -> PageResult {
    save(c, state, Some(id), form).await
}

/// Creates or updates through the customer service. A form with problems is
/// shown again with 422, what was typed kept and each message by its field.
async fn save(c: Chrome, state: AppState, id: Option<i64>, form: CustomerForm) -> PageResult {
    let request = form.request();
    let saved = match id {
        Some(id) => service::update(&state.db, id, request).await,
        None => service::create(&state.db, request).await,
    };
    let mut errors = FieldErrors::default();
    match saved {
        Ok(customer) => return see_other(&format!("/customers/{}", customer.id)),
        Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
    }
    let page = FormPage {
        c,
        id,
        form,
        errors,
    };
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
