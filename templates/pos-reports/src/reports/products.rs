//! The products that sell most (by units, revenue or margin) and least. A
//! product is named by its default variant's SKU and counts all its variants.

use sqlx::Row;

use super::{
    chart::{Chart, Series},
    period::Span,
    sql::SOLD,
    table::{share, Cell, Column, Kind, Table},
    Figure, Report, ReportKind, Run, Sort,
};
use crate::AppError;

/// Lines sold in `[$1, $2)` added up per product. A line's cost is the unit
/// cost kept at the sale or, for lines sold before costs were kept, the
/// variant's cost price, looked up only for those lines.
fn by_product() -> String {
    format!(
        "SELECT ol.product_id, SUM(ol.quantity) AS quantity, SUM(ol.total) AS revenue, \
                SUM(ol.total - ol.tax) AS net, \
                SUM(ol.quantity * COALESCE(ol.unit_cost, \
                    (SELECT v.cost_price FROM product_variants v WHERE v.id = ol.variant_id))) \
                    AS cost \
           FROM orders o JOIN order_lines ol ON ol.order_id = o.id \
          WHERE o.paid_at >= $1 AND o.paid_at < $2 AND {SOLD} \
          GROUP BY ol.product_id"
    )
}

/// Units, revenue and margin of everything sold in `span`.
async fn sold(run: &Run<'_>, span: &Span) -> Result<(i64, i64, i64), AppError> {
    let row = sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS quantity, \
                CAST(COALESCE(SUM(revenue), 0) AS BIGINT) AS revenue, \
                CAST(COALESCE(SUM(net - cost), 0) AS BIGINT) AS margin \
           FROM ({}) sold",
        by_product()
    ))
    .bind(&span.start)
    .bind(&span.end)
    .fetch_one(run.db)
    .await?;
    Ok((
        row.try_get("quantity")?,
        row.try_get("revenue")?,
        row.try_get("margin")?,
    ))
}

/// Top products over the period, and the totals of all products (summed
/// over every product before the limit, in the same pass) against the
/// previous period. Margin is revenue without tax less what the units cost.
pub async fn top(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let params = run.params;
    let span = params.period.span(run.tz);
    let order_by = match params.sort {
        Sort::Quantity => "quantity DESC, revenue DESC",
        Sort::Revenue => "revenue DESC, quantity DESC",
        Sort::Margin => "margin DESC, revenue DESC",
    };
    let rows = sqlx::query(&format!(
        "SELECT s.product_id, dv.sku, p.name, \
                CAST(s.quantity AS BIGINT) AS quantity, CAST(s.revenue AS BIGINT) AS revenue, \
                CAST(s.net AS BIGINT) AS net, CAST(s.cost AS BIGINT) AS cost, \
                CAST(s.net - s.cost AS BIGINT) AS margin, \
                CAST(SUM(s.quantity) OVER () AS BIGINT) AS all_quantity, \
                CAST(SUM(s.revenue) OVER () AS BIGINT) AS all_revenue, \
                CAST(SUM(s.net - s.cost) OVER () AS BIGINT) AS all_margin \
           FROM ({}) s \
           JOIN products p ON p.id = s.product_id \
           JOIN product_variants dv ON dv.product_id = p.id AND dv.is_default = 1 \
          ORDER BY {order_by}, s.product_id \
          LIMIT $3",
        by_product()
    ))
    .bind(&span.start)
    .bind(&span.end)
    .bind(params.limit)
    .fetch_all(run.db)
    .await?;
    let now = match rows.first() {
        Some(row) => (
            row.try_get("all_quantity")?,
            row.try_get("all_revenue")?,
            row.try_get("all_margin")?,
        ),
        None => (0, 0, 0),
    };

    let mut table = Table::new(vec![
        Column::text("sku", t.sku),
        Column::text("name", t.product),
        Column::count("quantity", t.quantity),
        Column::money("revenue", t.revenue),
        Column::money("cost", t.cost),
        Column::money("margin", t.margin),
        Column::percent("marginRate", t.margin_rate),
    ]);
    for row in &rows {
        let net: i64 = row.try_get("net")?;
        let margin: i64 = row.try_get("margin")?;
        let sku: String = row.try_get("sku")?;
        let name: String = row.try_get("name")?;
        table.push(vec![
            sku.into(),
            name.into(),
            row.try_get::<i64, _>("quantity")?.into(),
            row.try_get::<i64, _>("revenue")?.into(),
            row.try_get::<i64, _>("cost")?.into(),
            margin.into(),
            Cell::from(share(margin, net)),
        ]);
    }
    let (values, kind) = match params.sort {
        Sort::Quantity => (table.numbers("quantity"), Kind::Count),
        Sort::Revenue => (table.numbers("revenue"), Kind::Money),
        Sort::Margin => (table.numbers("margin"), Kind::Money),
    };
    let chart = Chart {
        title: format!("{} – {} ({})", t.products, params.sort.label(t), span.label),
        labels: table.texts("sku").into_iter().take(10).collect(),
        series: vec![Series {
            name: params.sort.label(t).to_owned(),
            values: values.into_iter().take(10).collect(),
        }],
        kind,
    };
    let before = sold(run, &params.period.previous().span(run.tz)).await?;
    let figure = |key, label, kind, value: fn(&(i64, i64, i64)) -> i64| Figure {
        key,
        label,
        kind,
        value: value(&now),
        previous: Some(value(&before)),
    };
    let figures = vec![
        figure("quantity", t.quantity, Kind::Count, |s| s.0),
        figure("revenue", t.revenue, Kind::Money, |s| s.1),
        figure("margin", t.margin, Kind::Money, |s| s.2),
    ];
    Ok(run.report_of(ReportKind::Products, figures, chart, table))
}

