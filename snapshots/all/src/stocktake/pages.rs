//! Stock count pages: the list, starting a count, and the count itself with
//! a scan field and a hand-entry form. Every rule is the service's, as for
//! the API.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    model::{CountMode, CountRequest, StartRequest, Status, Stocktake},
    service,
    text::{self, StocktakeText},
};
use crate::{
    attribution::Attribution,
    categories::{self, Category},
    extract::{Path, Query},
    inventory::{self, model::Warehouse},
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
        .route("/stocktakes", get(list).post(start))
        .route("/stocktakes/new", get(new))
        .route("/stocktakes/{id}", get(show))
        .route("/stocktakes/{id}/counts", post(count))
        .route("/stocktakes/{id}/submit", post(submit))
        .route("/stocktakes/{id}/apply", post(apply))
        .route("/stocktakes/{id}/cancel", post(cancel))
}

/// A status in the page's language.
fn status_label(w: &StocktakeText, status: Status) -> &'static str {
    match status {
        Status::Counting => w.status_counting,
        Status::Submitted => w.status_submitted,
        Status::Applied => w.status_applied,
        Status::Cancelled => w.status_cancelled,
    }
}

#[derive(askama::Template)]
#[template(path = "stocktake/list.html")]
struct ListPage {
    c: Chrome,
    w: &'static StocktakeText,
    stocktakes: Vec<Stocktake>,
    pager: Pager,
}

