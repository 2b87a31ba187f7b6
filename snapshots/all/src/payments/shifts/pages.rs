//! The cash shift pages: the current shift with its forms and the recent
//! shifts, and a printable Z-report. Every rule is the service's, as for
//! the API.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    model::{CloseRequest, MovementRequest, OpenRequest, ShiftDetail, ShiftStatus, ShiftSummary},
    service,
    text::{self, ShiftText},
};
use crate::{
    attribution::Attribution,
    extract::{Path, Query},
    pagination::Pagination,
    web::{
        form::{parse_amount, FieldErrors, Pager},
        format,
        layout::Chrome,
        ok, render, see_other, PageResult,
    },
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/shifts", get(index).post(open))
        .route("/shifts/{id}", get(report))
        .route("/shifts/{id}/cash-movements", post(move_cash))
        .route("/shifts/{id}/close", post(close))
        .route("/shifts/{id}/approve", post(approve))
}

/// The open form as typed; names match the API's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenForm {
    #[serde(default)]
    opening_float: String,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Default, Deserialize)]
struct MovementForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

/// The close form, and the approve form, where the count may be left empty.
#[derive(Debug, Default, Deserialize)]
struct CloseForm {
    #[serde(default)]
    counted: String,
    #[serde(default)]
    note: String,
}

/// Which form a refused post came from, so its errors show beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Open,
    Movement,
    Close,
    Approve,
}

/// What the forms show: what was typed and what was wrong with it.
#[derive(Debug, Default)]
struct Forms {
    open: OpenForm,
    movement: MovementForm,
    close: CloseForm,
    approve: CloseForm,
    failed: Option<Which>,
    errors: FieldErrors,
    /// A refusal that is not about one field, such as taking out too much.
    problem: Option<&'static str>,
}

#[derive(askama::Template)]
#[template(path = "shifts/index.html")]
struct IndexPage {
    c: Chrome,
    s: &'static ShiftText,
    current: Option<ShiftDetail>,
    recent: Vec<ShiftSummary>,
    pager: Pager,
    limit: i64,
    forms: Forms,
}

impl IndexPage {
    fn money(&self, amount: &i64) -> String {
        format::vnd(amount)
    }

    /// Money that left the drawer, shown as a subtraction.
    fn less(&self, amount: &i64) -> String {
        format::vnd(-amount)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    fn status_label(&self, status: &ShiftStatus) -> &'static str {
        status_label(self.s, *status)
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        kind_label(self.s, kind)
    }

    /// The problem with `field` of the form `which`, if that form was refused.
    fn error(&self, which: Which, field: &str) -> Option<&str> {
        if self.forms.failed == Some(which) {
            self.forms.errors.get(field)
        } else {
            None
        }
    }

    fn approval_needed(&self, difference: &i64) -> String {
        self.s
            .approval_needed
            .replace("{difference}", &format::vnd(difference))
            .replace("{limit}", &format::vnd(self.limit))
    }
}

#[derive(askama::Template)]
#[template(path = "shifts/report.html")]
struct ReportPage {
    c: Chrome,
    s: &'static ShiftText,
    shift: ShiftDetail,
}

impl ReportPage {
    fn money(&self, amount: &i64) -> String {
        format::vnd(amount)
    }

    /// Money that left the drawer, shown as a subtraction.
    fn less(&self, amount: &i64) -> String {
        format::vnd(-amount)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    fn status_label(&self, status: &ShiftStatus) -> &'static str {
        status_label(self.s, *status)
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        kind_label(self.s, kind)
    }
}

fn status_label(s: &ShiftText, status: ShiftStatus) -> &'static str {
    match status {
        ShiftStatus::Open => s.status_open,
        ShiftStatus::AwaitingApproval => s.status_awaiting,
        ShiftStatus::Closed => s.status_closed,
    }
}

fn kind_label(s: &ShiftText, kind: &str) -> &'static str {
    if kind == "out" {
        s.kind_out
    } else {
        s.kind_in
    }
}

#[derive(Debug, Deserialize)]
struct PageParam {
    page: Option<u32>,
}

async fn index(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<PageParam>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    index_page(c, &state, page, Forms::default()).await
}

