//! The report pages: today's dashboard (refreshed in place every 30
//! seconds), and one page per report with its form, chart, table and
//! download links.

use axum::{extract::State, routing::get, Router};

use super::{
    dashboard::{self, Today},
    routes::{kind, run},
    table::{Cell, Column, Kind},
    text::{self, ReportText},
    Figure, Report, ReportKind, ReportQuery, Sort,
};
use crate::{
    extract::{Path, Query},
    web::{format, layout::Chrome, ok, PageResult},
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(dashboard_page))
        .route("/reports/live", get(live))
        .route("/reports/{report}", get(report_page))
}

/// How cells and figures read on a page.
trait Shows {
    fn money(&self, amount: &i64) -> String {
        format::vnd(amount)
    }

    fn cell(&self, column: &Column, cell: &Cell) -> String {
        match (cell, column.kind) {
            (Cell::Text(text), _) => text.clone(),
            (Cell::Number(value), Kind::Money) => format::vnd(value),
            (Cell::Number(value), Kind::Percent) => percent(*value),
            (Cell::Number(value), _) => value.to_string(),
            (Cell::Empty, _) => "—".to_owned(),
        }
    }
}

/// Basis points as `12,5 %`.
fn percent(basis_points: i64) -> String {
    let tenths = basis_points / 10;
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{},{} %", tenths.abs() / 10, tenths.abs() % 10)
}

#[derive(askama::Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    r: &'static ReportText,
    today: Today,
    chart: String,
    reports: Vec<(&'static str, &'static str)>,
}

impl Shows for DashboardPage {}

#[derive(askama::Template)]
#[template(path = "reports/today.html")]
struct TodayFragment {
    r: &'static ReportText,
    today: Today,
    chart: String,
}

impl Shows for TodayFragment {}

async fn dashboard_page(c: Chrome, State(state): State<AppState>) -> PageResult {
    let r = text::text(c.lang);
    let today = dashboard::today(&state.db, &state.reports.time_zone)
        .await
        .map_err(|err| c.error(err))?;
    let chart = today.chart(r).svg();
    let reports = ReportKind::ALL
        .iter()
        .map(|kind| (kind.slug(), kind.title(r)))
        .collect();
    ok(&DashboardPage {
        c,
        r,
        today,
        chart,
        reports,
    })
}

/// The dashboard's figures alone, for its refresh.
async fn live(c: Chrome, State(state): State<AppState>) -> PageResult {
    let r = text::text(c.lang);
    let today = dashboard::today(&state.db, &state.reports.time_zone)
        .await
        .map_err(|err| c.error(err))?;
    let chart = today.chart(r).svg();
    ok(&TodayFragment { r, today, chart })
}

#[derive(askama::Template)]
#[template(path = "reports/report.html")]
struct ReportPage {
    c: Chrome,
    r: &'static ReportText,
    report: Report,
    title: &'static str,
    chart: String,
    /// The query string that made this page, for the download links.
    query: String,
    sorts: Vec<(&'static str, &'static str)>,
    reports: Vec<(&'static str, &'static str)>,
}

impl Shows for ReportPage {}

impl ReportPage {
    fn figure(&self, figure: &Figure) -> String {
        match figure.kind {
            Kind::Money => format::vnd(figure.value),
            _ => figure.value.to_string(),
        }
    }

    fn previous(&self, figure: &Figure) -> String {
        match (figure.previous, figure.kind) {
            (None, _) => String::new(),
            (Some(value), Kind::Money) => format::vnd(value),
            (Some(value), _) => value.to_string(),
        }
    }

    fn change(&self, figure: &Figure) -> String {
        figure.change().map(percent).unwrap_or_default()
    }
}

async fn report_page(
    c: Chrome,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<ReportQuery>,
) -> PageResult {
    let r = text::text(c.lang);
    let kind = kind(&slug).map_err(|err| c.error(err))?;
    let report = run(&state, kind, &query, c.lang)
        .await
        .map_err(|err| c.error(err))?;
    let chart = report.chart.svg();
    let params = &report.params;
    let mut pairs = Vec::new();
    let uses = kind.uses();
    if uses.period {
        pairs.push(("from", params.period.from.to_string()));
        pairs.push(("to", params.period.to.to_string()));
    }
    if uses.grain {
        pairs.push(("grain", params.grain.as_str().to_owned()));
    }
    if uses.sort {
        pairs.push(("sort", params.sort.as_str().to_owned()));
    }
    if uses.limit {
        pairs.push(("limit", params.limit.to_string()));
    }
    if uses.days {
        pairs.push(("days", params.days.to_string()));
    }
    let query = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", format::encode_component(value)))
        .collect::<Vec<_>>()
        .join("&");
    ok(&ReportPage {
        c,
        r,
        title: kind.title(r),
        chart,
        query,
        sorts: Sort::ALL.iter().map(|s| (s.as_str(), s.label(r))).collect(),
        reports: ReportKind::ALL
            .iter()
            .map(|kind| (kind.slug(), kind.title(r)))
            .collect(),
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_read_the_vietnamese_way() {
        assert_eq!(percent(1_250), "12,5 %");
        assert_eq!(percent(-333), "-3,3 %");
        assert_eq!(percent(0), "0,0 %");
    }
}
