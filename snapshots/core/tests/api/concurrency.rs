//! Many tills at once: the database, not the app, decides who gets the last unit.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{json_request, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_tills_racing_for_five_units_sell_exactly_five() {
    let app = spawn_app().await;
    let product = app.stocked_product("RACE", 10_000, 5).await;

    let tills: Vec<_> = (0..20)
        .map(|_| {
            let client = app.client();
            tokio::spawn(async move {
                let body = json!({"items": [{"productId": product, "quantity": 1}]});
                client
                    .send(json_request("POST", "/api/orders", &body))
                    .await
            })
        })
        .collect();
    let mut sold = 0;
    let mut refused = 0;
    for till in tills {
        let (status, body) = till.await.unwrap();
        match status {
            StatusCode::CREATED => sold += 1,
            StatusCode::CONFLICT => {
                assert_eq!(body["error"]["code"], "INSUFFICIENT_STOCK");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((sold, refused), (5, 15));
    assert_eq!(app.stock_of(product).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 5);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_with_one_key_make_one_order() {
    let app = spawn_app().await;
    let product = app.stocked_product("ONCE", 10_000, 50).await;

    let retries: Vec<_> = (0..8)
        .map(|_| {
            let client = app.client();
            tokio::spawn(async move {
                let body = json!({"items": [{"productId": product, "quantity": 2}]});
                let mut request = json_request("POST", "/api/orders", &body);
                request
                    .headers_mut()
                    .insert("Idempotency-Key", "same-key".parse().unwrap());
                client.send(request).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    let mut created = 0;
    for retry in retries {
        let (status, body) = retry.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}: {body}"
        );
        created += usize::from(status == StatusCode::CREATED);
        ids.push(body["data"]["id"].as_i64().unwrap());
    }
    assert_eq!(created, 1);
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry returns the one order");
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(app.stock_of(product).await, 48);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_cash_payments_never_overpay() {
    let app = spawn_app().await;
    let product = app.stocked_product("SPLIT", 30_000, 5).await;
    let (_, order) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 1}]}),
        )
        .await;
    let id = order["data"]["id"].as_i64().unwrap();

    let payments: Vec<_> = (0..6)
        .map(|_| {
            let client = app.client();
            tokio::spawn(async move {
                let body = json!({"method": "cash", "amount": 10_000});
                let uri = format!("/api/orders/{id}/payments");
                client.send(json_request("POST", &uri, &body)).await
            })
        })
        .collect();
    let mut accepted = 0;
    for payment in payments {
        let (status, body) = payment.await.unwrap();
        match status {
            StatusCode::CREATED => accepted += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(accepted, 3);
    let (_, order) = app.get(&format!("/api/orders/{id}")).await;
    assert_eq!(order["data"]["status"], "paid");
    assert_eq!(order["data"]["paid"], 30_000);
}