async fn index_page(c: Chrome, state: &AppState, page: Pagination, forms: Forms) -> PageResult {
    let current = match service::current(&state.db).await {
        Ok(shift) => Some(shift),
        Err(AppError::NotFound(_)) => None,
        Err(err) => return Err(c.error(err)),
    };
    let (recent, meta) = service::list(&state.db, page)
        .await
        .map_err(|err| c.error(err))?;
    // The same statuses the API gives: 409 for a refusal, 422 for bad fields.
    let status = if forms.problem.is_some() {
        StatusCode::CONFLICT
    } else {
        forms.errors.status()
    };
    let page = IndexPage {
        s: text::text(c.lang),
        c,
        current,
        recent,
        pager: Pager::new(meta, "/shifts", &[]),
        limit: state.shifts.difference_limit,
        forms,
    };
    Ok(render(status, &page))
}

/// Reads an amount field, noting it when it is not a number.
fn amount(c: &Chrome, errors: &mut FieldErrors, field: &str, text: &str) -> Option<i64> {
    parse_amount(text).unwrap_or_else(|()| {
        errors.add(field, c.t.not_a_number);
        None
    })
}

/// Shows the page again after a refused post: field problems beside the
/// form, a conflict as `conflict` says when it is given, anything else as
/// an error page.
async fn refused(
    c: Chrome,
    state: &AppState,
    mut forms: Forms,
    which: Which,
    err: Option<AppError>,
    conflict: Option<&'static str>,
) -> PageResult {
    match (err, conflict) {
        (Some(AppError::Conflict(_)), Some(text)) => forms.problem = Some(text),
        (Some(err), _) => forms.errors.absorb(err, c.t).map_err(|err| c.error(err))?,
        (None, _) => {}
    }
    forms.failed = Some(which);
    let page = Pagination::new(None, None).map_err(|err| c.error(err))?;
    index_page(c, state, page, forms).await
}

async fn open(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Form(form): Form<OpenForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    let opening_float = amount(&c, &mut errors, "openingFloat", &form.opening_float);
    let err = if errors.is_empty() {
        let request = OpenRequest {
            opening_float,
            note: Some(form.note.clone()),
        };
        match service::open(&state.db, &request, &by).await {
            Ok(_) => return see_other("/shifts"),
            Err(err) => Some(err),
        }
    } else {
        None
    };
    let s = text::text(c.lang);
    let forms = Forms {
        open: form,
        errors,
        ..Forms::default()
    };
    refused(c, &state, forms, Which::Open, err, Some(s.already_open)).await
}

async fn move_cash(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
    Form(form): Form<MovementForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    let amount = amount(&c, &mut errors, "amount", &form.amount);
    let err = if errors.is_empty() {
        let request = MovementRequest {
            kind: Some(form.kind.clone()),
            amount,
            reason: Some(form.reason.clone()),
        };
        match service::move_cash(&state.db, id, &request, &by).await {
            Ok(_) => return see_other("/shifts"),
            Err(err) => Some(err),
        }
    } else {
        None
    };
    let s = text::text(c.lang);
    let forms = Forms {
        movement: form,
        errors,
        ..Forms::default()
    };
    refused(c, &state, forms, Which::Movement, err, Some(s.not_recorded)).await
}

async fn close(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
    Form(form): Form<CloseForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    let counted = amount(&c, &mut errors, "counted", &form.counted);
    let err = if errors.is_empty() {
        let request = CloseRequest {
            counted,
            note: Some(form.note.clone()),
        };
        match service::close(&state.db, state.shifts, id, &request, &by).await {
            Ok(_) => return see_other(&format!("/shifts/{id}")),
            // The count is kept; the page shows it waiting for a manager.
            Err(AppError::ApprovalRequired(_)) => return see_other("/shifts"),
            Err(err) => Some(err),
        }
    } else {
        None
    };
    let forms = Forms {
        close: form,
        errors,
        ..Forms::default()
    };
    // A conflict here means the shift was closed meanwhile: an error page.
    refused(c, &state, forms, Which::Close, err, None).await
}

async fn approve(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
    Form(form): Form<CloseForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    let counted = amount(&c, &mut errors, "counted", &form.counted);
    let err = if errors.is_empty() {
        let request = CloseRequest {
            counted,
            note: Some(form.note.clone()),
        };
        match service::approve(&state.db, id, &request, &by).await {
            Ok(_) => return see_other(&format!("/shifts/{id}")),
            Err(err) => Some(err),
        }
    } else {
        None
    };
    let forms = Forms {
        approve: form,
        errors,
        ..Forms::default()
    };
    refused(c, &state, forms, Which::Approve, err, None).await
}

/// A shift's Z-report, to print.
async fn report(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let shift = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    ok(&ReportPage {
        s: text::text(c.lang),
        c,
        shift,
    })
}
