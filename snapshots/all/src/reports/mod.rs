//! Reports: the numbers a shop owner checks every evening, each as a page
//! with a chart and a table, a JSON answer under `/api/reports/…`, and CSV
//! and XLSX downloads of the same table.
//!
//! Every figure is aggregated in SQL over indexed ranges of timestamps; days,
//! weeks and months are cut at the shop's own midnight ([`period`]), in the
//! time zone `REPORT_TIME_ZONE` names. A sale counts when it was paid
//! (`orders.paid_at`) and only while its order stays paid or completed; a
//! refund counts when it was made.

pub mod chart;
mod customers;
mod dashboard;
pub mod export;
mod pages;
pub mod period;
mod products;
mod routes;
mod sales;
mod sql;
mod stock;
pub mod table;
mod text;

use jiff::{civil::Date, tz::TimeZone};
use serde::Deserialize;

pub use routes::router;

use self::{
    chart::Chart,
    period::{Grain, Period},
    table::{Kind, Table},
    text::ReportText,
};
use crate::{validate::Problem, AppError};

/// The zone used when `REPORT_TIME_ZONE` is not set.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Ho_Chi_Minh";

/// How reports cut time, read once at start.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub time_zone: TimeZone,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            time_zone: TimeZone::get(DEFAULT_TIME_ZONE)
                .expect("the time-zone database is compiled in"),
        }
    }
}

impl ReportSettings {
    /// Reads `REPORT_TIME_ZONE`; a name the time-zone database does not know
    /// is refused, so a typo cannot shift every report by hours.
    pub fn from_env() -> anyhow::Result<Self> {
        match std::env::var("REPORT_TIME_ZONE") {
            Ok(name) if !name.trim().is_empty() => Self::named(name.trim()),
            _ => Ok(Self::default()),
        }
    }

    pub fn named(name: &str) -> anyhow::Result<Self> {
        let time_zone = TimeZone::get(name).map_err(|_| {
            anyhow::anyhow!("REPORT_TIME_ZONE={name} is not a time zone, e.g. Asia/Ho_Chi_Minh")
        })?;
        Ok(Self { time_zone })
    }
}

/// The reports there are, by the name in their URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Sales,
    Products,
    SlowProducts,
    PaymentMethods,
    Staff,
    Valuation,
    LowStock,
    DeadStock,
    Customers,
    TopCustomers,
    Rfm,
}

impl ReportKind {
    pub const ALL: &[ReportKind] = &[
        Self::Sales,
        Self::Products,
        Self::SlowProducts,
        Self::PaymentMethods,
        Self::Staff,
        Self::Valuation,
        Self::LowStock,
        Self::DeadStock,
        Self::Customers,
        Self::TopCustomers,
        Self::Rfm,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Sales => "sales",
            Self::Products => "products",
            Self::SlowProducts => "slow-products",
            Self::PaymentMethods => "payment-methods",
            Self::Staff => "staff",
            Self::Valuation => "inventory-valuation",
            Self::LowStock => "low-stock",
            Self::DeadStock => "dead-stock",
            Self::Customers => "customers",
            Self::TopCustomers => "top-customers",
            Self::Rfm => "rfm",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.slug() == slug)
    }

    pub fn title(self, t: &ReportText) -> &'static str {
        match self {
            Self::Sales => t.sales,
            Self::Products => t.products,
            Self::SlowProducts => t.slow_products,
            Self::PaymentMethods => t.payment_methods,
            Self::Staff => t.staff,
            Self::Valuation => t.valuation,
            Self::LowStock => t.low_stock,
            Self::DeadStock => t.dead_stock,
            Self::Customers => t.customers,
            Self::TopCustomers => t.top_customers,
            Self::Rfm => t.rfm,
        }
    }

    /// The columns whose totals are set against the previous period, for a
    /// report that does not make its own headline figures.
    fn compared_totals(self) -> &'static [&'static str] {
        match self {
            Self::PaymentMethods => &["amount", "refunds", "net"],
            Self::Staff => &["orders", "sales"],
            Self::Customers => &["new", "newSales", "returningSales"],
            _ => &[],
        }
    }

    /// Which of the query's settings the report reads, for its form.
    pub fn uses(self) -> Uses {
        match self {
            Self::Sales | Self::Customers => Uses {
                period: true,
                grain: true,
                ..Uses::default()
            },
            Self::Products => Uses {
                period: true,
                sort: true,
                limit: true,
                ..Uses::default()
            },
            Self::SlowProducts | Self::TopCustomers => Uses {
                period: true,
                limit: true,
                ..Uses::default()
            },
            Self::PaymentMethods | Self::Rfm => Uses {
                period: true,
                ..Uses::default()
            },
            Self::Staff => Uses {
                period: true,
                ..Uses::default()
            },
            Self::Valuation => Uses::default(),
            Self::LowStock | Self::DeadStock => Uses {
                days: true,
                limit: true,
                ..Uses::default()
            },
        }
    }
}

/// The settings a report's form offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    pub period: bool,
    pub grain: bool,
    pub sort: bool,
    pub limit: bool,
    pub days: bool,
}

impl Uses {
    /// Whether the report has a form at all.
    pub fn any(self) -> bool {
        self != Self::default()
    }
}

/// How the products report ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Quantity,
    Revenue,
    Margin,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Self::Quantity, Self::Revenue, Self::Margin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quantity => "quantity",
            Self::Revenue => "revenue",
            Self::Margin => "margin",
        }
    }

    pub fn label(self, t: &ReportText) -> &'static str {
        match self {
            Self::Quantity => t.quantity,
            Self::Revenue => t.revenue,
            Self::Margin => t.margin,
        }
    }
}

/// A report's query string as sent: `from`, `to` (local dates), `grain`,
/// `sort`, `limit`, `days`.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub grain: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub days: Option<i64>,
}

