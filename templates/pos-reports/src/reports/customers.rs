//! Customers: new against returning, the best customers, and RFM segments.
//! Sales to walk-in customers (no customer on the order) are not counted.

use sqlx::Row;

use super::{
    chart::{Chart, Series},
    period::local_time,
    sql::{bind_spans, buckets_cte, SOLD},
    table::{share, Cell, Column, Kind, Table},
    text::ReportText,
    Report, ReportKind, Run,
};
use crate::{clock, AppError};

/// Per day, week or month: customers who bought, those buying for the first
/// time ever, and what each group spent.
pub async fn new_and_returning(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let spans = run.params.period.buckets(run.params.grain, run.tz);
    let sql = format!(
        "{}, firsts AS ( \
             SELECT o.customer_id, MIN(o.paid_at) AS first_at FROM orders o \
              WHERE o.customer_id IS NOT NULL AND {SOLD} GROUP BY o.customer_id) \
         SELECT CAST(b.idx AS BIGINT) AS idx, \
                COUNT(DISTINCT o.customer_id) AS customers, \
                COUNT(DISTINCT CASE WHEN f.first_at >= b.starts THEN o.customer_id END) \
                    AS new_customers, \
                CAST(COALESCE(SUM(CASE WHEN f.first_at >= b.starts THEN o.total END), 0) \
                     AS BIGINT) AS new_sales, \
                CAST(COALESCE(SUM(CASE WHEN f.first_at < b.starts THEN o.total END), 0) \
                     AS BIGINT) AS returning_sales \
           FROM buckets b \
           LEFT JOIN orders o ON o.paid_at >= b.starts AND o.paid_at < b.ends \
                             AND o.customer_id IS NOT NULL AND {SOLD} \
           LEFT JOIN firsts f ON f.customer_id = o.customer_id \
          GROUP BY b.idx ORDER BY b.idx",
        buckets_cte(&spans, 1).trim_end()
    );
    let rows = bind_spans(sqlx::query(&sql), &spans)
        .fetch_all(run.db)
        .await?;
    let mut table = Table::new(vec![
        Column::text("period", t.period),
        Column::count("customers", t.customer_count),
        Column::count("new", t.new_customers),
        Column::count("returning", t.returning_customers),
        Column::money("newSales", t.new_sales),
        Column::money("returningSales", t.returning_sales),
    ]);
    for (span, row) in spans.iter().zip(&rows) {
        let customers: i64 = row.try_get("customers")?;
        let new: i64 = row.try_get("new_customers")?;
        table.push(vec![
            span.label.as_str().into(),
            customers.into(),
            new.into(),
            (customers - new).into(),
            row.try_get::<i64, _>("new_sales")?.into(),
            row.try_get::<i64, _>("returning_sales")?.into(),
        ]);
    }
    // Each customer is new once, so new customers add up; returning ones
    // may come back in several buckets and do not.
    table.total(t.total, &["new", "newSales", "returningSales"]);
    let chart = Chart {
        title: t.customers.to_owned(),
        labels: table.texts("period"),
        series: vec![
            Series {
                name: t.new_customers.to_owned(),
                values: table.numbers("new"),
            },
            Series {
                name: t.returning_customers.to_owned(),
                values: table.numbers("returning"),
            },
        ],
        kind: Kind::Count,
    };
    Ok(run.report_of(ReportKind::Customers, Vec::new(), chart, table))
}

/// The customers who spent most in the period.
pub async fn top(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let span = run.params.period.span(run.tz);
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.name, c.phone, COUNT(o.id) AS orders, \
                CAST(SUM(o.total) AS BIGINT) AS sales, MAX(o.paid_at) AS last_at \
           FROM orders o JOIN customers c ON c.id = o.customer_id \
          WHERE o.paid_at >= $1 AND o.paid_at < $2 AND {SOLD} \
          GROUP BY c.id, c.name, c.phone \
          ORDER BY sales DESC, c.id \
          LIMIT $3"
    ))
    .bind(&span.start)
    .bind(&span.end)
    .bind(run.params.limit)
    .fetch_all(run.db)
    .await?;
    let mut table = Table::new(vec![
        Column::text("customer", t.customer),
        Column::text("phone", t.phone),
        Column::count("orders", t.orders),
        Column::money("sales", t.revenue),
        Column::text("lastPurchase", t.last_purchase),
    ]);
    for row in &rows {
        let phone: Option<String> = row.try_get("phone")?;
        let last_at: String = row.try_get("last_at")?;
        table.push(vec![
            row.try_get::<String, _>("name")?.into(),
            phone.unwrap_or_default().into(),
            row.try_get::<i64, _>("orders")?.into(),
            row.try_get::<i64, _>("sales")?.into(),
            local_time(&last_at, run.tz).into(),
        ]);
    }
    let chart = Chart {
        title: format!("{} ({})", t.top_customers, span.label),
        labels: table.texts("customer").into_iter().take(10).collect(),
        series: vec![Series {
            name: t.revenue.to_owned(),
            values: table.numbers("sales").into_iter().take(10).collect(),
        }],
        kind: Kind::Money,
    };
    Ok(run.report_of(ReportKind::TopCustomers, Vec::new(), chart, table))
}

/// A customer's RFM scores, 1 (lowest fifth) to 5 (highest fifth): how
/// recently, how often and how much they bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scores {
    pub recency: i64,
    pub frequency: i64,
    pub monetary: i64,
}

