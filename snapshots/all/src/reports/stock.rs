//! Stock as it stands now: what it is worth, what is running low (with how
//! much to order), and what has not sold for a while.

use jiff::ToSpan;
use sqlx::Row;

use super::{
    chart::{Chart, Series},
    period::{local_time, start_of_day},
    sql::SOLD,
    table::{Cell, Column, Kind, Table},
    Report, ReportKind, Run,
};
use crate::AppError;

/// Units on hand and what they are worth at cost and at price, per warehouse.
pub async fn valuation(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let rows = sqlx::query(
        "SELECT w.name, \
                CAST(COALESCE(SUM(s.on_hand), 0) AS BIGINT) AS units, \
                CAST(COALESCE(SUM(s.on_hand * v.cost_price), 0) AS BIGINT) AS at_cost, \
                CAST(COALESCE(SUM(s.on_hand * v.price), 0) AS BIGINT) AS at_price \
           FROM warehouses w \
           LEFT JOIN stock_levels s ON s.warehouse_id = w.id AND s.on_hand > 0 \
           LEFT JOIN product_variants v ON v.id = s.variant_id \
          GROUP BY w.id, w.name ORDER BY w.id",
    )
    .fetch_all(run.db)
    .await?;
    let mut table = Table::new(vec![
        Column::text("warehouse", t.warehouse),
        Column::count("units", t.units),
        Column::money("atCost", t.value_at_cost),
        Column::money("atPrice", t.value_at_price),
    ]);
    for row in &rows {
        let name: String = row.try_get("name")?;
        table.push(vec![
            name.into(),
            row.try_get::<i64, _>("units")?.into(),
            row.try_get::<i64, _>("at_cost")?.into(),
            row.try_get::<i64, _>("at_price")?.into(),
        ]);
    }
    table.total(t.total, &["units", "atCost", "atPrice"]);
    let chart = Chart {
        title: t.valuation.to_owned(),
        labels: table.texts("warehouse"),
        series: vec![
            Series {
                name: t.value_at_cost.to_owned(),
                values: table.numbers("atCost"),
            },
            Series {
                name: t.value_at_price.to_owned(),
                values: table.numbers("atPrice"),
            },
        ],
        kind: Kind::Money,
    };
    Ok(run.report_of(ReportKind::Valuation, Vec::new(), chart, table))
}

/// The instant `days` days before the start of today, as stored text.
fn days_ago(run: &Run<'_>, days: i64) -> String {
    let today = super::period::today(run.tz);
    let since = today.checked_sub(days.days()).unwrap_or(today);
    start_of_day(since, run.tz)
}

/// Variants at or below their low-stock threshold. The suggestion orders
/// what sold in the last `days` days plus the threshold, less what is on
/// hand: enough to sell as many again and still not be low.
pub async fn low(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let since = days_ago(run, run.params.days);
    let rows = sqlx::query(&format!(
        "SELECT v.sku, p.name, v.name AS variant, v.low_stock_threshold AS threshold, \
                CAST(COALESCE(st.on_hand, 0) AS BIGINT) AS on_hand, \
                CAST(COALESCE(sold.quantity, 0) AS BIGINT) AS sold \
           FROM product_variants v \
           JOIN products p ON p.id = v.product_id \
           LEFT JOIN (SELECT variant_id, SUM(on_hand) AS on_hand FROM stock_levels \
                       GROUP BY variant_id) st ON st.variant_id = v.id \
           LEFT JOIN (SELECT ol.variant_id, SUM(ol.quantity) AS quantity \
                        FROM orders o JOIN order_lines ol ON ol.order_id = o.id \
                       WHERE o.paid_at >= $1 AND {SOLD} GROUP BY ol.variant_id) sold \
                  ON sold.variant_id = v.id \
          WHERE p.active = 1 AND v.active = 1 \
            AND COALESCE(st.on_hand, 0) <= v.low_stock_threshold \
          ORDER BY COALESCE(st.on_hand, 0) - v.low_stock_threshold, sold DESC, v.id \
          LIMIT $2"
    ))
    .bind(&since)
    .bind(run.params.limit)
    .fetch_all(run.db)
    .await?;
    let mut table = Table::new(vec![
        Column::text("sku", t.sku),
        Column::text("name", t.product),
        Column::count("onHand", t.on_hand),
        Column::count("threshold", t.threshold),
        Column::count("sold", t.sold_recently),
        Column::count("suggestedOrder", t.suggested_order),
    ]);
    for row in &rows {
        let on_hand: i64 = row.try_get("on_hand")?;
        let threshold: i64 = row.try_get("threshold")?;
        let sold: i64 = row.try_get("sold")?;
        table.push(vec![
            row.try_get::<String, _>("sku")?.into(),
            variant_name(row.try_get("name")?, row.try_get("variant")?).into(),
            on_hand.into(),
            threshold.into(),
            sold.into(),
            suggested_order(on_hand, threshold, sold).into(),
        ]);
    }
    let chart = Chart {
        title: t.low_stock.to_owned(),
        labels: table.texts("sku").into_iter().take(10).collect(),
        series: vec![Series {
            name: t.suggested_order.to_owned(),
            values: table
                .numbers("suggestedOrder")
                .into_iter()
                .take(10)
                .collect(),
        }],
        kind: Kind::Count,
    };
    Ok(run.report_of(ReportKind::LowStock, Vec::new(), chart, table))
}

