//! Bank transfer by VietQR, confirmed by SePay's webhook: the whole path from
//! an order to a paid order, and every way a webhook can go wrong.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::helpers::{body_text, spawn_app, TestApp};
use shop::payments::{gateways::sepay::SepayConfig, Gateways};

const API_KEY: &str = "sepay-test-key";
const ACCOUNT: &str = "0011001234567";

/// An app whose shop takes bank transfers, with a pending order of 75 000 đ.
async fn shop_with_order(secret: Option<&str>) -> (TestApp, i64) {
    let mut app = spawn_app().await;
    let sepay = SepayConfig {
        api_key: API_KEY.into(),
        bank_bin: "970436".into(),
        account_number: ACCOUNT.into(),
        webhook_secret: secret.map(str::to_owned),
    };
    app.state = app.state.clone().with_payments(Gateways {
        sepay: Some(Arc::new(sepay)),
        ..Gateways::default()
    });
    let product = app.stocked_product("CK-1", 75_000, 10).await;
    let (status, order) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    (app, order["data"]["id"].as_i64().unwrap())
}

/// Starts a bank transfer for the order and returns the payment.
async fn start_transfer(app: &TestApp, order: i64) -> Value {
    let (status, body) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "vietqr"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"].clone()
}

/// SePay's webhook body for a transfer of `amount` with `content`.
fn transfer(id: i64, amount: i64, content: &str) -> String {
    json!({
        "id": id,
        "gateway": "Vietcombank",
        "transactionDate": "2026-11-26 14:02:37",
        "accountNumber": ACCOUNT,
        "code": null,
        "content": content,
        "transferType": "in",
        "transferAmount": amount,
        "accumulated": 19_077_000,
        "subAccount": null,
        "referenceCode": "MBVCB.3278907687",
        "description": ""
    })
    .to_string()
}

async fn webhook(app: &TestApp, body: &str, api_key: &str) -> (StatusCode, Value) {
    let request = Request::post("/api/payments/webhooks/sepay")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Apikey {api_key}"))
        .body(Body::from(body.to_owned()))
        .unwrap();
    app.send(request).await
}

async fn order_status(app: &TestApp, order: i64) -> (String, i64) {
    let (_, body) = app.get(&format!("/api/orders/{order}")).await;
    let status = body["data"]["status"].as_str().unwrap().to_owned();
    (
        status,
        body["data"]["payments"].as_array().unwrap().len() as i64,
    )
}

#[tokio::test]
async fn a_bank_transfer_pays_the_order_end_to_end() {
    let (app, order) = shop_with_order(None).await;
    let payment = start_transfer(&app, order).await;
    let reference = payment["reference"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("PC"), "{payment}");
    assert_eq!(payment["amount"], 75_000);
    assert_eq!(payment["status"], "pending");
    let qr = payment["qrData"].as_str().unwrap();
    for part in [
        "A000000727",
        "970436",
        ACCOUNT,
        "540575000",
        "5303704",
        &reference,
    ] {
        assert!(qr.contains(part), "the QR payload lacks {part}: {qr}");
    }
    let image = Request::get(payment["qrUrl"].as_str().unwrap())
        .body(Body::empty())
        .unwrap();
    let response = app.send_raw(image).await;
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/svg+xml");
    assert!(body_text(response).await.starts_with("<svg"));

    // The customer's bank lowercases the content and adds its own words.
    let content = format!("MBVCB.3278907687.{}.thanh toan", reference.to_lowercase());
    let (status, body) = webhook(&app, &transfer(92_704, 75_000, &content), API_KEY).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"success": true})));
    assert_eq!(order_status(&app, order).await, ("paid".into(), 1));
    let (_, followed) = app
        .get(&format!("/api/payments/{}", payment["paymentId"]))
        .await;
    assert_eq!(followed["data"]["status"], "succeeded");
    let (_, detail) = app.get(&format!("/api/orders/{order}")).await;
    assert_eq!(detail["data"]["payments"][0]["method"], "vietqr");
    assert_eq!(detail["data"]["payments"][0]["amount"], 75_000);
    // The receipt names the transfer, not cash.
    let (status, _, receipt) = app.get_text(&format!("/orders/{order}/receipt")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(receipt.contains("<dt>VietQR</dt>"), "{receipt}");
    assert!(!receipt.contains("Tiền mặt"), "{receipt}");
}

