//! Today at a glance: takings, orders, the average ticket, the best sellers
//! and takings by hour. The page asks for it again every 30 seconds.

use jiff::{tz::TimeZone, ToSpan};
use serde::Serialize;
use sqlx::{AnyPool, Row};

use super::{
    chart::{Chart, Series},
    period::{self, stored, Span},
    sql::{bind_spans, buckets_cte, SOLD},
    table::Kind,
    text::ReportText,
};
use crate::AppError;

/// Today's figures. Takings are what customers paid (tax included).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Today {
    pub date: String,
    pub takings: i64,
    pub orders: i64,
    pub average_ticket: i64,
    pub top_products: Vec<TopProduct>,
    pub hours: Vec<Hour>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopProduct {
    pub name: String,
    pub quantity: i64,
    pub takings: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hour {
    /// The local hour, `00` to `23`.
    pub hour: String,
    pub orders: i64,
    pub takings: i64,
}

impl Today {
    pub fn chart(&self, t: &ReportText) -> Chart {
        Chart {
            title: format!("{} {}", t.revenue_by_hour, self.date),
            labels: self.hours.iter().map(|h| h.hour.clone()).collect(),
            series: vec![Series {
                name: t.revenue.to_owned(),
                values: self.hours.iter().map(|h| h.takings).collect(),
            }],
            kind: Kind::Money,
        }
    }
}

/// The hours of the shop's today, each as a span; 23 or 25 of them on a
/// daylight-saving day.
fn hours(tz: &TimeZone) -> Vec<Span> {
    let today = period::today(tz);
    let (Ok(mut start), Ok(end)) = (
        today.to_zoned(tz.clone()),
        today.tomorrow().and_then(|day| day.to_zoned(tz.clone())),
    ) else {
        return Vec::new();
    };
    let mut hours = Vec::with_capacity(24);
    while start < end {
        let Ok(next) = start.checked_add(1.hour()) else {
            break;
        };
        let until = if next < end {
            next.clone()
        } else {
            end.clone()
        };
        hours.push(Span {
            label: format!("{:02}", start.hour()),
            start: stored(start.timestamp()),
            end: stored(until.timestamp()),
        });
        start = next;
    }
    hours
}

pub async fn today(db: &AnyPool, tz: &TimeZone) -> Result<Today, AppError> {
    let spans = hours(tz);
    let sql = format!(
        "{}SELECT CAST(b.idx AS BIGINT) AS idx, COUNT(o.id) AS orders, \
                CAST(COALESCE(SUM(o.total), 0) AS BIGINT) AS takings \
           FROM buckets b \
           LEFT JOIN orders o ON o.paid_at >= b.starts AND o.paid_at < b.ends AND {SOLD} \
          GROUP BY b.idx ORDER BY b.idx",
        buckets_cte(&spans, 1)
    );
    let rows = bind_spans(sqlx::query(&sql), &spans).fetch_all(db).await?;
    let mut hours = Vec::with_capacity(spans.len());
    for (span, row) in spans.iter().zip(&rows) {
        hours.push(Hour {
            hour: span.label.clone(),
            orders: row.try_get("orders")?,
            takings: row.try_get("takings")?,
        });
    }
    let (start, end) = match (spans.first(), spans.last()) {
        (Some(first), Some(last)) => (first.start.clone(), last.end.clone()),
        _ => (String::new(), String::new()),
    };
    let top = sqlx::query(&format!(
        "SELECT p.name, CAST(SUM(ol.quantity) AS BIGINT) AS quantity, \
                CAST(SUM(ol.total) AS BIGINT) AS takings \
           FROM orders o \
           JOIN order_lines ol ON ol.order_id = o.id \
           JOIN products p ON p.id = ol.product_id \
          WHERE o.paid_at >= $1 AND o.paid_at < $2 AND {SOLD} \
          GROUP BY p.id, p.name ORDER BY quantity DESC, takings DESC, p.id LIMIT 5"
    ))
    .bind(&start)
    .bind(&end)
    .fetch_all(db)
    .await?;
    let top_products = top
        .iter()
        .map(|row| {
            Ok(TopProduct {
                name: row.try_get("name")?,
                quantity: row.try_get("quantity")?,
                takings: row.try_get("takings")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let takings = hours.iter().map(|h| h.takings).sum();
    let orders = hours.iter().map(|h| h.orders).sum();
    Ok(Today {
        date: period::today(tz).to_string(),
        takings,
        orders,
        average_ticket: if orders > 0 { takings / orders } else { 0 },
        top_products,
        hours,
    })
}
