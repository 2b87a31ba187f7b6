//! Warehouse and transfer pages. Every rule is the services', as for the API.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    model::{Transfer, TransferLineRequest, TransferRequest, WarehouseDetail, WarehouseRequest},
    service,
    text::{self, WarehouseText},
    transfers,
};
use crate::geo::address::{self, AddressFields, AreaForm, AreaNames};
use crate::{
    api::{FieldError, StockShortage},
    attribution::Attribution,
    extract::{Path, Query},
    inventory::{self, model::StockLevel},
    pagination::Pagination,
    web::{
        form::{FieldErrors, Pager},
        format,
        layout::Chrome,
        ok, render, see_other, PageResult,
    },
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/warehouses", get(list).post(create))
        .route("/warehouses/new", get(new))
        .route("/warehouses/{id}", get(show).post(update))
        .route("/warehouses/{id}/edit", get(edit))
        .route("/warehouses/{id}/default", post(make_default))
        .route("/transfers", get(transfer_list).post(create_transfer))
        .route("/transfers/new", get(new_transfer))
        .route("/transfers/{id}", get(show_transfer))
}

#[derive(askama::Template)]
#[template(path = "warehouses/list.html")]
struct ListPage {
    c: Chrome,
    w: &'static WarehouseText,
    warehouses: Vec<WarehouseDetail>,
}

async fn list(c: Chrome, State(state): State<AppState>) -> PageResult {
    let warehouses = service::list(&state.db).await.map_err(|err| c.error(err))?;
    ok(&ListPage {
        w: text::text(c.lang),
        c,
        warehouses,
    })
}

/// The warehouse form as typed; names match the API's fields.
#[derive(Debug, Clone, Deserialize)]
struct WarehouseForm {
    code: String,
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    pancake_warehouse_id: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    active: Option<String>,
    #[serde(flatten)]
    area: AreaForm,
}

impl Default for WarehouseForm {
    fn default() -> Self {
        Self {
            code: String::new(),
            name: String::new(),
            address: String::new(),
            phone: String::new(),
            pancake_warehouse_id: String::new(),
            active: Some("on".into()),
            area: AreaForm::default(),
        }
    }
}

impl WarehouseForm {
    fn from_warehouse(warehouse: &WarehouseDetail) -> Self {
        Self {
            code: warehouse.code.clone(),
            name: warehouse.name.clone(),
            address: warehouse.address.clone(),
            phone: warehouse.phone.clone(),
            pancake_warehouse_id: warehouse.pancake_warehouse_id.clone().unwrap_or_default(),
            active: warehouse.active.then(|| "on".into()),
            area: AreaForm::from_area(&warehouse.area),
        }
    }