/// Units to order so that, after selling what sold recently, stock is still
/// above the threshold; never negative.
pub fn suggested_order(on_hand: i64, threshold: i64, sold_recently: i64) -> i64 {
    (sold_recently + threshold + 1 - on_hand.max(0)).max(0)
}

fn variant_name(product: String, variant: String) -> String {
    if variant.is_empty() {
        product
    } else {
        format!("{product} ({variant})")
    }
}

/// Variants with stock that has not sold in the last `days` days (or ever),
/// the most money tied up first.
pub async fn dead(run: &Run<'_>) -> Result<Report, AppError> {
    let t = run.t;
    let since = days_ago(run, run.params.days);
    let rows = sqlx::query(&format!(
        "SELECT * FROM ( \
             SELECT v.id, v.sku, p.name, v.name AS variant, \
                    CAST(SUM(s.on_hand) AS BIGINT) AS on_hand, \
                    CAST(SUM(s.on_hand) * v.cost_price AS BIGINT) AS at_cost, \
                    (SELECT MAX(o.paid_at) FROM order_lines ol JOIN orders o ON o.id = ol.order_id \
                      WHERE ol.variant_id = v.id AND {SOLD}) AS last_sold \
               FROM product_variants v \
               JOIN products p ON p.id = v.product_id \
               JOIN stock_levels s ON s.variant_id = v.id \
              GROUP BY v.id, v.sku, p.name, v.name, v.cost_price \
         ) stock \
         WHERE stock.on_hand > 0 AND (stock.last_sold IS NULL OR stock.last_sold < $1) \
         ORDER BY stock.at_cost DESC, stock.id \
         LIMIT $2"
    ))
    .bind(&since)
    .bind(run.params.limit)
    .fetch_all(run.db)
    .await?;
    let mut table = Table::new(vec![
        Column::text("sku", t.sku),
        Column::text("name", t.product),
        Column::count("onHand", t.on_hand),
        Column::money("atCost", t.value_at_cost),
        Column::text("lastSold", t.last_sold),
    ]);
    for row in &rows {
        let last_sold: Option<String> = row.try_get("last_sold")?;
        table.push(vec![
            row.try_get::<String, _>("sku")?.into(),
            variant_name(row.try_get("name")?, row.try_get("variant")?).into(),
            row.try_get::<i64, _>("on_hand")?.into(),
            row.try_get::<i64, _>("at_cost")?.into(),
            Cell::Text(last_sold.map_or_else(|| t.never.to_owned(), |at| local_time(&at, run.tz))),
        ]);
    }
    table.total(t.total, &["onHand", "atCost"]);
    let chart = Chart {
        title: t.dead_stock.to_owned(),
        labels: table.texts("sku").into_iter().take(10).collect(),
        series: vec![Series {
            name: t.value_at_cost.to_owned(),
            values: table.numbers("atCost").into_iter().take(10).collect(),
        }],
        kind: Kind::Money,
    };
    Ok(run.report_of(ReportKind::DeadStock, Vec::new(), chart, table))
}

#[cfg(test)]
mod tests {
    use super::suggested_order;

    #[test]
    fn the_suggestion_covers_recent_sales_and_the_threshold() {
        // 2 left, threshold 5, 30 sold: order 34 to end above 5 after 30 more.
        assert_eq!(suggested_order(2, 5, 30), 34);
        assert_eq!(suggested_order(0, 0, 0), 1);
        assert_eq!(suggested_order(-3, 2, 4), 7);
        assert_eq!(suggested_order(50, 5, 10), 0);
    }
}