/// The segments, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Champions,
    Loyal,
    Promising,
    New,
    AtRisk,
    Hibernating,
    Others,
}

impl Segment {
    const ALL: [Segment; 7] = [
        Self::Champions,
        Self::Loyal,
        Self::Promising,
        Self::New,
        Self::AtRisk,
        Self::Hibernating,
        Self::Others,
    ];

    /// The usual reading of the scores: recent and frequent buyers are
    /// champions; recent ones with a single order new, with a few orders
    /// promising; frequent ones of middling recency loyal; frequent ones who
    /// stopped coming at risk; rare ones who stopped, hibernating.
    pub fn of(scores: Scores, orders: i64) -> Self {
        let Scores {
            recency: r,
            frequency: f,
            ..
        } = scores;
        match (r, f) {
            (4..=5, 4..=5) => Self::Champions,
            (4..=5, _) if orders == 1 => Self::New,
            (4..=5, _) => Self::Promising,
            (3, 3..=5) => Self::Loyal,
            (1..=2, 3..=5) => Self::AtRisk,
            (1..=2, 1..=2) => Self::Hibernating,
            _ => Self::Others,
        }
    }

    fn label(self, t: &ReportText) -> &'static str {
        match self {
            Self::Champions => t.champions,
            Self::Loyal => t.loyal,
            Self::Promising => t.promising,
            Self::New => t.new_segment,
            Self::AtRisk => t.at_risk,
            Self::Hibernating => t.hibernating,
            Self::Others => t.others,
        }
    }
}

/// Customers who bought in the period, scored against each other by fifths
/// (SQL `NTILE(5)`) and put in segments.
pub async fn rfm(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let span = run.params.period.span(run.tz);
    let rows = sqlx::query(&format!(
        "WITH bought AS ( \
             SELECT o.customer_id, MAX(o.paid_at) AS last_at, COUNT(*) AS orders, \
                    CAST(SUM(o.total) AS BIGINT) AS spent \
               FROM orders o \
              WHERE o.customer_id IS NOT NULL AND o.paid_at >= $1 AND o.paid_at < $2 AND {SOLD} \
              GROUP BY o.customer_id) \
         SELECT last_at, orders, spent, \
                CAST(NTILE(5) OVER (ORDER BY last_at) AS BIGINT) AS r, \
                CAST(NTILE(5) OVER (ORDER BY orders) AS BIGINT) AS f, \
                CAST(NTILE(5) OVER (ORDER BY spent) AS BIGINT) AS m \
           FROM bought"
    ))
    .bind(&span.start)
    .bind(&span.end)
    .fetch_all(run.db)
    .await?;
    let end = clock::unix_seconds(&span.end).unwrap_or_default();
    // (customers, spent, days since the last purchase summed) per segment.
    let mut segments = [(0_i64, 0_i64, 0_i64); Segment::ALL.len()];
    for row in &rows {
        let scores = Scores {
            recency: row.try_get("r")?,
            frequency: row.try_get("f")?,
            monetary: row.try_get("m")?,
        };
        let orders: i64 = row.try_get("orders")?;
        let segment = Segment::of(scores, orders);
        let index = Segment::ALL.iter().position(|s| *s == segment).unwrap_or(0);
        let last_at: String = row.try_get("last_at")?;
        let days = (end - clock::unix_seconds(&last_at).unwrap_or(end)) / 86_400;
        let slot = &mut segments[index];
        slot.0 += 1;
        slot.1 += row.try_get::<i64, _>("spent")?;
        slot.2 += days;
    }
    let spent: i64 = segments.iter().map(|s| s.1).sum();
    let mut table = Table::new(vec![
        Column::text("segment", t.segment),
        Column::count("customers", t.customer_count),
        Column::money("spent", t.monetary),
        Column::percent("share", t.share),
        Column::count("recency", t.recency),
    ]);
    for (segment, (customers, money, days)) in Segment::ALL.iter().zip(segments) {
        if customers == 0 {
            continue;
        }
        table.push(vec![
            segment.label(t).into(),
            customers.into(),
            money.into(),
            Cell::from(share(money, spent)),
            (days / customers).into(),
        ]);
    }
    table.total(t.total, &["customers", "spent"]);
    let chart = Chart {
        title: format!("{} ({})", t.rfm, span.label),
        labels: table.texts("segment"),
        series: vec![Series {
            name: t.customer_count.to_owned(),
            values: table.numbers("customers"),
        }],
        kind: Kind::Count,
    };
    Ok(run.report_of(ReportKind::Rfm, Vec::new(), chart, table))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(recency: i64, frequency: i64) -> Scores {
        Scores {
            recency,
            frequency,
            monetary: 3,
        }
    }

    #[test]
    fn segments_read_recency_and_frequency() {
        assert_eq!(Segment::of(scores(5, 5), 9), Segment::Champions);
        assert_eq!(Segment::of(scores(5, 1), 1), Segment::New);
        assert_eq!(Segment::of(scores(4, 2), 2), Segment::Promising);
        assert_eq!(Segment::of(scores(3, 4), 5), Segment::Loyal);
        assert_eq!(Segment::of(scores(1, 5), 8), Segment::AtRisk);
        assert_eq!(Segment::of(scores(2, 4), 5), Segment::AtRisk);
        assert_eq!(Segment::of(scores(1, 1), 1), Segment::Hibernating);
        assert_eq!(Segment::of(scores(3, 1), 1), Segment::Others);
    }
}