    fn request(&self) -> WarehouseRequest {
        WarehouseRequest {
            code: Some(self.code.clone()),
            name: Some(self.name.clone()),
            address: Some(self.address.clone()),
            phone: Some(self.phone.clone()),
            active: Some(self.active.is_some()),
            pancake_warehouse_id: Some(self.pancake_warehouse_id.clone()),
            area: self.area.area(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "warehouses/form.html")]
struct FormPage {
    c: Chrome,
    w: &'static WarehouseText,
    /// The warehouse being edited; `None` on the create form.
    id: Option<i64>,
    form: WarehouseForm,
    errors: FieldErrors,
    /// A refusal that is not about one field, such as closing a warehouse
    /// that still holds stock.
    problem: Option<String>,
    address: AddressFields,
}

async fn new(c: Chrome, State(state): State<AppState>) -> PageResult {
    let form = WarehouseForm::default();
    let errors = FieldErrors::default();
    let address = AddressFields::load(&state.db, None, c.lang, &form.area, &errors)
        .await
        .map_err(|err| c.error(err))?;
    ok(&FormPage {
        w: text::text(c.lang),
        c,
        id: None,
        form,
        errors,
        problem: None,
        address,
    })
}

async fn create(
    c: Chrome,
    State(state): State<AppState>,
    Form(form): Form<WarehouseForm>,
) -> PageResult {
    save(c, state, None, form).await
}

async fn edit(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let warehouse = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let form = WarehouseForm::from_warehouse(&warehouse);
    let errors = FieldErrors::default();
    let address = AddressFields::load(&state.db, None, c.lang, &form.area, &errors)
        .await
        .map_err(|err| c.error(err))?;
    ok(&FormPage {
        w: text::text(c.lang),
        form,
        c,
        id: Some(id),
        errors,
        problem: None,
        address,
    })
}

async fn update(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<WarehouseForm>,
) -> PageResult {
    save(c, state, Some(id), form).await
}

/// Creates or updates through the service; a refused form is shown again
/// with what was typed and each message by its field.
async fn save(c: Chrome, state: AppState, id: Option<i64>, form: WarehouseForm) -> PageResult {
    let request = form.request();
    let saved = match id {
        Some(id) => service::update(&state.db, id, &request).await,
        None => service::create(&state.db, &request).await,
    };
    let mut errors = FieldErrors::default();
    let mut problem = None;
    match saved {
        Ok(warehouse) => return see_other(&format!("/warehouses/{}", warehouse.id)),
        Err(AppError::Conflict(message)) => problem = Some(message),
        Err(err) => errors
            .absorb(address::localise(err, c.lang), c.t)
            .map_err(|err| c.error(err))?,
    }
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let address = AddressFields::load(&state.db, None, c.lang, &form.area, &errors)
        .await
        .map_err(|err| c.error(err))?;
    let page = FormPage {
        w: text::text(c.lang),
        c,
        id,
        form,
        errors,
        problem,
        address,
    };
    Ok(render(status, &page))
}

#[derive(askama::Template)]
#[template(path = "warehouses/detail.html")]
struct DetailPage {
    c: Chrome,
    w: &'static WarehouseText,
    warehouse: WarehouseDetail,
    levels: Vec<StockLevel>,
    pager: Pager,
    area: AreaNames,
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
    let warehouse = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let (levels, meta) = inventory::service::levels(&state.db, None, Some(id), page)
        .await
        .map_err(|err| c.error(err))?;
    let area = AreaNames::load(&state.db, c.lang, &warehouse.area)
        .await
        .map_err(|err| c.error(err))?;
    ok(&DetailPage {
        w: text::text(c.lang),
        pager: Pager::new(meta, &format!("/warehouses/{id}"), &[]),
        c,
        warehouse,
        levels,
        area,
    })
}

async fn make_default(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    service::make_default(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    see_other(&format!("/warehouses/{id}"))
}

#[derive(askama::Template)]
#[template(path = "warehouses/transfers.html")]
struct TransferListPage {
    c: Chrome,
    w: &'static WarehouseText,
    transfers: Vec<Transfer>,
    pager: Pager,
}

impl TransferListPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

async fn transfer_list(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<PageParam>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let (transfers, meta) = transfers::list(&state.db, None, page)
        .await
        .map_err(|err| c.error(err))?;
    ok(&TransferListPage {
        w: text::text(c.lang),
        pager: Pager::new(meta, "/transfers", &[]),
        c,
        transfers,
    })
}

/// The transfer form as typed: one item per line of `lines`.
#[derive(Debug, Default, Clone, Deserialize)]
struct TransferForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    lines: String,
}

impl TransferForm {
    fn chosen(text: &str) -> Option<i64> {
        text.trim().parse().ok()
    }

    /// `CODE [QUANTITY]` per line, blank lines skipped; the line numbers of
    /// those whose quantity is not a positive whole number.
    fn lines(&self) -> (Vec<TransferLineRequest>, Vec<usize>) {
        let mut lines = Vec::new();
        let mut bad = Vec::new();
        for (index, line) in self.lines.lines().enumerate() {
            let mut words = line.split_whitespace();
            let Some(code) = words.next() else {
                continue;
            };
            let quantity = match words.next() {
                None => Some(1),
                Some(word) => word.parse::<i64>().ok().filter(|q| *q > 0),
            };
            match quantity {
                Some(quantity) if words.next().is_none() => lines.push(TransferLineRequest {
                    code: Some(code.to_owned()),
                    quantity: Some(quantity),
                    ..TransferLineRequest::default()
                }),
                _ => bad.push(index + 1),
            }
        }
        (lines, bad)
    }
}

#[derive(askama::Template)]
#[template(path = "warehouses/transfer_form.html")]
struct TransferFormPage {
    c: Chrome,
    w: &'static WarehouseText,
    warehouses: Vec<WarehouseDetail>,
    form: TransferForm,
    errors: FieldErrors,
    shortages: Vec<StockShortage>,
}

impl TransferFormPage {
    fn is_chosen(&self, field: &str, id: &i64) -> bool {
        let value = if field == "from" {
            &self.form.from
        } else {
            &self.form.to
        };
        TransferForm::chosen(value) == Some(*id)
    }

    fn short_line(&self, shortage: &StockShortage) -> String {
        self.w
            .short_line
            .replace("{sku}", &shortage.sku)
            .replace("{requested}", &shortage.requested.to_string())
            .replace("{available}", &shortage.available.to_string())
    }
}

/// The empty transfer form; a link may choose the warehouses already
/// (`?from=`, as the warehouse page's "new transfer" does).
async fn new_transfer(
    c: Chrome,
    State(state): State<AppState>,
    Query(chosen): Query<TransferForm>,
) -> PageResult {
    transfer_form(
        c,
        &state,
        chosen,
        FieldErrors::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn create_transfer(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Form(form): Form<TransferForm>,
) -> PageResult {
    let w = text::text(c.lang);
    let (lines, bad) = form.lines();
    let mut errors = FieldErrors::default();
    for line in &bad {
        let message = w
            .line_error
            .replace("{line}", &line.to_string())
            .replace("{problem}", w.bad_quantity);
        errors.add("lines", &message);
    }
    if !errors.is_empty() {
        return transfer_form(
            c,
            &state,
            form,
            errors,
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let request = TransferRequest {
        from_warehouse_id: TransferForm::chosen(&form.from),
        to_warehouse_id: TransferForm::chosen(&form.to),
        note: Some(form.note.clone()),
        lines: Some(lines),
    };
    match transfers::create(&state.db, &request, &by).await {
        Ok(transfer) => see_other(&format!("/transfers/{}", transfer.id)),
        Err(AppError::InsufficientStock { shortages, .. }) => {
            transfer_form(c, &state, form, errors, shortages, StatusCode::CONFLICT).await
        }
        Err(AppError::Validation { message, details }) => {
            let details = details
                .into_iter()
                .map(|detail| FieldError::new(form_field(&detail.field), detail.problem))
                .collect();
            let err = AppError::Validation { message, details };
            errors.absorb(err, c.t).map_err(|err| c.error(err))?;
            transfer_form(
                c,
                &state,
                form,
                errors,
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => Err(c.error(err)),
    }
}

async fn transfer_form(
    c: Chrome,
    state: &AppState,
    form: TransferForm,
    errors: FieldErrors,
    shortages: Vec<StockShortage>,
    status: StatusCode,
) -> PageResult {
    let warehouses = service::list(&state.db)
        .await
        .map_err(|err| c.error(err))?
        .into_iter()
        .filter(|warehouse| warehouse.active)
        .collect();
    let page = TransferFormPage {
        w: text::text(c.lang),
        c,
        warehouses,
        form,
        errors,
        shortages,
    };
    Ok(render(status, &page))
}

#[derive(askama::Template)]
#[template(path = "warehouses/transfer.html")]
struct TransferPage {
    c: Chrome,
    w: &'static WarehouseText,
    transfer: Transfer,
}

impl TransferPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

async fn show_transfer(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> PageResult {
    let transfer = transfers::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    ok(&TransferPage {
        w: text::text(c.lang),
        c,
        transfer,
    })
}

/// The form field a service's field problem belongs to: every line of the
/// request comes from the one `lines` box.
fn form_field(field: &str) -> String {
    match field {
        "fromWarehouseId" => "from".into(),
        "toWarehouseId" => "to".into(),
        field if field.starts_with("lines") => "lines".into(),
        field => field.into(),
    }
}