#[tokio::test]
async fn the_same_notification_five_times_pays_once_and_is_acknowledged_five_times() {
    let (app, order) = shop_with_order(None).await;
    let payment = start_transfer(&app, order).await;
    let body = transfer(7, 75_000, payment["reference"].as_str().unwrap());
    for _ in 0..5 {
        let (status, answer) = webhook(&app, &body, API_KEY).await;
        assert_eq!((status, answer), (StatusCode::OK, json!({"success": true})));
    }
    assert_eq!(order_status(&app, order).await, ("paid".into(), 1));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payment_notifications")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deliveries_of_one_notification_pay_once() {
    let (app, order) = shop_with_order(None).await;
    let payment = start_transfer(&app, order).await;
    let body = transfer(8, 75_000, payment["reference"].as_str().unwrap());
    let deliveries: Vec<_> = (0..6)
        .map(|_| {
            let client = app.client();
            let body = body.clone();
            tokio::spawn(async move {
                let request = Request::post("/api/payments/webhooks/sepay")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::AUTHORIZATION, format!("Apikey {API_KEY}"))
                    .body(Body::from(body))
                    .unwrap();
                client.send(request).await.0
            })
        })
        .collect();
    for delivery in deliveries {
        assert_eq!(delivery.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(order_status(&app, order).await, ("paid".into(), 1));
}

#[tokio::test]
async fn a_forged_webhook_is_refused_and_changes_nothing() {
    let (app, order) = shop_with_order(None).await;
    let payment = start_transfer(&app, order).await;
    let body = transfer(9, 75_000, payment["reference"].as_str().unwrap());
    let (status, answer) = webhook(&app, &body, "guessed-key").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["success"], false);
    assert_eq!(order_status(&app, order).await, ("pending".into(), 0));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payment_notifications")
            .await,
        0
    );
}

#[tokio::test]
async fn a_wrong_amount_is_refused_and_flagged() {
    let (app, order) = shop_with_order(None).await;
    let payment = start_transfer(&app, order).await;
    let body = transfer(10, 7_500, payment["reference"].as_str().unwrap());
    let (status, answer) = webhook(&app, &body, API_KEY).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["success"], false);
    assert_eq!(order_status(&app, order).await, ("pending".into(), 0));
    let (_, flagged) = app.get("/api/payments/notifications?flagged=true").await;
    assert_eq!(flagged["data"][0]["outcome"], "mismatch");
    assert_eq!(flagged["data"][0]["flagged"], true);
    assert_eq!(
        flagged["data"][0]["detail"],
        "expected 75000 VND, received 7500 VND"
    );

    let (status, _, page) = app.get_text("/payments/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("expected 75000 VND, received 7500 VND"),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/orders/{order}\"")),
        "{page}"
    );
}

#[tokio::test]
async fn a_stale_signed_webhook_is_refused() {
    let secret = "sepay_test_secret";
    let (app, order) = shop_with_order(Some(secret)).await;
    let payment = start_transfer(&app, order).await;
    let body = transfer(11, 75_000, payment["reference"].as_str().unwrap());
    let signed = |timestamp: i64| {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.{body}").as_bytes());
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Request::post("/api/payments/webhooks/sepay")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Apikey {API_KEY}"))
            .header("x-sepay-timestamp", timestamp.to_string())
            .header("x-sepay-signature", format!("sha256={hex}"))
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let (status, _) = app.send(signed(now - 3_600)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(order_status(&app, order).await, ("pending".into(), 0));
    let (status, _) = app.send(signed(now)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order_status(&app, order).await, ("paid".into(), 1));
}

#[tokio::test]
async fn money_that_matches_no_order_is_acknowledged_and_flagged() {
    let (app, order) = shop_with_order(None).await;
    start_transfer(&app, order).await;
    let (status, _) = webhook(&app, &transfer(12, 75_000, "tien nha thang 11"), API_KEY).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = webhook(&app, &transfer(13, 75_000, "PC999999"), API_KEY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order_status(&app, order).await, ("pending".into(), 0));
    let (_, flagged) = app.get("/api/payments/notifications?flagged=true").await;
    let outcomes: Vec<&str> = flagged["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["unmatched", "unmatched"]);
}

#[tokio::test]
async fn money_for_a_cancelled_order_is_flagged_for_a_refund() {
    let (app, order) = shop_with_order(None).await;
    let payment = start_transfer(&app, order).await;
    let (status, _) = app
        .post(&format!("/api/orders/{order}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let body = transfer(14, 75_000, payment["reference"].as_str().unwrap());
    let (status, _) = webhook(&app, &body, API_KEY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order_status(&app, order).await, ("cancelled".into(), 0));
    let (_, flagged) = app.get("/api/payments/notifications?flagged=true").await;
    assert_eq!(flagged["data"][0]["outcome"], "not_payable");
}

#[tokio::test]
async fn split_tender_cash_then_bank_transfer_for_the_rest() {
    let (app, order) = shop_with_order(None).await;
    let (status, cash) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "cash", "amount": 25_000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cash}");
    let payment = start_transfer(&app, order).await;
    assert_eq!(
        payment["amount"], 50_000,
        "the transfer asks for what is left"
    );
    let body = transfer(15, 50_000, payment["reference"].as_str().unwrap());
    assert_eq!(webhook(&app, &body, API_KEY).await.0, StatusCode::OK);
    assert_eq!(order_status(&app, order).await, ("paid".into(), 2));
}

#[tokio::test]
async fn only_configured_methods_are_offered() {
    let (app, order) = shop_with_order(None).await;
    let (status, body) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "vnpay"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"][0]["message"],
        "must be one of the methods offered: cash, vietqr"
    );
    let (status, _) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "vietqr", "amount": 80_000}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
