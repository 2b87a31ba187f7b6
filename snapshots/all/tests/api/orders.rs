use axum::http::StatusCode;
use serde_json::{json, Value};

use shop::config::SalesRules;

use crate::helpers::{json_request, spawn_app, spawn_app_with, TestApp};

async fn order(app: &TestApp, body: Value) -> Value {
    let (status, body) = app.post("/api/orders", body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"].clone()
}

#[tokio::test]
async fn checkout_prices_on_the_server_and_takes_stock() {
    let app = spawn_app().await;
    let coffee = app.stocked_product("CF", 25_000, 10).await;
    let cake = app.stocked_product("BANH", 18_000, 4).await;

    let created = order(
        &app,
        json!({"items": [
            {"productId": coffee, "quantity": 2},
            {"productId": cake, "quantity": 1, "discount": 3_000},
        ], "discount": 2_000}),
    )
    .await;
    assert_eq!(created["status"], "pending");
    assert!(created["number"].as_str().unwrap().starts_with("HD0000"));
    // 50 000 + 18 000, less 3 000 on the cake and 2 000 shared: 63 000.
    assert_eq!(created["subtotal"], 68_000);
    assert_eq!(created["discount"], 5_000);
    assert_eq!(created["total"], 63_000);
    assert_eq!(created["remaining"], 63_000);
    let items = created["items"].as_array().unwrap();
    let shared: i64 = items
        .iter()
        .map(|i| i["orderDiscount"].as_i64().unwrap())
        .sum();
    assert_eq!(shared, 2_000);
    let line_totals: i64 = items.iter().map(|i| i["total"].as_i64().unwrap()).sum();
    assert_eq!(line_totals, 63_000);
    let tax: i64 = items.iter().map(|i| i["tax"].as_i64().unwrap()).sum();
    assert_eq!(created["tax"], tax);

    assert_eq!(app.stock_of(coffee).await, 8);
    assert_eq!(app.stock_of(cake).await, 3);
    let (_, movements) = app
        .get(&format!("/api/inventory/movements?productId={coffee}"))
        .await;
    let sale = &movements["data"][0];
    assert_eq!(sale["kind"], "SALE");
    assert_eq!(sale["quantity"], -2);
    assert_eq!(sale["orderId"], created["id"]);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn short_stock_refuses_the_whole_order_and_writes_nothing() {
    let app = spawn_app().await;
    let plenty = app.stocked_product("PLENTY", 1_000, 10).await;
    let scarce = app.stocked_product("SCARCE", 1_000, 1).await;
    let movements_before = app.count("SELECT COUNT(*) FROM stock_movements").await;

    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [
                {"productId": plenty, "quantity": 3},
                {"productId": scarce, "quantity": 2},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "INSUFFICIENT_STOCK");
    let details = body["error"]["details"].as_array().unwrap();
    assert_eq!(details.len(), 1);
    assert_eq!(details[0]["sku"], "SCARCE");
    assert_eq!(details[0]["requested"], 2);
    assert_eq!(details[0]["available"], 1);
    assert_eq!(details[0]["productId"], scarce);

    assert_eq!(app.stock_of(plenty).await, 10);
    assert_eq!(app.stock_of(scarce).await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM order_lines").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM stock_movements").await,
        movements_before
    );
}

#[tokio::test]
async fn a_cart_is_checked_as_a_whole() {
    let app = spawn_app().await;
    let plenty = app.stocked_product("PLENTY", 1_000, 10).await;
    let scarce = app.stocked_product("SCARCE", 1_000, 1).await;
    let gone = app.stocked_product("GONE", 1_000, 0).await;
    let movements_before = app.count("SELECT COUNT(*) FROM stock_movements").await;

    // Every short line is named, not just the first.
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [
                {"productId": gone, "quantity": 1},
                {"productId": plenty, "quantity": 3},
                {"productId": scarce, "quantity": 2},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let mut short: Vec<_> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["sku"].as_str().unwrap().to_owned(),
                line["available"].as_i64().unwrap(),
            )
        })
        .collect();
    short.sort();
    assert_eq!(short, [("GONE".to_owned(), 0), ("SCARCE".to_owned(), 1)]);
    assert_eq!(app.stock_of(plenty).await, 10);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM stock_movements").await,
        movements_before
    );

    // A variant of another product in the cart is not this product's.
    let (_, variants) = app.get(&format!("/api/products/{scarce}/variants")).await;
    let scarce_variant = &variants["data"][0]["id"];
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [
                {"productId": scarce, "quantity": 1},
                {"productId": plenty, "variantId": scarce_variant, "quantity": 1},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "items[1].variantId");

    // One product on two lines: two lines, one movement for both.
    let created = order(
        &app,
        json!({"items": [
            {"productId": plenty, "quantity": 1},
            {"productId": scarce, "quantity": 1},
            {"productId": plenty, "quantity": 2, "discount": 500},
        ]}),
    )
    .await;
    let lines: Vec<_> = created["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["sku"].as_str().unwrap(),
                line["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [("PLENTY", 1), ("SCARCE", 1), ("PLENTY", 2)]);
    assert_eq!(created["total"], 3_500);
    assert_eq!(app.stock_of(plenty).await, 7);
    assert_eq!(app.stock_of(scarce).await, 0);
    let (_, movements) = app
        .get(&format!("/api/inventory/movements?productId={plenty}"))
        .await;
    assert_eq!(movements["data"][0]["quantity"], -3);
    assert_eq!(movements["data"][0]["orderId"], created["id"]);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn negative_stock_is_allowed_only_when_configured() {
    let rules = SalesRules {
        allow_negative_stock: true,
        ..SalesRules::default()
    };
    let app = spawn_app_with(rules).await;
    let product = app.stocked_product("BACKORDER", 1_000, 1).await;
    order(
        &app,
        json!({"items": [{"productId": product, "quantity": 3}]}),
    )
    .await;
    assert_eq!(app.stock_of(product).await, -2);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn exclusive_tax_is_added_on_top() {
    let rules = SalesRules {
        tax_inclusive: false,
        ..SalesRules::default()
    };
    let app = spawn_app_with(rules).await;
    let product = app.stocked_product("NET", 100_000, 5).await;
    let created = order(
        &app,
        json!({"items": [{"productId": product, "quantity": 1}]}),
    )
    .await;
    assert_eq!(created["taxInclusive"], false);
    assert_eq!(created["subtotal"], 100_000);
    assert_eq!(created["tax"], 10_000);
    assert_eq!(created["total"], 110_000);
}

#[tokio::test]
async fn bad_order_input_is_named_field_by_field() {
    let app = spawn_app().await;
    let product = app.stocked_product("OK", 1_000, 5).await;
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [
                {"productId": product, "quantity": -1},
                {"productId": 9999, "quantity": 1},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "items[0].quantity");

    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": 9999, "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "items[0].productId");

    let (status, body) = app.post("/api/orders", json!({"items": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "items");

    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 1}], "discount": 1_001}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "discount");

    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 1}], "customerId": 77}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "customerId");
    assert_eq!(app.stock_of(product).await, 5);
}

