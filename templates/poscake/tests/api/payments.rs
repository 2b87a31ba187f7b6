use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

async fn pending_order(app: &TestApp, price: i64) -> i64 {
    let product = app.stocked_product("PAY", price, 10).await;
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["id"].as_i64().unwrap()
}

async fn pay(app: &TestApp, id: i64, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/orders/{id}/payments"), body).await
}

#[tokio::test]
async fn cash_over_the_total_gives_change() {
    let app = spawn_app().await;
    let id = pending_order(&app, 45_000).await;
    let (status, body) = pay(&app, id, json!({"method": "cash", "amount": 100_000})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let data = &body["data"];
    assert_eq!(data["status"], "paid");
    assert_eq!(data["paid"], 45_000);
    assert_eq!(data["remaining"], 0);
    assert_eq!(data["change"], 55_000);
    assert_eq!(data["payments"][0]["amount"], 45_000);
    assert_eq!(data["payments"][0]["tendered"], 100_000);

    let (_, order) = app.get(&format!("/api/orders/{id}")).await;
    assert_eq!(order["data"]["status"], "paid");
    assert_eq!(order["data"]["change"], 55_000);
    assert!(order["data"]["paidAt"].is_string());
}

#[tokio::test]
async fn split_cash_payments_add_up_exactly() {
    let app = spawn_app().await;
    let id = pending_order(&app, 63_000).await;

    let (_, first) = pay(&app, id, json!({"method": "cash", "amount": 20_000})).await;
    assert_eq!(first["data"]["status"], "pending");
    assert_eq!(first["data"]["remaining"], 43_000);
    assert_eq!(first["data"]["change"], 0);
    let (_, second) = pay(&app, id, json!({"method": "cash", "amount": 40_000})).await;
    assert_eq!(second["data"]["remaining"], 3_000);
    let (_, last) = pay(&app, id, json!({"method": "cash", "amount": 5_000})).await;
    assert_eq!(last["data"]["status"], "paid");
    assert_eq!(last["data"]["paid"], 63_000);
    assert_eq!(last["data"]["change"], 2_000);
    let applied: i64 = last["data"]["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(applied, 63_000);

    let (status, body) = pay(&app, id, json!({"method": "cash", "amount": 1_000})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a paid order takes no more payments"
    );
    assert_eq!(body["error"]["code"], "CONFLICT");
}

#[tokio::test]
async fn payment_input_is_checked() {
    let app = spawn_app().await;
    let id = pending_order(&app, 10_000).await;
    for (body, field) in [
        (json!({"method": "vnpay", "amount": 10_000}), "method"),
        (json!({"method": "cash", "amount": -1}), "amount"),
        (json!({"method": "cash", "amount": 0}), "amount"),
        (json!({"method": "cash"}), "amount"),
    ] {
        let (status, response) = pay(&app, id, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(response["error"]["details"][0]["field"], field, "{body}");
    }
    let (status, _) = pay(&app, 9_999, json!({"method": "cash", "amount": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 0);
}
