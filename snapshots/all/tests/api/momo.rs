//! MoMo: creating the payment at MoMo (a stand-in on a local port), and the
//! IPN that pays the order exactly once, acknowledged with 204.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::{
    gateway_support::{
        attempts, flagged, notifications, order_state, payment_status, shop_with_order, start,
        unreachable_base_url, MockGateway, ORDER_TOTAL, PUBLIC_BASE_URL,
    },
    helpers::{body_text, TestApp},
};
use shop::payments::{
    gateways::momo::{self, CreateRequest, MomoConfig, MomoNotice, RequestType},
    Gateways,
};

const PAY_URL: &str = "https://test-payment.momo.vn/v2/gateway/pay?t=TU9NT1RFU1Qw";
const QR_DATA: &str = "momo://app?action=payWithApp&t=TU9NT1RFU1Qw";

/// The spec's dummy keys, with MoMo at `endpoint`.
fn config(endpoint: &str) -> MomoConfig {
    MomoConfig {
        partner_code: "MOMOTEST0001".into(),
        access_key: "TESTACCESSKEY01".into(),
        secret_key: "TESTSECRETKEY0123456789ABCDEFGHI".into(),
        endpoint: endpoint.into(),
    }
}

fn gateways(endpoint: &str) -> Gateways {
    Gateways {
        momo: Some(Arc::new(config(endpoint))),
        ..Gateways::default()
    }
    .with_public_base_url(PUBLIC_BASE_URL)
}

/// MoMo's answer to a create it accepts.
fn created() -> Value {
    json!({
        "partnerCode": "MOMOTEST0001",
        "requestId": "PC000001",
        "orderId": "PC000001",
        "amount": ORDER_TOTAL,
        "responseTime": 1_764_140_000_000_i64,
        "message": "Thành công.",
        "resultCode": 0,
        "payUrl": PAY_URL,
        "deeplink": "momo://app?action=payWithApp",
        "qrCodeUrl": QR_DATA
    })
}

/// A shop whose MoMo accepts creates, with a MoMo payment started for the
/// whole order.
async fn shop_with_payment() -> (TestApp, i64, Value, MockGateway) {
    let momo = MockGateway::start(StatusCode::OK, created()).await;
    let (app, order) = shop_with_order(gateways(&momo.base_url)).await;
    let (status, body) = start(&app, order, "momo").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (app, order, body["data"].clone(), momo)
}

/// What MoMo reports when the customer paid `payment` in full.
fn paid(payment: &Value) -> MomoNotice {
    let reference = payment["reference"].as_str().unwrap();
    MomoNotice {
        partner_code: "MOMOTEST0001".into(),
        order_id: reference.into(),
        request_id: reference.into(),
        amount: ORDER_TOTAL,
        order_info: "Thanh toán đơn HD000001".into(),
        order_type: "momo_wallet".into(),
        trans_id: 4_088_878_653,
        result_code: 0,
        message: "Thành công.".into(),
        pay_type: "qr".into(),
        response_time: 1_764_140_000_000,
        extra_data: String::new(),
    }
}

/// Sends `body` as MoMo's IPN; returns the status and the body's text.
async fn send(app: &TestApp, body: &Value) -> (StatusCode, String) {
    let request = Request::post("/api/payments/ipn/momo")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.send_raw(request).await;
    let status = response.status();
    (status, body_text(response).await)
}

/// The IPN MoMo sends for `notice`, signed with the shop's keys.
fn ipn(notice: &MomoNotice) -> Value {
    momo::ipn_body(&config(""), notice)
}

#[tokio::test]
async fn starting_a_momo_payment_creates_it_at_momo() {
    let (_app, _, payment, momo) = shop_with_payment().await;
    assert_eq!(payment["status"], "pending");
    assert_eq!(payment["redirectUrl"], PAY_URL);
    assert_eq!(payment["qrData"], QR_DATA);
    let reference = payment["reference"].as_str().unwrap();

    let received = momo.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/v2/gateway/api/create");
    let body: Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(body["orderId"], reference);
    assert_eq!(body["requestId"], reference);
    assert_eq!(body["amount"], ORDER_TOTAL);
    assert_eq!(body["requestType"], "captureWallet");
    assert_eq!(
        body["ipnUrl"],
        format!("{PUBLIC_BASE_URL}/api/payments/ipn/momo")
    );
    assert_eq!(
        body["redirectUrl"],
        format!("{PUBLIC_BASE_URL}/payments/return/momo")
    );
    let text = |key: &str| body[key].as_str().unwrap().to_owned();
    let request = CreateRequest {
        order_id: text("orderId"),
        request_id: text("requestId"),
        amount: ORDER_TOTAL,
        order_info: text("orderInfo"),
        redirect_url: text("redirectUrl"),
        ipn_url: text("ipnUrl"),
        extra_data: text("extraData"),
        request_type: RequestType::CaptureWallet,
    };
    assert_eq!(
        body["signature"],
        momo::create_signature(&config(""), &request)
    );
}