#[tokio::test]
async fn a_retry_with_the_same_key_returns_the_same_order() {
    let app = spawn_app().await;
    let product = app.stocked_product("IDEM", 10_000, 5).await;
    let body = json!({"items": [{"productId": product, "quantity": 2}]});
    let request = |body: &Value| {
        let mut request = json_request("POST", "/api/orders", body);
        request
            .headers_mut()
            .insert("Idempotency-Key", "till-1-sale-42".parse().unwrap());
        request
    };

    let (status, first) = app.send(request(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, second) = app.send(request(&body)).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(first["data"]["id"], second["data"]["id"]);
    assert_eq!(first["data"]["number"], second["data"]["number"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(app.stock_of(product).await, 3);

    // The same key for a different cart is refused, not answered with the old order.
    let other = json!({"items": [{"productId": product, "quantity": 3}]});
    let (status, body) = app.send(request(&other)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "CONFLICT");
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(app.stock_of(product).await, 3);
}

#[tokio::test]
async fn a_cash_sale_is_placed_and_paid_in_one_request() {
    let app = spawn_app().await;
    let product = app.stocked_product("CASH", 12_000, 5).await;
    let sale = |quantity: i64, amount: Value| {
        let body = json!({
            "items": [{"productId": product, "quantity": quantity}],
            "payment": {"method": "cash", "amount": amount},
        });
        let mut request = json_request("POST", "/api/orders", &body);
        request.headers_mut().insert(
            "Idempotency-Key",
            format!("till-1-cash-{quantity}").parse().unwrap(),
        );
        request
    };

    let (status, body) = app.send(sale(2, json!(50_000))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let paid = &body["data"];
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["total"], 24_000);
    assert_eq!(paid["remaining"], 0);
    assert_eq!(paid["payments"][0]["amount"], 24_000);
    assert_eq!(paid["payments"][0]["change"], 26_000);
    // A retry after a lost answer takes neither the stock nor the cash again.
    let (status, again) = app.send(sale(2, json!(50_000))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["data"]["id"], paid["id"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(app.stock_of(product).await, 3);

    // Cash short of the total is taken and the rest stays due.
    let (status, body) = app.send(sale(1, json!(10_000))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["status"], "pending");
    assert_eq!(body["data"]["remaining"], 2_000);

    // A bad tender refuses the whole sale: no order, no stock taken.
    for (amount, field) in [
        (json!(0), "payment.amount"),
        (json!(-5), "payment.amount"),
        (json!(null), "payment.amount"),
    ] {
        let (status, body) = app.send(sale(3, amount)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], field, "{body}");
    }
    let card = json!({
        "items": [{"productId": product, "quantity": 1}],
        "payment": {"method": "card", "amount": 12_000},
    });
    let (status, body) = app.post("/api/orders", card).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "payment.method");
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 2);
    assert_eq!(app.stock_of(product).await, 2);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn cancel_puts_stock_back_and_blocks_payment() {
    let app = spawn_app().await;
    let product = app.stocked_product("CANCEL", 10_000, 5).await;
    let created = order(
        &app,
        json!({"items": [{"productId": product, "quantity": 2}]}),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(app.stock_of(product).await, 3);

    let (status, body) = app
        .post(&format!("/api/orders/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "cancelled");
    assert_eq!(body["data"]["remaining"], 0);
    assert_eq!(app.stock_of(product).await, 5);
    let (_, movements) = app
        .get(&format!("/api/inventory/movements?productId={product}"))
        .await;
    assert_eq!(movements["data"][0]["kind"], "CANCEL_RESTOCK");
    assert_eq!(movements["data"][0]["quantity"], 2);
    app.assert_stock_matches_ledger().await;

    let (status, _) = app
        .post(&format!("/api/orders/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let pay = json!({"method": "cash", "amount": 20_000});
    let (status, body) = app.post(&format!("/api/orders/{id}/payments"), pay).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "CONFLICT");
}

#[tokio::test]
async fn orders_go_from_pending_to_paid_to_completed() {
    let app = spawn_app().await;
    let product = app.stocked_product("FLOW", 12_000, 5).await;
    let created = order(
        &app,
        json!({"items": [{"productId": product, "quantity": 1}]}),
    )
    .await;
    let id = created["id"].as_i64().unwrap();

    let (status, _) = app
        .post(&format!("/api/orders/{id}/complete"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a pending order cannot be completed"
    );
    let pay = json!({"method": "cash", "amount": 12_000});
    let (status, _) = app.post(&format!("/api/orders/{id}/payments"), pay).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .post(&format!("/api/orders/{id}/complete"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["status"], "completed");
    let (status, _) = app
        .post(&format!("/api/orders/{id}/cancel"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a completed order cannot be cancelled"
    );

    order(
        &app,
        json!({"items": [{"productId": product, "quantity": 1}]}),
    )
    .await;
    let (_, completed) = app.get("/api/orders?status=completed").await;
    assert_eq!(completed["meta"]["total"], 1);
    let (_, all) = app.get("/api/orders?page=1&pageSize=10").await;
    assert_eq!(all["meta"]["total"], 2);
    let (status, _) = app.get("/api/orders?status=lost").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.get("/api/orders/424242").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lines_keep_the_price_they_were_sold_at() {
    let app = spawn_app().await;
    let product = app.stocked_product("SNAP", 10_000, 5).await;
    let created = order(
        &app,
        json!({"items": [{"productId": product, "quantity": 1}]}),
    )
    .await;
    let update = json!({"name": "Tên mới", "sku": "SNAP-2", "price": 99_000});
    app.put(&format!("/api/products/{product}"), update).await;

    let (_, body) = app.get(&format!("/api/orders/{}", created["id"])).await;
    let line = &body["data"]["items"][0];
    assert_eq!(line["unitPrice"], 10_000);
    assert_eq!(line["sku"], "SNAP");
    assert_eq!(body["data"]["total"], 10_000);
}

#[tokio::test]
async fn two_sizes_of_one_product_are_two_lines_at_their_own_prices() {
    let app = spawn_app().await;
    let shirt = app.stocked_product("AO-M", 150_000, 5).await;
    let body = json!({"sku": "AO-XL", "barcode": "8930000000200", "price": 160_000, "attributes": {"size": "XL"}});
    let (status, created) = app
        .post(&format!("/api/products/{shirt}/variants"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let receipt = json!({"productId": shirt, "variantId": created["data"]["id"], "quantity": 3});
    assert_eq!(
        app.post("/api/inventory/receipts", receipt).await.0,
        StatusCode::CREATED
    );
    // What the till does with a scan: look the code up, then sell that variant.
    let (_, scanned) = app.get("/api/products/lookup?code=8930000000200").await;
    let extra_large = scanned["data"]["variant"]["id"].as_i64().unwrap();
    let default = scanned["data"]["product"]["defaultVariantId"]
        .as_i64()
        .unwrap();

    let created = order(
        &app,
        json!({"items": [
            {"productId": shirt, "variantId": default, "quantity": 1},
            {"productId": shirt, "variantId": extra_large, "quantity": 2},
        ]}),
    )
    .await;
    let lines: Vec<_> = created["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["variantId"].as_i64().unwrap(),
                line["variantName"].as_str().unwrap().to_owned(),
                line["unitPrice"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (default, String::new(), 150_000),
            (extra_large, "XL".to_owned(), 160_000)
        ]
    );
    assert_eq!(created["subtotal"], 470_000);
    let (_, levels) = app.get(&format!("/api/products/{shirt}/variants")).await;
    assert_eq!(levels["data"][0]["stock"], 4);
    assert_eq!(levels["data"][1]["stock"], 1);
    app.assert_stock_matches_ledger().await;
}
