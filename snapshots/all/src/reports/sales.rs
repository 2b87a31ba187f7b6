//! Revenue by day, week or month against the previous period, and sales by
//! payment method and by staff member.

use sqlx::Row;

use super::{
    chart::{Chart, Series},
    period::Span,
    sql::{bind_spans, buckets_cte, SOLD},
    table::{Column, Kind, Table},
    Figure, Report, ReportKind, Run,
};
use crate::AppError;

/// The sales and refunds of one span.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Takings {
    orders: i64,
    /// Before discounts, as priced.
    gross: i64,
    discounts: i64,
    /// Tax in what was sold.
    tax: i64,
    /// What customers paid.
    sales: i64,
    refunds: i64,
    /// The tax in what was refunded.
    refunded_tax: i64,
}

impl Takings {
    /// What the shop keeps: sales after refunds, without the tax in either.
    fn net(&self) -> i64 {
        (self.sales - self.tax) - (self.refunds - self.refunded_tax)
    }
}

/// Sales and refunds of each span, in order.
async fn takings(run: &Run<'_>, spans: &[Span]) -> Result<Vec<Takings>, AppError> {
    let sql = format!(
        "{}SELECT CAST(b.idx AS BIGINT) AS idx, COUNT(o.id) AS orders, \
                CAST(COALESCE(SUM(o.subtotal), 0) AS BIGINT) AS gross, \
                CAST(COALESCE(SUM(o.discount), 0) AS BIGINT) AS discounts, \
                CAST(COALESCE(SUM(o.tax), 0) AS BIGINT) AS tax, \
                CAST(COALESCE(SUM(o.total), 0) AS BIGINT) AS sales \
           FROM buckets b \
           LEFT JOIN orders o ON o.paid_at >= b.starts AND o.paid_at < b.ends AND {SOLD} \
          GROUP BY b.idx ORDER BY b.idx",
        buckets_cte(spans, 1)
    );
    let rows = bind_spans(sqlx::query(&sql), spans)
        .fetch_all(run.db)
        .await?;
    let takings = rows
        .iter()
        .map(|row| {
            Ok(Takings {
                orders: row.try_get("orders")?,
                gross: row.try_get("gross")?,
                discounts: row.try_get("discounts")?,
                tax: row.try_get("tax")?,
                sales: row.try_get("sales")?,
                ..Takings::default()
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let refunded = refunds(run, spans).await?;
    let takings = takings
        .into_iter()
        .zip(refunded)
        .map(|(takings, (refunds, refunded_tax))| Takings {
            refunds,
            refunded_tax,
            ..takings
        })
        .collect();
    Ok(takings)
}

/// Refunds completed in each span, and the tax in them: each returned unit
/// takes back its share of its line's tax.
async fn refunds(run: &Run<'_>, spans: &[Span]) -> Result<Vec<(i64, i64)>, AppError> {
    let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
        return Ok(Vec::new());
    };
    let whole = 1 + spans.len() * 2;
    let sql = format!(
        "{}SELECT CAST(b.idx AS BIGINT) AS idx, \
                CAST(COALESCE(SUM(r.amount), 0) AS BIGINT) AS refunds, \
                CAST(COALESCE(SUM(r.tax), 0) AS BIGINT) AS refunded_tax \
           FROM buckets b \
           LEFT JOIN (SELECT rf.id, rf.created_at, rf.amount, \
                             SUM(ol.tax * rl.quantity / ol.quantity) AS tax \
                        FROM refunds rf \
                        JOIN refund_lines rl ON rl.refund_id = rf.id \
                        JOIN order_lines ol ON ol.id = rl.order_line_id \
                       WHERE rf.status = 'completed' \
                         AND rf.created_at >= ${whole} AND rf.created_at < ${} \
                       GROUP BY rf.id, rf.created_at, rf.amount) r \
             ON r.created_at >= b.starts AND r.created_at < b.ends \
          GROUP BY b.idx ORDER BY b.idx",
        buckets_cte(spans, 1),
        whole + 1
    );
    let rows = bind_spans(sqlx::query(&sql), spans)
        .bind(first.start.as_str())
        .bind(last.end.as_str())
        .fetch_all(run.db)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("refunds")?, row.try_get("refunded_tax")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Revenue: per day, week or month, with the totals of the previous period.
pub async fn sales(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let params = run.params;
    let spans = params.period.buckets(params.grain, run.tz);
    let rows = takings(run, &spans).await?;
    let previous = takings(run, &[params.period.previous().span(run.tz)])
        .await?
        .pop()
        .unwrap_or_default();

    let mut table = Table::new(vec![
        Column::text("period", t.period),
        Column::count("orders", t.orders),
        Column::money("gross", t.gross),
        Column::money("discounts", t.discounts),
        Column::money("tax", t.tax),
        Column::money("refunds", t.refunds),
        Column::money("net", t.net),
    ]);
    let mut total = Takings::default();
    for (span, row) in spans.iter().zip(&rows) {
        table.push(vec![
            span.label.as_str().into(),
            row.orders.into(),
            row.gross.into(),
            row.discounts.into(),
            row.tax.into(),
            row.refunds.into(),
            row.net().into(),
        ]);
        total.orders += row.orders;
        total.gross += row.gross;
        total.discounts += row.discounts;
        total.tax += row.tax;
        total.sales += row.sales;
        total.refunds += row.refunds;
        total.refunded_tax += row.refunded_tax;
    }
    table.total(
        t.total,
        &["orders", "gross", "discounts", "tax", "refunds", "net"],
    );

    let figure = |key, label, kind, value: fn(&Takings) -> i64| Figure {
        key,
        label,
        kind,
        value: value(&total),
        previous: Some(value(&previous)),
    };
    let figures = vec![
        figure("net", t.net, Kind::Money, Takings::net),
        figure("orders", t.orders, Kind::Count, |x| x.orders),
        figure("gross", t.gross, Kind::Money, |x| x.gross),
        figure("discounts", t.discounts, Kind::Money, |x| x.discounts),
        figure("refunds", t.refunds, Kind::Money, |x| x.refunds),
        figure("tax", t.tax, Kind::Money, |x| x.tax),
    ];
    let chart = Chart {
        title: format!("{} ({})", t.net, params.period.span(run.tz).label),
        labels: table.texts("period"),
        series: vec![Series {
            name: t.net.to_owned(),
            values: table.numbers("net"),
        }],
        kind: Kind::Money,
    };
    Ok(run.report_of(ReportKind::Sales, figures, chart, table))
}

/// Money taken by each payment method in the period, and given back.
pub async fn payment_methods(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let span = run.params.period.span(run.tz);
    let rows = sqlx::query(&format!(
        "SELECT p.method, COUNT(*) AS payments, CAST(SUM(p.amount) AS BIGINT) AS amount \
           FROM payments p JOIN orders o ON o.id = p.order_id \
          WHERE p.created_at >= $1 AND p.created_at < $2 AND {SOLD} \
          GROUP BY p.method ORDER BY amount DESC, p.method"
    ))
    .bind(&span.start)
    .bind(&span.end)
    .fetch_all(run.db)
    .await?;
    let methods: Vec<(String, i64, i64, i64)> = rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get("method")?,
                row.try_get("payments")?,
                row.try_get("amount")?,
                0,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let refunded = sqlx::query(
        "SELECT method, CAST(SUM(amount) AS BIGINT) AS amount FROM refund_payments \
          WHERE status = 'succeeded' AND created_at >= $1 AND created_at < $2 GROUP BY method",
    )
    .bind(&span.start)
    .bind(&span.end)
    .fetch_all(run.db)
    .await?;
    let mut methods = methods;
    for row in &refunded {
        let method: String = row.try_get("method")?;
        let amount: i64 = row.try_get("amount")?;
        match methods.iter_mut().find(|m| m.0 == method) {
            Some(slot) => slot.3 = amount,
            None => methods.push((method, 0, 0, amount)),
        }
    }

    let mut table = Table::new(vec![
        Column::text("method", t.method),
        Column::count("payments", t.payments),
        Column::money("amount", t.amount),
        Column::money("refunds", t.refunds),
        Column::money("net", t.net),
    ]);
    for (method, payments, amount, refunds) in methods {
        table.push(vec![
            method.into(),
            payments.into(),
            amount.into(),
            refunds.into(),
            (amount - refunds).into(),
        ]);
    }
    table.total(t.total, &["payments", "amount", "refunds", "net"]);
    let chart = Chart {
        title: format!("{} ({})", t.payment_methods, span.label),
        labels: table.texts("method"),
        series: vec![Series {
            name: t.amount.to_owned(),
            values: table.numbers("amount"),
        }],
        kind: Kind::Money,
    };
    Ok(run.report_of(ReportKind::PaymentMethods, Vec::new(), chart, table))
}

/// Sales by who made them: the account's name, or the API token's.
pub async fn staff(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let span = run.params.period.span(run.tz);
    let rows = sqlx::query(&format!(
        "SELECT COALESCE(u.name, o.created_by, '') AS staff, COUNT(*) AS orders, \
                CAST(SUM(o.total) AS BIGINT) AS sales \
           FROM orders o LEFT JOIN users u ON u.email = o.created_by \
          WHERE o.paid_at >= $1 AND o.paid_at < $2 AND {SOLD} \
          GROUP BY COALESCE(u.name, o.created_by, '') ORDER BY sales DESC, staff"
    ))
    .bind(&span.start)
    .bind(&span.end)
    .fetch_all(run.db)
    .await?;
    let mut table = Table::new(vec![
        Column::text("staff", t.staff_member),
        Column::count("orders", t.orders),
        Column::money("sales", t.revenue),
        Column::money("averageTicket", t.average_ticket),
    ]);
    for row in &rows {
        let orders: i64 = row.try_get("orders")?;
        let sales: i64 = row.try_get("sales")?;
        let staff: String = row.try_get("staff")?;
        table.push(vec![
            staff.into(),
            orders.into(),
            sales.into(),
            (orders > 0).then(|| sales / orders).into(),
        ]);
    }
    table.total(t.total, &["orders", "sales"]);
    let chart = Chart {
        title: format!("{} ({})", t.staff, span.label),
        labels: table.texts("staff"),
        series: vec![Series {
            name: t.revenue.to_owned(),
            values: table.numbers("sales"),
        }],
        kind: Kind::Money,
    };
    Ok(run.report_of(ReportKind::Staff, Vec::new(), chart, table))
}
