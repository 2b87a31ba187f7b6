use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn adjustments_need_a_reason_and_a_real_product() {
    let app = spawn_app().await;
    let product = app.stocked_product("ADJ", 1_000, 10).await;
    let (status, body) = app
        .post(
            "/api/inventory/adjustments",
            json!({"productId": product, "quantity": -2}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "reason");

    let (status, body) = app
        .post(
            "/api/inventory/adjustments",
            json!({"productId": product, "quantity": 0, "reason": "đếm lại"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "quantity");

    let (status, body) = app
        .post(
            "/api/inventory/adjustments",
            json!({"productId": 999, "quantity": 1, "reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "productId");

    let (status, body) = app
        .post(
            "/api/inventory/adjustments",
            json!({"productId": product, "quantity": -3, "reason": "Hàng vỡ"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["onHand"], 7);
    assert_eq!(body["data"]["movement"]["kind"], "ADJUSTMENT");
    assert_eq!(body["data"]["movement"]["reason"], "Hàng vỡ");
    // The change is recorded against whoever made it: here the test's API token.
    assert_eq!(body["data"]["movement"]["actor"], "token:tests");
}

#[tokio::test]
async fn an_adjustment_cannot_take_stock_below_zero() {
    let app = spawn_app().await;
    let product = app.stocked_product("LOW", 1_000, 2).await;
    let (status, body) = app
        .post(
            "/api/inventory/adjustments",
            json!({"productId": product, "quantity": -3, "reason": "mất"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "INSUFFICIENT_STOCK");
    assert_eq!(body["error"]["details"][0]["available"], 2);
    assert_eq!(app.stock_of(product).await, 2);
}

#[tokio::test]
async fn receipts_add_stock_and_must_be_positive() {
    let app = spawn_app().await;
    let product = app.stocked_product("RCV", 1_000, 0).await;
    let (status, _) = app
        .post(
            "/api/inventory/receipts",
            json!({"productId": product, "quantity": -1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = app
        .post(
            "/api/inventory/receipts",
            json!({"productId": product, "quantity": 24, "reason": "Nhập từ NCC"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["data"]["movement"]["kind"], "RECEIPT");
    assert_eq!(app.stock_of(product).await, 24);

    let (status, body) = app
        .post(
            "/api/inventory/receipts",
            json!({"productId": product, "quantity": 1, "warehouseId": 99}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "warehouseId");
}

#[tokio::test]
async fn on_hand_always_equals_the_sum_of_movements() {
    let app = spawn_app().await;
    let a = app.stocked_product("INV-A", 10_000, 20).await;
    let b = app.stocked_product("INV-B", 5_000, 3).await;
    let variant = json!({"sku": "INV-A-L", "price": 12_000, "attributes": {"size": "L"}});
    let (_, variant) = app
        .post(&format!("/api/products/{a}/variants"), variant)
        .await;
    let variant_id = variant["data"]["id"].as_i64().unwrap();
    let receive = json!({"productId": a, "variantId": variant_id, "quantity": 6});
    assert_eq!(
        app.post("/api/inventory/receipts", receive).await.0,
        StatusCode::CREATED
    );

    let sale = |items| json!({"items": items});
    let (_, first) = app
        .post(
            "/api/orders",
            sale(json!([{"productId": a, "quantity": 4}, {"productId": b, "quantity": 1}])),
        )
        .await;
    let (_, second) = app
        .post(
            "/api/orders",
            sale(json!([{"productId": a, "variantId": variant_id, "quantity": 2}])),
        )
        .await;
    let (status, _) = app
        .post(
            "/api/orders",
            sale(json!([{"productId": b, "quantity": 5}])),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let adjust = json!({"productId": b, "quantity": -1, "reason": "hỏng"});
    assert_eq!(
        app.post("/api/inventory/adjustments", adjust).await.0,
        StatusCode::CREATED
    );
    let first_id = first["data"]["id"].as_i64().unwrap();
    app.post(&format!("/api/orders/{first_id}/cancel"), json!({}))
        .await;
    let second_id = second["data"]["id"].as_i64().unwrap();
    let pay = json!({"method": "cash", "amount": 50_000});
    app.post(&format!("/api/orders/{second_id}/payments"), pay)
        .await;

    // A: 20 + 6 received, 4 + 2 sold, 4 back; B: 3, 1 sold, 1 lost, 1 back.
    assert_eq!(app.stock_of(a).await, 20 + 6 - 4 - 2 + 4);
    assert_eq!(app.stock_of(b).await, 3 - 1 - 1 + 1);
    app.assert_stock_matches_ledger().await;

    let (_, levels) = app
        .get(&format!("/api/inventory/levels?productId={a}"))
        .await;
    assert_eq!(levels["meta"]["total"], 2);
    let (_, movements) = app
        .get(&format!("/api/inventory/movements?variantId={variant_id}"))
        .await;
    let kinds: Vec<_> = movements["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["SALE", "RECEIPT"]);
}

#[tokio::test]
async fn low_stock_lists_variants_at_or_below_their_threshold() {
    let app = spawn_app().await;
    let body = json!({"name": "Sắp hết", "sku": "LOW-1", "price": 1, "lowStockThreshold": 5});
    let (_, low) = app.post("/api/products", body).await;
    let low = low["data"]["id"].as_i64().unwrap();
    let receipt = json!({"productId": low, "quantity": 5});
    app.post("/api/inventory/receipts", receipt).await;
    let body = json!({"name": "Còn nhiều", "sku": "LOW-2", "price": 1, "lowStockThreshold": 5});
    let (_, plenty) = app.post("/api/products", body).await;
    let plenty = plenty["data"]["id"].as_i64().unwrap();
    app.post(
        "/api/inventory/receipts",
        json!({"productId": plenty, "quantity": 6}),
    )
    .await;

    let (status, body) = app.get("/api/inventory/low-stock").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["meta"]["total"], 1);
    assert_eq!(body["data"][0]["sku"], "LOW-1");
    assert_eq!(body["data"][0]["onHand"], 5);

    let (_, warehouses) = app.get("/api/inventory/warehouses").await;
    assert_eq!(warehouses["data"][0]["isDefault"], true);
}
