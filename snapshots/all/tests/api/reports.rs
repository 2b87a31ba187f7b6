//! Reports against a small shop with known answers: a discount, a split
//! payment, a sale at 23:30 and one at 00:30 local time, a refund,
//! orders that do not count, and an empty range. Exports parse back to the
//! same numbers.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// A product with its price, cost and tax rate (basis points).
async fn product(app: &TestApp, sku: &str, price: i64, cost: i64, tax_rate: i64) -> i64 {
    let body = json!({
        "name": format!("Món {sku}"), "sku": sku, "price": price,
        "costPrice": cost, "taxRate": tax_rate
    });
    let (status, body) = app.post("/api/products", body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    let receipt = json!({"productId": id, "quantity": 100, "reason": "opening stock"});
    let (status, body) = app.post("/api/inventory/receipts", receipt).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id
}

/// Places an order and returns it.
async fn order(app: &TestApp, body: Value) -> Value {
    let (status, order) = app.post("/api/orders", body).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    order["data"].clone()
}

async fn pay(app: &TestApp, order: i64, amount: i64) {
    let (status, body) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "cash", "amount": amount}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Moves an order, its payments and its stock movements to `utc`, as if
/// they had happened then.
async fn happened_at(app: &TestApp, order: i64, utc: &str) {
    for sql in [
        "UPDATE orders SET created_at = $1, paid_at = $1 WHERE id = $2",
        "UPDATE payments SET created_at = $1 WHERE order_id = $2",
    ] {
        sqlx::query(sql)
            .bind(utc)
            .bind(order)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
}

/// What the shop sold, and the figures the test knows from the orders.
struct Shop {
    app: TestApp,
    /// Tax in the first order (its discount is shared between the lines).
    first_tax: i64,
    /// Revenue without tax of all the teas, and of all the cakes.
    tea_net: i64,
    cake_net: i64,
}

/// Two days in Hồ Chí Minh City (UTC+7):
/// - 10 March 23:30 (16:30 UTC): 2 teas and a cake for Lan, 10 000 off:
///   170 000 less 10 000 = 160 000, paid with 200 000 cash.
/// - 11 March 00:30 (10 March 17:30 UTC!): 3 teas, no customer, 90 000 paid
///   in two cash payments of 50 000 and 40 000.
/// - 11 March 10:00: a cake for Lan, 110 000, refunded in full at 11:00.
/// - 11 March: a pending order and a cancelled one, which never count.
async fn shop() -> Shop {
    let app = spawn_app().await;
    let tea = product(&app, "TEA", 30_000, 12_000, 0).await;
    let cake = product(&app, "CAKE", 110_000, 60_000, 1_000).await;
    let (status, lan) = app
        .post(
            "/api/customers",
            json!({"name": "Chị Lan", "phone": "0901234567"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{lan}");
    let lan = lan["data"]["id"].as_i64().unwrap();

    let first = order(
        &app,
        json!({"items": [{"productId": tea, "quantity": 2}, {"productId": cake, "quantity": 1}],
               "discount": 10_000, "customerId": lan}),
    )
    .await;
    let first_id = first["id"].as_i64().unwrap();
    assert_eq!(first["total"], 160_000);
    pay(&app, first_id, 200_000).await;
    happened_at(&app, first_id, "2026-03-10T16:30:00.000Z").await;

    let second = order(&app, json!({"items": [{"productId": tea, "quantity": 3}]})).await;
    let second_id = second["id"].as_i64().unwrap();
    pay(&app, second_id, 50_000).await;
    pay(&app, second_id, 40_000).await;
    happened_at(&app, second_id, "2026-03-10T17:30:00.000Z").await;

    let third = order(
        &app,
        json!({"items": [{"productId": cake, "quantity": 1}], "customerId": lan}),
    )
    .await;
    let third_id = third["id"].as_i64().unwrap();
    pay(&app, third_id, 110_000).await;
    happened_at(&app, third_id, "2026-03-11T03:00:00.000Z").await;
    let (status, refund) = app
        .post(
            &format!("/api/orders/{third_id}/refunds"),
            json!({"reason": "vỡ"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{refund}");
    for sql in [
        "UPDATE refunds SET created_at = $1, completed_at = $1",
        "UPDATE refund_payments SET created_at = $1",
    ] {
        sqlx::query(sql)
            .bind("2026-03-11T04:00:00.000Z")
            .execute(&app.state.db)
            .await
            .unwrap();
    }

    let pending = order(&app, json!({"items": [{"productId": tea, "quantity": 1}]})).await;
    happened_at(
        &app,
        pending["id"].as_i64().unwrap(),
        "2026-03-11T05:00:00.000Z",
    )
    .await;
    let cancelled = order(&app, json!({"items": [{"productId": cake, "quantity": 1}]})).await;
    let cancelled_id = cancelled["id"].as_i64().unwrap();
    pay(&app, cancelled_id, 110_000).await;
    happened_at(&app, cancelled_id, "2026-03-11T06:00:00.000Z").await;
    let (status, body) = app
        .post(&format!("/api/orders/{cancelled_id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let net = |order: &Value, index: usize| {
        let line = &order["items"][index];
        line["total"].as_i64().unwrap() - line["tax"].as_i64().unwrap()
    };
    Shop {
        first_tax: first["tax"].as_i64().unwrap(),
        tea_net: net(&first, 0) + net(&second, 0),
        cake_net: net(&first, 1) + net(&third, 0),
        app,
    }
}

async fn report(app: &TestApp, uri: &str) -> Value {
    let (status, body) = app.get(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body["data"].clone()
}

const TWO_DAYS: &str = "from=2026-03-10&to=2026-03-11";

#[tokio::test]
async fn revenue_is_cut_at_local_midnight_with_discounts_tax_and_refunds() {
    let shop = shop().await;
    let sales = report(
        &shop.app,
        &format!("/api/reports/sales?{TWO_DAYS}&grain=day"),
    )
    .await;
    let rows = sales["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);

    let first = &rows[0];
    assert_eq!(first["period"], "2026-03-10");
    assert_eq!(first["orders"], 1, "the 00:30 sale belongs to the 11th");
    assert_eq!(first["gross"], 170_000);
    assert_eq!(first["discounts"], 10_000);
    assert_eq!(first["tax"], shop.first_tax);
    assert_eq!(first["refunds"], 0);
    assert_eq!(first["net"], 160_000 - shop.first_tax);

    let second = &rows[1];
    assert_eq!(second["period"], "2026-03-11");
    assert_eq!(
        second["orders"], 2,
        "neither the pending nor the cancelled order"
    );
    assert_eq!(second["gross"], 200_000);
    assert_eq!(second["discounts"], 0);
    assert_eq!(second["tax"], 10_000);
    assert_eq!(second["refunds"], 110_000);
    assert_eq!(second["net"], 90_000, "the cake came back, tax and all");

    let totals = &sales["totals"];
    assert_eq!(totals["orders"], 3);
    assert_eq!(
        totals["net"].as_i64().unwrap(),
        first["net"].as_i64().unwrap() + second["net"].as_i64().unwrap()
    );
    let net = &sales["figures"][0];
    assert_eq!(net["key"], "net");
    assert_eq!(net["value"], totals["net"]);
    assert_eq!(net["previous"], 0, "nothing was sold on the 8th and 9th");
}

#[tokio::test]
async fn an_empty_range_has_rows_of_zeros() {
    let shop = shop().await;
    let sales = report(
        &shop.app,
        "/api/reports/sales?from=2026-01-05&to=2026-01-18&grain=week",
    )
    .await;
    let rows = sales["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["period"], "2026-W02");
    assert!(rows.iter().all(|row| row["orders"] == 0 && row["net"] == 0));
    for slug in [
        "products",
        "payment-methods",
        "customers",
        "top-customers",
        "rfm",
    ] {
        let data = report(
            &shop.app,
            &format!("/api/reports/{slug}?from=2026-01-05&to=2026-01-18"),
        )
        .await;
        let rows = data["rows"].as_array().unwrap();
        assert!(
            rows.iter()
                .all(|row| row.get("orders").is_none_or(|n| *n == 0)),
            "{slug}: {data}"
        );
    }
}

#[tokio::test]
async fn top_products_rank_by_units_revenue_or_margin() {
    let shop = shop().await;
    let top = report(&shop.app, &format!("/api/reports/products?{TWO_DAYS}")).await;
    let rows = top["rows"].as_array().unwrap();
    assert_eq!(rows[0]["sku"], "TEA");
    assert_eq!(rows[0]["quantity"], 5);
    assert_eq!(rows[0]["cost"], 5 * 12_000);
    assert_eq!(rows[0]["margin"], shop.tea_net - 5 * 12_000);
    assert_eq!(rows[1]["sku"], "CAKE");
    assert_eq!(rows[1]["quantity"], 2);
    assert_eq!(rows[1]["margin"], shop.cake_net - 2 * 60_000);
    let units = &top["figures"][0];
    assert_eq!(
        (units["key"].as_str(), units["value"].as_i64()),
        (Some("quantity"), Some(7))
    );
    assert_eq!(units["previous"], 0);

    let by_revenue = report(
        &shop.app,
        &format!("/api/reports/products?{TWO_DAYS}&sort=revenue"),
    )
    .await;
    assert_eq!(by_revenue["rows"][0]["sku"], "CAKE");
    let slow = report(&shop.app, &format!("/api/reports/slow-products?{TWO_DAYS}")).await;
    assert_eq!(slow["rows"][0]["sku"], "CAKE");
    assert_eq!(slow["rows"][1]["quantity"], 5);
}

#[tokio::test]
async fn payment_methods_add_up_split_payments() {
    let shop = shop().await;
    let methods = report(
        &shop.app,
        &format!("/api/reports/payment-methods?{TWO_DAYS}"),
    )
    .await;
    let cash = &methods["rows"][0];
    assert_eq!(cash["method"], "cash");
    assert_eq!(cash["payments"], 4, "the split sale paid twice");
    assert_eq!(cash["amount"], 160_000 + 90_000 + 110_000);
    let taken = &methods["figures"][0];
    assert_eq!(
        (taken["key"].as_str(), taken["value"].as_i64()),
        (Some("amount"), Some(360_000))
    );
    assert_eq!(taken["previous"], 0);
    assert_eq!(cash["refunds"], 110_000);
    assert_eq!(cash["net"], 250_000);
}

#[tokio::test]
async fn sales_are_credited_to_who_made_them() {
    let shop = shop().await;
    let staff = report(&shop.app, &format!("/api/reports/staff?{TWO_DAYS}")).await;
    let rows = staff["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{staff}");
    assert_eq!(rows[0]["orders"], 3);
    assert_eq!(rows[0]["sales"], 360_000);
    assert_eq!(rows[0]["averageTicket"], 120_000);
}

#[tokio::test]
async fn customers_are_new_once_then_returning() {
    let shop = shop().await;
    let customers = report(&shop.app, &format!("/api/reports/customers?{TWO_DAYS}")).await;
    let rows = customers["rows"].as_array().unwrap();
    assert_eq!(
        (rows[0]["new"].as_i64(), rows[0]["returning"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(rows[0]["newSales"], 160_000);
    assert_eq!(
        (rows[1]["new"].as_i64(), rows[1]["returning"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        rows[1]["returningSales"], 110_000,
        "the walk-in sale is not a customer's"
    );

    let new = &customers["figures"][0];
    assert_eq!(
        (new["key"].as_str(), new["value"].as_i64()),
        (Some("new"), Some(1))
    );
    let top = report(&shop.app, &format!("/api/reports/top-customers?{TWO_DAYS}")).await;
    assert_eq!(top["rows"][0]["customer"], "Chị Lan");
    assert_eq!(top["rows"][0]["orders"], 2);
    assert_eq!(top["rows"][0]["sales"], 270_000);

    let rfm = report(&shop.app, &format!("/api/reports/rfm?{TWO_DAYS}")).await;
    assert_eq!(rfm["totals"]["customers"], 1);
    assert_eq!(rfm["totals"]["spent"], 270_000);
}

#[tokio::test]
async fn stock_reports_value_what_is_left_and_suggest_orders() {
    let shop = shop().await;
    let app = &shop.app;
    // 5 teas and 2 cakes sold, a tea held by the pending order, one cake
    // refunded back to the shelf; the cancelled order's cake went back.
    let teas_left = 94;
    let cakes_left = 99;
    let valuation = report(app, "/api/reports/inventory-valuation").await;
    let main = &valuation["rows"][0];
    assert_eq!(main["units"], teas_left + cakes_left);
    assert_eq!(main["atCost"], teas_left * 12_000 + cakes_left * 60_000);
    assert_eq!(main["atPrice"], teas_left * 30_000 + cakes_left * 110_000);
    assert!(valuation.get("from").is_none(), "stock is as it stands now");

    sqlx::query("UPDATE product_variants SET low_stock_threshold = 96 WHERE sku = 'TEA'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let low = report(app, "/api/reports/low-stock?days=30").await;
    let rows = low["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{low}");
    assert_eq!(rows[0]["sku"], "TEA");
    assert_eq!(rows[0]["onHand"], teas_left);
    assert_eq!(rows[0]["sold"], 0, "March is long before the last 30 days");
    assert_eq!(rows[0]["suggestedOrder"], 96 + 1 - teas_left);

    let dead = report(app, "/api/reports/dead-stock?days=90").await;
    let skus: Vec<&str> = dead["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["CAKE", "TEA"], "the most money tied up first");
}

/// Parses a CSV download into rows of fields, without the byte order mark.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn downloads_parse_back_to_the_same_numbers() {
    let shop = shop().await;
    let app = &shop.app;
    let json = report(app, &format!("/api/reports/sales?{TWO_DAYS}")).await;

    let (status, content_type, csv) = app
        .get_text(&format!("/reports/sales/export?format=csv&{TWO_DAYS}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let rows = parse_csv(&csv);
    assert_eq!(rows.len(), 1 + 2 + 1, "header, two days, totals: {csv}");
    let net_column = rows[0].len() - 1;
    for (row, expected) in rows[1..3].iter().zip(json["rows"].as_array().unwrap()) {
        assert_eq!(row[0], expected["period"].as_str().unwrap());
        assert_eq!(
            row[net_column].parse::<i64>().unwrap(),
            expected["net"].as_i64().unwrap()
        );
        assert_eq!(
            row[2].parse::<i64>().unwrap(),
            expected["gross"].as_i64().unwrap()
        );
    }
    assert_eq!(
        rows[3][net_column].parse::<i64>().unwrap(),
        json["totals"]["net"].as_i64().unwrap()
    );

    let response = app
        .send_raw(
            axum::http::Request::get(format!("/reports/sales/export?format=xlsx&{TWO_DAYS}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let cell = |row: u32, col: u32| sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    for (index, expected) in json["rows"].as_array().unwrap().iter().enumerate() {
        let row = u32::try_from(index).unwrap() + 1;
        assert_eq!(
            cell(row, 0),
            Data::String(expected["period"].as_str().unwrap().to_owned())
        );
        let net = expected["net"].as_i64().unwrap() as f64;
        assert_eq!(
            cell(row, u32::try_from(net_column).unwrap()),
            Data::Float(net)
        );
    }
}

#[tokio::test]
async fn the_report_page_shows_a_chart_and_the_same_table() {
    let shop = shop().await;
    let (status, content_type, page) = shop
        .app
        .get_text(&format!("/reports/sales?{TWO_DAYS}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"));
    assert!(page.contains("<svg viewBox="), "{page}");
    assert!(page.contains("2026-03-10") && page.contains("2026-03-11"));
    assert!(page.contains("/reports/sales/export?format=xlsx&amp;from=2026-03-10"));

    let (status, _, page) = shop.app.get_text("/reports").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("hx-get=\"/reports/live\""), "{page}");
}

#[tokio::test]
async fn today_counts_what_was_paid_today() {
    let app = spawn_app().await;
    let tea = product(&app, "TEA", 30_000, 12_000, 0).await;
    let sold = order(&app, json!({"items": [{"productId": tea, "quantity": 2}]})).await;
    pay(&app, sold["id"].as_i64().unwrap(), 60_000).await;
    let today = report(&app, "/api/reports/dashboard").await;
    assert_eq!(today["takings"], 60_000);
    assert_eq!(today["orders"], 1);
    assert_eq!(today["averageTicket"], 60_000);
    assert_eq!(today["topProducts"][0]["quantity"], 2);
    let hours = today["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    let by_hour: i64 = hours.iter().map(|h| h["takings"].as_i64().unwrap()).sum();
    assert_eq!(by_hour, 60_000);
}

#[tokio::test]
async fn bad_settings_are_refused() {
    let app = spawn_app().await;
    for (uri, field) in [
        ("/api/reports/sales?from=2026-03-11&to=2026-03-10", "from"),
        ("/api/reports/sales?from=10/03/2026", "from"),
        ("/api/reports/sales?from=2024-01-01&to=2026-01-01", "to"),
        ("/api/reports/sales?grain=year", "grain"),
        ("/api/reports/products?sort=colour", "sort"),
        ("/api/reports/products?limit=0", "limit"),
        ("/api/reports/low-stock?days=9999", "days"),
    ] {
        let (status, body) = app.get(uri).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {body}");
        assert_eq!(body["error"]["details"][0]["field"], field, "{uri}");
    }
    assert_eq!(
        app.get("/api/reports/nonsense").await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = app.get("/reports/sales/export?format=pdf").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
