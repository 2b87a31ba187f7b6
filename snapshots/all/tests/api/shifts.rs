//! Cash shifts: the Z-report's arithmetic, one open shift at a time, the
//! limit above which a manager approves the count, and the pages.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::helpers::{body_text, json_request, spawn_app, TestApp};
use shop::auth::{
    permissions::Role,
    tokens::{self, NewToken},
    Actor,
};
use shop::{
    clock,
    payments::{gateways::sepay::SepayConfig, shifts::ShiftRules, Gateways},
};

const SEPAY_KEY: &str = "sepay-test-key";
const ACCOUNT: &str = "0011001234567";

/// An app that also takes bank transfers, so a sale can be split between
/// cash and another method.
async fn shop() -> TestApp {
    let mut app = spawn_app().await;
    let sepay = SepayConfig {
        api_key: SEPAY_KEY.into(),
        bank_bin: "970436".into(),
        account_number: ACCOUNT.into(),
        webhook_secret: None,
    };
    app.state = app.state.clone().with_payments(Gateways {
        sepay: Some(Arc::new(sepay)),
        ..Gateways::default()
    });
    app
}

/// A pending order of one unit of a new product priced `price`.
async fn order(app: &TestApp, sku: &str, price: i64) -> i64 {
    let product = app.stocked_product(sku, price, 10).await;
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["id"].as_i64().unwrap()
}

/// The customer hands over `tendered` in cash.
async fn pay_cash(app: &TestApp, order: i64, tendered: i64) -> Value {
    let (status, body) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "cash", "amount": tendered}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    body["data"].clone()
}