impl ListPage {
    fn status(&self, status: &Status) -> &'static str {
        status_label(self.w, *status)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

#[derive(Debug, Deserialize)]
struct PageParam {
    page: Option<u32>,
}

async fn list(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<PageParam>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let (stocktakes, meta) = service::list(&state.db, None, page)
        .await
        .map_err(|err| c.error(err))?;
    ok(&ListPage {
        w: text::text(c.lang),
        pager: Pager::new(meta, "/stocktakes", &[]),
        c,
        stocktakes,
    })
}

/// The start form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
struct StartForm {
    #[serde(default)]
    warehouse: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    note: String,
}

fn chosen(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

#[derive(askama::Template)]
#[template(path = "stocktake/new.html")]
struct NewPage {
    c: Chrome,
    w: &'static StocktakeText,
    warehouses: Vec<Warehouse>,
    categories: Vec<Category>,
    form: StartForm,
    errors: FieldErrors,
    /// A refusal that is not about one field: another count is open.
    problem: Option<String>,
}

impl NewPage {
    fn is_warehouse(&self, id: &i64) -> bool {
        match chosen(&self.form.warehouse) {
            Some(chosen) => chosen == *id,
            None => self
                .warehouses
                .iter()
                .any(|warehouse| warehouse.id == *id && warehouse.is_default),
        }
    }

    fn is_category(&self, id: &i64) -> bool {
        chosen(&self.form.category) == Some(*id)
    }
}

async fn new(c: Chrome, State(state): State<AppState>) -> PageResult {
    new_page(
        c,
        &state,
        StartForm::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

async fn new_page(
    c: Chrome,
    state: &AppState,
    form: StartForm,
    errors: FieldErrors,
    problem: Option<String>,
) -> PageResult {
    let warehouses = inventory::service::warehouses(&state.db)
        .await
        .map_err(|err| c.error(err))?;
    let categories = categories::list(&state.db)
        .await
        .map_err(|err| c.error(err))?;
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        errors.status()
    };
    let page = NewPage {
        w: text::text(c.lang),
        c,
        warehouses,
        categories,
        form,
        errors,
        problem,
    };
    Ok(render(status, &page))
}

async fn start(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Form(form): Form<StartForm>,
) -> PageResult {
    let request = StartRequest {
        warehouse_id: chosen(&form.warehouse),
        category_id: chosen(&form.category),
        note: Some(form.note.clone()),
    };
    let mut errors = FieldErrors::default();
    let mut problem = None;
    match service::start(&state.db, &request, &by).await {
        Ok(stocktake) => return see_other(&format!("/stocktakes/{}", stocktake.id)),
        Err(AppError::Conflict(message)) => problem = Some(message),
        Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
    }
    new_page(c, &state, form, errors, problem).await
}

#[derive(askama::Template)]
#[template(path = "stocktake/detail.html")]
struct DetailPage {
    c: Chrome,
    w: &'static StocktakeText,
    s: Stocktake,
    /// What was just recorded, after a count.
    notice: Option<String>,
    /// Why the last entry was refused, with what was typed.
    problem: Option<String>,
    /// The hand-entry form as typed, kept when it was refused.
    form: CountForm,
}

impl DetailPage {
    fn status(&self) -> &'static str {
        status_label(self.w, self.s.status)
    }

    fn counting(&self) -> bool {
        self.s.status == Status::Counting
    }

    fn submitted(&self) -> bool {
        self.s.status == Status::Submitted
    }

    fn open(&self) -> bool {
        matches!(self.s.status, Status::Counting | Status::Submitted)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    /// How many uncounted items the page leaves out, when it leaves some.
    fn uncounted_more(&self) -> Option<String> {
        let shown = i64::try_from(self.s.uncounted.len()).unwrap_or(i64::MAX);
        let more = self.s.uncounted_items - shown;
        (more > 0).then(|| self.w.uncounted_more.replace("{count}", &more.to_string()))
    }

    fn started(&self) -> String {
        self.step(&Some(self.s.started_at.clone()), &self.s.started_by)
    }

    /// `when` by `who`, for the record of each step.
    fn step(&self, when: &Option<String>, who: &Option<String>) -> String {
        match (when, who) {
            (Some(when), Some(who)) => format!("{} {} {who}", self.time(when), self.w.by),
            (Some(when), None) => self.time(when),
            (None, _) => String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct ShowParam {
    /// The variant just counted.
    last: Option<i64>,
}

async fn show(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<ShowParam>,
) -> PageResult {
    let s = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let w = text::text(c.lang);
    let notice = query.last.and_then(|variant_id| {
        let line = s.lines.iter().find(|line| line.variant_id == variant_id)?;
        Some(
            w.counted_now
                .replace("{sku}", &line.sku)
                .replace("{counted}", &line.counted.to_string()),
        )
    });
    ok(&DetailPage {
        w,
        c,
        s,
        notice,
        problem: None,
        form: CountForm::default(),
    })
}

/// A count as typed: the scan field sends the code alone (add one); the
/// hand-entry form sends a quantity with `mode=set`.
#[derive(Debug, Default, Clone, Deserialize)]
struct CountForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    mode: String,
}

async fn count(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
    Form(form): Form<CountForm>,
) -> PageResult {
    let w = text::text(c.lang);
    let mode = if form.mode == "set" {
        CountMode::Set
    } else {
        CountMode::Add
    };
    let quantity = match form.quantity.trim() {
        "" => Ok(None),
        typed => typed.parse::<i64>().map(Some),
    };
    let result = match quantity {
        Ok(quantity) => {
            let request = CountRequest {
                code: Some(form.code.clone()),
                variant_id: None,
                quantity,
                mode: Some(mode),
            };
            service::count(&state.db, id, &request, &by).await
        }
        Err(_) => Err(AppError::Validation {
            message: c.t.not_a_number.into(),
            details: Vec::new(),
        }),
    };
    let err = match result {
        Ok(line) => {
            return see_other(&format!("/stocktakes/{id}?last={}", line.variant_id));
        }
        Err(err) => err,
    };
    let status = err.status();
    let reason = match err {
        AppError::Validation { details, message } => match details.first() {
            Some(detail) => c.problem(&detail.problem),
            None => message,
        },
        AppError::Conflict(message) | AppError::NotFound(message) => message,
        other => return Err(c.error(other)),
    };
    let s = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let problem = format!(
        "{} {reason}",
        w.not_counted.replace("{code}", form.code.trim())
    );
    let page = DetailPage {
        w,
        c,
        s,
        notice: None,
        problem: Some(problem),
        form,
    };
    Ok(render(status, &page))
}

async fn submit(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
) -> PageResult {
    service::submit(&state.db, id, &by)
        .await
        .map_err(|err| c.error(err))?;
    see_other(&format!("/stocktakes/{id}"))
}

async fn apply(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
) -> PageResult {
    service::apply(&state.db, state.rules, id, &by)
        .await
        .map_err(|err| c.error(err))?;
    see_other(&format!("/stocktakes/{id}"))
}

async fn cancel(
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    by: Attribution,
) -> PageResult {
    service::cancel(&state.db, id, &by)
        .await
        .map_err(|err| c.error(err))?;
    see_other(&format!("/stocktakes/{id}"))
}