#[tokio::test]
async fn a_refusal_by_momo_is_a_502_and_a_failed_attempt() {
    let refusal = json!({"resultCode": 13, "message": "Merchant authentication failed"});
    let momo = MockGateway::start(StatusCode::BAD_REQUEST, refusal).await;
    let (app, order) = shop_with_order(gateways(&momo.base_url)).await;
    let (status, body) = start(&app, order, "momo").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"]["code"], "UPSTREAM_ERROR");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Merchant authentication failed"),
        "{body}"
    );
    assert_eq!(momo.received().len(), 1, "a create is never retried");
    assert_eq!(attempts(&app, "failed").await, 1);
    assert_eq!(attempts(&app, "pending").await, 0);
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
}

#[tokio::test]
async fn an_unreachable_momo_is_a_502_and_a_failed_attempt() {
    let (app, order) = shop_with_order(gateways(&unreachable_base_url().await)).await;
    let (status, body) = start(&app, order, "momo").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"]["code"], "UPSTREAM_ERROR");
    assert_eq!(attempts(&app, "failed").await, 1);
}

#[tokio::test]
async fn an_amount_momo_does_not_take_is_refused_before_calling_it() {
    let momo = MockGateway::start(StatusCode::OK, created()).await;
    let (app, order) = shop_with_order(gateways(&momo.base_url)).await;
    let (status, body) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "momo", "amount": 500}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"][0]["message"],
        "must be between 1000 and 50000000"
    );
    assert!(momo.received().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) FROM gateway_payments").await, 0);
}

#[tokio::test]
async fn a_valid_ipn_pays_the_order() {
    let (app, order, payment, _momo) = shop_with_payment().await;
    let (status, body) = send(&app, &ipn(&paid(&payment))).await;
    assert_eq!((status, body.as_str()), (StatusCode::NO_CONTENT, ""));
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert_eq!(payment_status(&app, &payment).await, "succeeded");
    let (_, detail) = app.get(&format!("/api/orders/{order}")).await;
    assert_eq!(detail["data"]["payments"][0]["method"], "momo");
}

#[tokio::test]
async fn the_same_ipn_five_times_pays_once_and_is_acknowledged_five_times() {
    let (app, order, payment, _momo) = shop_with_payment().await;
    let body = ipn(&paid(&payment));
    for _ in 0..5 {
        assert_eq!(send(&app, &body).await.0, StatusCode::NO_CONTENT);
    }
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert_eq!(notifications(&app).await, 1);
}

#[tokio::test]
async fn a_forged_ipn_is_refused_and_changes_nothing() {
    let (app, order, payment, _momo) = shop_with_payment().await;
    let other_keys = MomoConfig {
        secret_key: "a-guessed-secret".into(),
        ..config("")
    };
    let forged = momo::ipn_body(&other_keys, &paid(&payment));
    assert_eq!(send(&app, &forged).await.0, StatusCode::BAD_REQUEST);

    // A genuine signature over a smaller amount does not cover a larger one.
    let mut raised = ipn(&MomoNotice {
        amount: 1_000,
        ..paid(&payment)
    });
    raised["amount"] = json!(ORDER_TOTAL);
    assert_eq!(send(&app, &raised).await.0, StatusCode::BAD_REQUEST);

    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert_eq!(payment_status(&app, &payment).await, "pending");
    assert_eq!(notifications(&app).await, 0);
}

#[tokio::test]
async fn a_wrong_amount_is_refused_and_flagged() {
    let (app, order, payment, _momo) = shop_with_payment().await;
    let short = MomoNotice {
        amount: 7_500,
        ..paid(&payment)
    };
    assert_eq!(send(&app, &ipn(&short)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert_eq!(payment_status(&app, &payment).await, "pending");
    let flagged = flagged(&app).await;
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["provider"], "momo");
    assert_eq!(flagged[0]["outcome"], "mismatch");
    assert_eq!(
        flagged[0]["detail"],
        "expected 75000 VND, received 7500 VND"
    );
}

#[tokio::test]
async fn a_declined_payment_fails_the_attempt() {
    let (app, order, payment, _momo) = shop_with_payment().await;
    let declined = MomoNotice {
        result_code: 1006,
        message: "Người dùng đã từ chối xác nhận thanh toán.".into(),
        ..paid(&payment)
    };
    assert_eq!(send(&app, &ipn(&declined)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(payment_status(&app, &payment).await, "failed");
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert!(flagged(&app).await.is_empty());
}

#[tokio::test]
async fn a_payment_still_in_progress_is_not_recorded() {
    let (app, order, payment, _momo) = shop_with_payment().await;
    let waiting = MomoNotice {
        result_code: 7000,
        ..paid(&payment)
    };
    assert_eq!(send(&app, &ipn(&waiting)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(notifications(&app).await, 0);
    // The final result, with the same transId, is not taken for a replay.
    assert_eq!(
        send(&app, &ipn(&paid(&payment))).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
}