/// The checked settings of one report run.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub period: Period,
    pub grain: Grain,
    pub sort: Sort,
    pub limit: i64,
    /// For stock reports: how far back "recently" reaches.
    pub days: i64,
}

impl Params {
    /// Fills in what the query leaves out: the last 30 days ending today, a
    /// grain that keeps the chart readable, 20 rows, 30 days of history.
    pub fn from_query(query: &ReportQuery, today: Date) -> Result<Self, AppError> {
        let date = |field: &str, text: &Option<String>| -> Result<Option<Date>, AppError> {
            match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(text) => text.parse::<Date>().map(Some).map_err(|_| {
                    AppError::invalid(
                        field,
                        Problem::Worded("must be a date like 2026-11-27".into()),
                    )
                }),
            }
        };
        let to = date("to", &query.to)?.unwrap_or(today);
        let period = match date("from", &query.from)? {
            Some(from) => Period::new(from, to)?,
            None => Period::ending(to, 30),
        };
        let grain = match query.grain.as_deref().filter(|g| !g.is_empty()) {
            Some(text) => Grain::parse(text).ok_or_else(|| {
                AppError::invalid(
                    "grain",
                    Problem::Worded("must be day, week or month".into()),
                )
            })?,
            None if period.days() <= 62 => Grain::Day,
            None if period.days() <= 190 => Grain::Week,
            None => Grain::Month,
        };
        let sort = match query.sort.as_deref().filter(|s| !s.is_empty()) {
            None => Sort::Quantity,
            Some(text) => Sort::ALL
                .into_iter()
                .find(|sort| sort.as_str() == text)
                .ok_or_else(|| {
                    AppError::invalid(
                        "sort",
                        Problem::Worded("must be quantity, revenue or margin".into()),
                    )
                })?,
        };
        let limit = query.limit.unwrap_or(20);
        if !(1..=1_000).contains(&limit) {
            return Err(AppError::invalid("limit", Problem::Between(1, 1_000)));
        }
        let days = query.days.unwrap_or(30);
        if !(1..=730).contains(&days) {
            return Err(AppError::invalid("days", Problem::Between(1, 730)));
        }
        Ok(Self {
            period,
            grain,
            sort,
            limit,
            days,
        })
    }
}

/// A headline number with the same number for the previous period.
#[derive(Debug, Clone)]
pub struct Figure {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub value: i64,
    pub previous: Option<i64>,
}

impl Figure {
    /// The change from the previous period in basis points.
    pub fn change(&self) -> Option<i64> {
        self.previous
            .and_then(|previous| table::change(self.value, previous))
    }
}

/// Headline figures from the totals of `keys` in two runs of one report.
fn compare_totals(now: &Table, before: &Table, keys: &[&'static str]) -> Vec<Figure> {
    let total = |table: &Table, key: &str| -> Option<i64> {
        let index = table.columns.iter().position(|c| c.key == key)?;
        match table.totals.as_ref()?.get(index)? {
            table::Cell::Number(value) => Some(*value),
            _ => None,
        }
    };
    keys.iter()
        .filter_map(|key| {
            let column = now.columns.iter().find(|c| c.key == *key)?;
            Some(Figure {
                key: column.key,
                label: column.label,
                kind: column.kind,
                value: total(now, key)?,
                previous: total(before, key),
            })
        })
        .collect()
}

/// One report, ready to be shown, answered as JSON or downloaded.
#[derive(Debug, Clone)]
pub struct Report {
    pub kind: ReportKind,
    pub params: Params,
    /// Whether the report covers a range of dates (a stock report shows now).
    pub dated: bool,
    pub figures: Vec<Figure>,
    pub chart: Chart,
    pub table: Table,
}

/// Everything a report needs to run.
pub struct Run<'a> {
    pub db: &'a sqlx::AnyPool,
    pub tz: &'a TimeZone,
    pub t: &'static ReportText,
    pub params: Params,
}

impl Run<'_> {
    /// The report, with its totals against the previous period of the same
    /// length where the report has totals worth comparing.
    pub async fn report(&self, kind: ReportKind) -> Result<Report, AppError> {
        let mut report = self.without_comparison(kind).await?;
        let keys = kind.compared_totals();
        if report.figures.is_empty() && !keys.is_empty() {
            let before = Run {
                db: self.db,
                tz: self.tz,
                t: self.t,
                params: Params {
                    period: self.params.period.previous(),
                    ..self.params
                },
            };
            let previous = before.without_comparison(kind).await?;
            report.figures = compare_totals(&report.table, &previous.table, keys);
        }
        Ok(report)
    }

    async fn without_comparison(&self, kind: ReportKind) -> Result<Report, AppError> {
        match kind {
            ReportKind::Sales => sales::sales(self).await,
            ReportKind::Products => products::top(self).await,
            ReportKind::SlowProducts => products::slow(self).await,
            ReportKind::PaymentMethods => sales::payment_methods(self).await,
            ReportKind::Staff => sales::staff(self).await,
            ReportKind::Valuation => stock::valuation(self).await,
            ReportKind::LowStock => stock::low(self).await,
            ReportKind::DeadStock => stock::dead(self).await,
            ReportKind::Customers => customers::new_and_returning(self).await,
            ReportKind::TopCustomers => customers::top(self).await,
            ReportKind::Rfm => customers::rfm(self).await,
        }
    }

    /// A report over the run's period with no comparison.
    fn report_of(
        &self,
        kind: ReportKind,
        figures: Vec<Figure>,
        chart: Chart,
        table: Table,
    ) -> Report {
        Report {
            kind,
            params: self.params,
            dated: kind.uses().period,
            figures,
            chart,
            table,
        }
    }
}