/// Pays what is still due on the order by bank transfer, confirmed by SePay.
async fn pay_by_transfer(app: &TestApp, order: i64) {
    let (status, started) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "vietqr"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let webhook = json!({
        "id": order,
        "gateway": "Vietcombank",
        "transactionDate": "2026-11-26 14:02:37",
        "accountNumber": ACCOUNT,
        "content": started["data"]["reference"],
        "transferType": "in",
        "transferAmount": started["data"]["amount"],
        "referenceCode": "MBVCB.3278907687",
    });
    let request = Request::post("/api/payments/webhooks/sepay")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Apikey {SEPAY_KEY}"))
        .body(Body::from(webhook.to_string()))
        .unwrap();
    let (status, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Records a refund of the order's first payment that gave money back by
/// `method`, as the refunds feature writes it.
async fn refund_row(app: &TestApp, order: i64, method: &str, amount: i64, status: &str) {
    let now = clock::now_utc();
    let refund_id: i64 = sqlx::query_scalar(
        "INSERT INTO refunds (order_id, status, amount, restock, created_at, updated_at) \
         VALUES ($1, 'completed', $2, 0, $3, $3) RETURNING id",
    )
    .bind(order)
    .bind(amount)
    .bind(&now)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO refund_payments \
                (refund_id, payment_id, method, amount, status, created_at, updated_at) \
         VALUES ($1, (SELECT MIN(id) FROM payments WHERE order_id = $2), $3, $4, $5, $6, $6)",
    )
    .bind(refund_id)
    .bind(order)
    .bind(method)
    .bind(amount)
    .bind(status)
    .bind(&now)
    .execute(&app.state.db)
    .await
    .unwrap();
}

async fn open_shift(app: &TestApp, float: i64) -> i64 {
    let (status, body) = app
        .post("/api/shifts", json!({"openingFloat": float}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["id"].as_i64().unwrap()
}

async fn move_cash(app: &TestApp, shift: i64, kind: &str, amount: i64) -> (StatusCode, Value) {
    app.post(
        &format!("/api/shifts/{shift}/cash-movements"),
        json!({"kind": kind, "amount": amount, "reason": "test"}),
    )
    .await
}

async fn close(app: &TestApp, shift: i64, counted: i64) -> (StatusCode, Value) {
    app.post(
        &format!("/api/shifts/{shift}/close"),
        json!({"counted": counted, "note": "counted twice"}),
    )
    .await
}

/// Lets the clock move on, so what happens next is stamped later than what
/// came before: timestamps count milliseconds.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

/// The fields a validation error names.
fn fields(body: &Value) -> Vec<&str> {
    body["error"]["details"]
        .as_array()
        .unwrap_or_else(|| panic!("no details: {body}"))
        .iter()
        .map(|detail| detail["field"].as_str().unwrap())
        .collect()
}

async fn token_for(app: &TestApp, role: Role) -> String {
    let request = NewToken {
        name: Some(role.as_str().to_lowercase()),
        role: Some(role.as_str().into()),
    };
    tokens::create(&app.state.db, &Actor::Operator, &request)
        .await
        .unwrap()
        .secret
}

async fn post_as(app: &TestApp, token: &str, uri: &str, body: Value) -> (StatusCode, Value) {
    let mut request = json_request("POST", uri, &body);
    let bearer = format!("Bearer {token}").parse().unwrap();
    request.headers_mut().insert(header::AUTHORIZATION, bearer);
    app.send(request).await
}

#[tokio::test]
async fn the_z_report_adds_up_sales_change_refunds_and_cash_movements() {
    let app = shop().await;
    // Sold before the shift: none of the shift's business.
    let earlier = order(&app, "SH-0", 30_000).await;
    pay_cash(&app, earlier, 30_000).await;
    tick().await;

    let shift = open_shift(&app, 500_000).await;
    let (_, current) = app.get("/api/shifts/current").await;
    assert_eq!(current["data"]["id"], shift);
    assert_eq!(current["data"]["status"], "open");
    assert_eq!(current["data"]["report"]["expected"], 500_000);
    assert_eq!(current["data"]["report"]["live"], true);

    // 75 000 paid with a 100 000 note: 25 000 change.
    let coffee = order(&app, "SH-1", 75_000).await;
    let paid = pay_cash(&app, coffee, 100_000).await;
    assert_eq!(paid["change"], 25_000);
    // 50 000 split: 20 000 in cash, the rest by bank transfer.
    let cake = order(&app, "SH-2", 50_000).await;
    pay_cash(&app, cake, 20_000).await;
    pay_by_transfer(&app, cake).await;
    let (status, body) = move_cash(&app, shift, "in", 200_000).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = move_cash(&app, shift, "out", 50_000).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["movements"].as_array().unwrap().len(), 2);
    refund_row(&app, coffee, "cash", 10_000, "succeeded").await;
    // A refund that failed gave nothing back.
    refund_row(&app, coffee, "cash", 99_000, "failed").await;
    // Given back through a gateway: not the drawer's business.
    refund_row(&app, cake, "stripe", 5_000, "succeeded").await;

    let expected = 500_000 + 120_000 - 25_000 - 10_000 + 200_000 - 50_000;
    let (_, current) = app.get("/api/shifts/current").await;
    let report = &current["data"]["report"];
    assert_eq!(report["cashTaken"], 120_000, "{report}");
    assert_eq!(report["changeGiven"], 25_000);
    assert_eq!(report["cashRefunds"], 10_000);
    assert_eq!(report["cashIn"], 200_000);
    assert_eq!(report["cashOut"], 50_000);
    assert_eq!(report["expected"], expected);
    let methods = json!([
        {"method": "cash", "paid": 95_000, "refunded": 10_000},
        {"method": "stripe", "paid": 0, "refunded": 5_000},
        {"method": "vietqr", "paid": 30_000, "refunded": 0},
    ]);
    assert_eq!(report["methods"], methods);

    let (status, closed) = close(&app, shift, expected).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let closed = &closed["data"];
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["difference"], 0);
    assert_eq!(closed["closingNote"], "counted twice");
    assert_eq!(closed["report"]["live"], false);
    assert_eq!(closed["report"]["expected"], expected);
    assert_eq!(closed["report"]["counted"], expected);
    assert_eq!(closed["report"]["difference"], 0);
    assert_eq!(closed["report"]["methods"], methods);
    assert_eq!(closed["openedBy"], "token:tests");
    assert_eq!(closed["closedBy"], "token:tests");
    assert_eq!(closed["approvedBy"], Value::Null);

    // A sale after the close changes nothing in the closed shift's report.
    tick().await;
    let later = order(&app, "SH-3", 40_000).await;
    pay_cash(&app, later, 40_000).await;
    let (status, again) = app.get(&format!("/api/shifts/{shift}")).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["data"]["report"], closed["report"]);
    let (status, none) = app.get("/api/shifts/current").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{none}");

    let (status, list) = app.get("/api/shifts").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["meta"]["total"], 1);
    assert_eq!(list["data"][0]["id"], shift);
    assert_eq!(list["data"][0]["expected"], expected);
}

