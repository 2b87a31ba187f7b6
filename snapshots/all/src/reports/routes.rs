//! The JSON API of the reports and their downloads.

use axum::{extract::State, response::Response, routing::get, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    dashboard::{self, Today},
    export::{self, FileFormat},
    pages, period,
    table::Kind,
    text, Params, Report, ReportKind, ReportQuery, Run,
};
use crate::{
    api::ApiResponse,
    extract::{Path, Query},
    validate::Problem,
    web::{layout::Chrome, Lang},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/reports/dashboard", get(today))
        .route("/api/reports/{report}", get(report))
        .route("/reports/{report}/export", get(download))
        .merge(pages::router())
}

/// The report a path names, or 404.
pub fn kind(slug: &str) -> Result<ReportKind, AppError> {
    ReportKind::parse(slug)
        .ok_or_else(|| AppError::NotFound(format!("There is no report called {slug}.")))
}

/// Runs a report in `lang`'s words.
pub async fn run(
    state: &AppState,
    kind: ReportKind,
    query: &ReportQuery,
    lang: Lang,
) -> Result<Report, AppError> {
    let tz = &state.reports.time_zone;
    let params = Params::from_query(query, period::today(tz))?;
    let run = Run {
        db: &state.db,
        tz,
        t: text::text(lang),
        params,
    };
    run.report(kind).await
}

async fn today(State(state): State<AppState>) -> Result<ApiResponse<Today>, AppError> {
    Ok(ApiResponse::ok(
        dashboard::today(&state.db, &state.reports.time_zone).await?,
    ))
}

/// A report as JSON: its settings, headline figures with the previous
/// period, its columns, rows and totals. Column labels are in English.
async fn report(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<ApiResponse<Value>, AppError> {
    let report = run(&state, kind(&slug)?, &query, Lang::En).await?;
    Ok(ApiResponse::ok(to_json(&report)))
}

pub fn to_json(report: &Report) -> Value {
    let params = &report.params;
    let figures: Vec<Value> = report
        .figures
        .iter()
        .map(|figure| {
            json!({
                "key": figure.key,
                "value": figure.value,
                "previous": figure.previous,
                "changeBasisPoints": figure.change(),
            })
        })
        .collect();
    let columns: Vec<Value> = report
        .table
        .columns
        .iter()
        .map(|column| {
            json!({
                "key": column.key,
                "label": column.label,
                "kind": match column.kind {
                    Kind::Text => "text",
                    Kind::Count => "count",
                    Kind::Money => "money",
                    Kind::Percent => "basisPoints",
                },
            })
        })
        .collect();
    let mut body = json!({
        "report": report.kind.slug(),
        "figures": figures,
        "columns": columns,
    });
    if report.dated {
        body["from"] = json!(params.period.from.to_string());
        body["to"] = json!(params.period.to.to_string());
        body["grain"] = json!(params.grain.as_str());
    }
    if let (Value::Object(body), Value::Object(table)) = (&mut body, report.table.to_json()) {
        body.extend(table);
    }
    body
}

/// `?format=`; the rest of the query string is the report's own.
#[derive(Debug, Default, Deserialize)]
struct FileQuery {
    format: Option<String>,
}

/// `?format=csv` or `xlsx`, with the report's own settings: the table as a
/// file, headed in the page's language.
async fn download(
    c: Chrome,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(file): Query<FileQuery>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let format = FileFormat::parse(file.format.as_deref().unwrap_or("csv")).ok_or_else(|| {
        AppError::invalid("format", Problem::Worded("must be csv or xlsx".into()))
    })?;
    let kind = kind(&slug)?;
    let report = run(&state, kind, &query, c.lang).await?;
    let name = if report.dated {
        format!(
            "{}-{}-{}",
            kind.slug(),
            report.params.period.from,
            report.params.period.to
        )
    } else {
        format!(
            "{}-{}",
            kind.slug(),
            period::today(&state.reports.time_zone)
        )
    };
    export::download(report.table, &name, format).await
}