/// Active products that sold least in the period, none at all first, with
/// the stock they tie up.
pub async fn slow(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let params = run.params;
    let span = params.period.span(run.tz);
    let rows = sqlx::query(&format!(
        "SELECT p.id, dv.sku, p.name, \
                CAST(COALESCE(s.quantity, 0) AS BIGINT) AS quantity, \
                CAST(COALESCE(s.revenue, 0) AS BIGINT) AS revenue, \
                CAST(COALESCE(st.on_hand, 0) AS BIGINT) AS on_hand \
           FROM products p \
           JOIN product_variants dv ON dv.product_id = p.id AND dv.is_default = 1 \
           LEFT JOIN (SELECT ol.product_id, SUM(ol.quantity) AS quantity, \
                             SUM(ol.total) AS revenue \
                        FROM orders o JOIN order_lines ol ON ol.order_id = o.id \
                       WHERE o.paid_at >= $1 AND o.paid_at < $2 AND {SOLD} \
                       GROUP BY ol.product_id) s ON s.product_id = p.id \
           LEFT JOIN (SELECT v.product_id, SUM(sl.on_hand) AS on_hand \
                        FROM stock_levels sl JOIN product_variants v ON v.id = sl.variant_id \
                       GROUP BY v.product_id) st ON st.product_id = p.id \
          WHERE p.active = 1 \
          ORDER BY quantity, on_hand DESC, p.id \
          LIMIT $3"
    ))
    .bind(&span.start)
    .bind(&span.end)
    .bind(params.limit)
    .fetch_all(run.db)
    .await?;
    let mut table = Table::new(vec![
        Column::text("sku", t.sku),
        Column::text("name", t.product),
        Column::count("quantity", t.quantity),
        Column::money("revenue", t.revenue),
        Column::count("onHand", t.on_hand),
    ]);
    for row in &rows {
        let sku: String = row.try_get("sku")?;
        let name: String = row.try_get("name")?;
        table.push(vec![
            sku.into(),
            name.into(),
            row.try_get::<i64, _>("quantity")?.into(),
            row.try_get::<i64, _>("revenue")?.into(),
            row.try_get::<i64, _>("on_hand")?.into(),
        ]);
    }
    let chart = Chart {
        title: format!("{} ({})", t.slow_products, span.label),
        labels: table.texts("sku").into_iter().take(10).collect(),
        series: vec![Series {
            name: t.on_hand.to_owned(),
            values: table.numbers("onHand").into_iter().take(10).collect(),
        }],
        kind: Kind::Count,
    };
    Ok(run.report_of(ReportKind::SlowProducts, Vec::new(), chart, table))
}