#[tokio::test]
async fn a_count_off_by_more_than_the_limit_waits_for_a_manager() {
    let app = spawn_app().await;
    let shift = open_shift(&app, 100_000).await;
    let (status, body) = close(&app, shift, 40_000).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "APPROVAL_REQUIRED");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("-60.000"), "{message}");

    // Still open, with the count kept for the manager.
    let (_, current) = app.get("/api/shifts/current").await;
    assert_eq!(current["data"]["id"], shift);
    assert_eq!(current["data"]["status"], "awaiting_approval");
    assert_eq!(current["data"]["counted"], 40_000);
    assert_eq!(current["data"]["report"]["difference"], -60_000);

    let approve = format!("/api/shifts/{shift}/approve");
    let cashier = token_for(&app, Role::Cashier).await;
    let (status, body) = post_as(&app, &cashier, &approve, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, current) = app.get("/api/shifts/current").await;
    assert_eq!(current["data"]["status"], "awaiting_approval");

    // No body at all: the count waiting stands.
    let manager = token_for(&app, Role::Manager).await;
    let request = Request::post(&approve)
        .header(header::AUTHORIZATION, format!("Bearer {manager}"))
        .body(Body::empty())
        .unwrap();
    let (status, approved) = app.send(request).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let approved = &approved["data"];
    assert_eq!(approved["status"], "closed");
    assert_eq!(approved["counted"], 40_000);
    assert_eq!(approved["difference"], -60_000);
    assert_eq!(approved["approvedBy"], "token:manager");
    assert_eq!(approved["countedBy"], "token:tests");

    let (status, body) = app.post(&approve, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn a_manager_may_recount_when_approving() {
    let app = spawn_app().await;
    let shift = open_shift(&app, 100_000).await;
    let (status, _) = close(&app, shift, 0).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .post(
            &format!("/api/shifts/{shift}/approve"),
            json!({"counted": 99_000, "note": "a note was stuck in the tray"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["counted"], 99_000);
    assert_eq!(body["data"]["difference"], -1_000);
    assert_eq!(body["data"]["approvalNote"], "a note was stuck in the tray");
}

#[tokio::test]
async fn the_limit_comes_from_the_shift_rules() {
    let mut app = spawn_app().await;
    app.state = app.state.clone().with_shift_rules(ShiftRules {
        difference_limit: 0,
    });
    let shift = open_shift(&app, 100_000).await;
    let (status, body) = close(&app, shift, 100_001).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "APPROVAL_REQUIRED");
    // A recount that matches closes it without a manager.
    let (status, body) = close(&app, shift, 100_000).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["approvedBy"], Value::Null);
}

#[tokio::test]
async fn only_one_shift_is_open_at_a_time() {
    let app = spawn_app().await;
    let shift = open_shift(&app, 0).await;
    let (status, body) = app
        .post("/api/shifts", json!({"openingFloat": 100_000}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "CONFLICT");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("already open"), "{message}");

    let (status, body) = close(&app, shift, 0).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let next = open_shift(&app, 100_000).await;
    assert_ne!(next, shift);
}

#[tokio::test]
async fn cash_out_cannot_exceed_the_drawer() {
    let app = spawn_app().await;
    let shift = open_shift(&app, 100_000).await;
    let (status, body) = move_cash(&app, shift, "out", 100_001).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = move_cash(&app, shift, "out", 100_000).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["report"]["expected"], 0);
    let (status, _) = move_cash(&app, shift, "out", 1).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, _) = close(&app, shift, 0).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = move_cash(&app, shift, "in", 1_000).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field() {
    let app = spawn_app().await;
    let (status, body) = app
        .post("/api/shifts", json!({"openingFloat": -1, "note": "x"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["openingFloat"]);
    let (status, body) = app.post("/api/shifts", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["openingFloat"]);
    let (status, body) = app
        .post("/api/shifts", json!({"openingFloat": "lots"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .post_raw("/api/shifts", "application/json", "{\"openingFloat\":")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "BAD_REQUEST");

    let shift = open_shift(&app, 100_000).await;
    let (status, body) = app
        .post(
            &format!("/api/shifts/{shift}/cash-movements"),
            json!({"kind": "sideways", "amount": 0, "reason": "  "}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["kind", "amount", "reason"]);
    let (status, body) = app
        .post(
            &format!("/api/shifts/{shift}/cash-movements"),
            json!({"kind": "in", "amount": 5_000}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["reason"]);
    let (status, body) = app
        .post(
            &format!("/api/shifts/{shift}/close"),
            json!({"counted": -5}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["counted"]);
    let (status, body) = app
        .post(&format!("/api/shifts/{shift}/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["counted"]);

    let (status, body) = app.get("/api/shifts/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = app.get("/api/shifts?pageSize=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Posts an urlencoded form the way a browser does; values need no escaping.
async fn submit(app: &TestApp, uri: &str, form: &str) -> axum::response::Response {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    app.send_raw(request).await
}

fn location(response: &axum::response::Response) -> &str {
    response.headers()[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn the_pages_run_a_shift_from_open_to_z_report() {
    let app = spawn_app().await;
    let (status, _, page) = app.get_text("/shifts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("action=\"/shifts\""), "{page}");

    let response = submit(&app, "/shifts", "openingFloat=-5").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(response).await.contains("op-openingFloat-error"));
    let response = submit(&app, "/shifts", "openingFloat=500.000&note=morning").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, current) = app.get("/api/shifts/current").await;
    let shift = current["data"]["id"].as_i64().unwrap();
    assert_eq!(current["data"]["openingFloat"], 500_000);

    let movements = format!("/shifts/{shift}/cash-movements");
    let response = submit(&app, &movements, "kind=out&amount=600000&reason=bank").await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let response = submit(&app, &movements, "kind=out&amount=abc&reason=bank").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(response).await.contains("mv-amount-error"));
    let response = submit(&app, &movements, "kind=in&amount=100000&reason=change").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (status, _, page) = app.get_text("/shifts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("600.000 ₫"),
        "the expected cash is shown: {page}"
    );

    // Far off: the page shows it waiting for a manager.
    let close = format!("/shifts/{shift}/close");
    let response = submit(&app, &close, "counted=1000").await;
    assert_eq!(location(&response), "/shifts");
    let (_, _, page) = app.get_text("/shifts").await;
    assert!(page.contains(&format!("/shifts/{shift}/approve")), "{page}");
    let response = submit(&app, &format!("/shifts/{shift}/approve"), "counted=600.000").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/shifts/{shift}"));

    let (status, _, report) = app.get_text(&format!("/shifts/{shift}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(report.contains("id=\"print-button\""), "{report}");
    assert!(report.contains("600.000 ₫"), "{report}");
}
