//! Refunds: in full or by line, through the gateway that took the money or in
//! cash, with the goods back in stock, and never the same money twice.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{
    gateway_support::{now_unix, MockGateway, PUBLIC_BASE_URL},
    helpers::{json_request, spawn_app, TestApp},
};
use shop::payments::{
    gateways::{
        momo::{self, MomoConfig, MomoNotice},
        sepay::SepayConfig,
        stripe::{self, StripeConfig},
    },
    Gateways,
};

/// A shop selling a 30 000 đ tea and a 100 000 đ cake, each with 10 in stock.
async fn shop(gateways: Gateways) -> (TestApp, i64, i64) {
    let mut app = spawn_app().await;
    app.state = app.state.clone().with_payments(gateways);
    let tea = app.stocked_product("TEA", 30_000, 10).await;
    let cake = app.stocked_product("CAKE", 100_000, 10).await;
    (app, tea, cake)
}

/// An order of 3 teas and 1 cake (190 000 đ); its id and its lines' ids.
async fn order(app: &TestApp, tea: i64, cake: i64) -> (i64, i64, i64) {
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [
                {"productId": tea, "quantity": 3},
                {"productId": cake, "quantity": 1}
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let order = &body["data"];
    assert_eq!(order["total"], 190_000);
    let lines = order["items"].as_array().unwrap();
    (
        order["id"].as_i64().unwrap(),
        lines[0]["id"].as_i64().unwrap(),
        lines[1]["id"].as_i64().unwrap(),
    )
}

async fn pay_cash(app: &TestApp, order: i64, amount: i64) {
    let (status, body) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "cash", "amount": amount}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn ask_refund(app: &TestApp, order: i64, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/orders/{order}/refunds"), body)
        .await
}

#[tokio::test]
async fn a_full_refund_gives_the_cash_back_and_restocks() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    let (order, _, _) = order(&app, tea, cake).await;
    pay_cash(&app, order, 200_000).await;
    assert_eq!(app.stock_of(tea).await, 7);

    let (status, body) = ask_refund(&app, order, json!({"reason": "Khách đổi ý"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let refund = &body["data"];
    assert_eq!(refund["status"], "completed");
    assert_eq!(refund["number"], "TH000001");
    assert_eq!(refund["amount"], 190_000);
    assert_eq!(refund["cashToReturn"], 190_000);
    assert_eq!(refund["items"].as_array().unwrap().len(), 2);
    assert_eq!(refund["payments"][0]["method"], "cash");
    assert_eq!(refund["payments"][0]["status"], "succeeded");

    assert_eq!(app.stock_of(tea).await, 10);
    assert_eq!(app.stock_of(cake).await, 10);
    let restocked = app
        .count(&format!(
            "SELECT COUNT(*) FROM stock_movements \
             WHERE order_id = {order} AND kind = 'CANCEL_RESTOCK' AND reason LIKE 'Refund TH000001%'"
        ))
        .await;
    assert_eq!(restocked, 2);
    app.assert_stock_matches_ledger().await;

    let (status, again) = ask_refund(&app, order, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let (_, listed) = app.get(&format!("/api/orders/{order}/refunds")).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn refunds_by_line_add_up_to_exactly_what_was_paid() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    // 10 000 đ off the order: the lines share it, so a tea is not a round figure.
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [
                {"productId": tea, "quantity": 3},
                {"productId": cake, "quantity": 1}
            ], "discount": 10_000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let order = body["data"]["id"].as_i64().unwrap();
    let tea_line = &body["data"]["items"][0];
    let (tea_line_id, tea_total) = (
        tea_line["id"].as_i64().unwrap(),
        tea_line["total"].as_i64().unwrap(),
    );
    pay_cash(&app, order, 180_000).await;

    let mut refunded = 0;
    for quantity in [1, 2] {
        let (status, body) = ask_refund(
            &app,
            order,
            json!({"items": [{"lineId": tea_line_id, "quantity": quantity}]}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        refunded += body["data"]["amount"].as_i64().unwrap();
    }
    assert_eq!(
        refunded, tea_total,
        "three teas back cost what three teas paid"
    );
    assert_eq!(app.stock_of(tea).await, 10);
    assert_eq!(app.stock_of(cake).await, 9);

    let (status, body) = ask_refund(
        &app,
        order,
        json!({"items": [{"lineId": tea_line_id, "quantity": 1}]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "items[0].quantity");

    let (status, body) = ask_refund(&app, order, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["data"]["amount"],
        180_000 - tea_total,
        "the rest: the cake"
    );
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn a_refund_without_restock_leaves_the_shelf_alone() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    let (order, tea_line, _) = order(&app, tea, cake).await;
    pay_cash(&app, order, 190_000).await;
    let (status, body) = ask_refund(
        &app,
        order,
        json!({"items": [{"lineId": tea_line, "quantity": 1}], "restock": false,
               "reason": "Hàng vỡ"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["amount"], 30_000);
    assert_eq!(body["data"]["restock"], false);
    assert_eq!(app.stock_of(tea).await, 7);
}

#[tokio::test]
async fn bad_refunds_are_refused_and_change_nothing() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    let (order, tea_line, _) = order(&app, tea, cake).await;

    let (status, body) = ask_refund(&app, order, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a pending order: {body}");
    assert_eq!(
        ask_refund(&app, 999_999, json!({})).await.0,
        StatusCode::NOT_FOUND
    );

    pay_cash(&app, order, 190_000).await;
    let cases = [
        (json!({"items": []}), "items"),
        (
            json!({"items": [{"lineId": 999_999, "quantity": 1}]}),
            "items[0].lineId",
        ),
        (
            json!({"items": [{"lineId": tea_line, "quantity": 4}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"lineId": tea_line, "quantity": 0}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"lineId": tea_line}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"lineId": tea_line, "quantity": 1}, {"lineId": tea_line, "quantity": 1}]}),
            "items[1].lineId",
        ),
        (json!({"method": "card"}), "method"),
        (json!({"reason": "x".repeat(501)}), "reason"),
    ];
    for (body, field) in cases {
        let (status, answer) = ask_refund(&app, order, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["error"]["details"][0]["field"], field, "{body}");
    }
    let (status, body) = app
        .post_raw(
            &format!("/api/orders/{order}/refunds"),
            "application/json",
            "{\"items\": \"all\"}",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM refunds").await, 0);
    assert_eq!(app.stock_of(tea).await, 7);
}

#[tokio::test]
async fn a_retried_refund_with_the_same_key_gives_money_back_once() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    let (order, _, _) = order(&app, tea, cake).await;
    pay_cash(&app, order, 190_000).await;
    let uri = format!("/api/orders/{order}/refunds");
    let send = || {
        let mut request = json_request("POST", &uri, &json!({}));
        request
            .headers_mut()
            .insert("idempotency-key", "refund-once".parse().unwrap());
        app.send(request)
    };
    let (first, created) = send().await;
    let (second, replayed) = send().await;
    assert_eq!(first, StatusCode::CREATED, "{created}");
    assert_eq!(second, StatusCode::OK, "{replayed}");
    assert_eq!(created["data"]["id"], replayed["data"]["id"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM refunds").await, 1);
    assert_eq!(app.stock_of(tea).await, 10);
}

#[tokio::test]
async fn racing_retries_with_one_key_make_one_refund() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    let (order, tea_line, _) = order(&app, tea, cake).await;
    pay_cash(&app, order, 190_000).await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let client = app.client();
            let mut request = json_request(
                "POST",
                &format!("/api/orders/{order}/refunds"),
                &json!({"items": [{"lineId": tea_line, "quantity": 1}]}),
            );
            request
                .headers_mut()
                .insert("idempotency-key", "one-tea-back".parse().unwrap());
            tokio::spawn(async move { client.send(request).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(status.is_success(), "{status}: {body}");
        statuses.push(status);
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM refunds").await, 1);
    assert_eq!(app.stock_of(tea).await, 8);
}

#[tokio::test]
async fn racing_refunds_of_one_order_give_the_money_back_once() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    let (order, _, _) = order(&app, tea, cake).await;
    pay_cash(&app, order, 190_000).await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let client = app.client();
            let uri = format!("/api/orders/{order}/refunds");
            tokio::spawn(async move { client.send(json_request("POST", &uri, &json!({}))).await })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(app.stock_of(tea).await, 10);
    app.assert_stock_matches_ledger().await;
}

const SEPAY_KEY: &str = "sepay-test-key";

fn sepay() -> Gateways {
    Gateways {
        sepay: Some(Arc::new(SepayConfig {
            api_key: SEPAY_KEY.into(),
            bank_bin: "970436".into(),
            account_number: "0011001234567".into(),
            webhook_secret: None,
        })),
        ..Gateways::default()
    }
}

#[tokio::test]
async fn split_tender_with_a_bank_transfer_comes_back_in_cash() {
    let (app, tea, cake) = shop(sepay()).await;
    let (order, _, _) = order(&app, tea, cake).await;
    pay_cash(&app, order, 90_000).await;
    let (status, started) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "vietqr"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let transfer = json!({
        "id": 501, "gateway": "Vietcombank", "transactionDate": "2026-11-26 14:02:37",
        "accountNumber": "0011001234567", "code": null,
        "content": started["data"]["reference"], "transferType": "in",
        "transferAmount": 100_000, "accumulated": 0, "subAccount": null,
        "referenceCode": "FT1", "description": ""
    });
    let request = Request::post("/api/payments/webhooks/sepay")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Apikey {SEPAY_KEY}"))
        .body(Body::from(transfer.to_string()))
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::OK);

    let (status, body) = ask_refund(&app, order, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let refund = &body["data"];
    assert_eq!(refund["cashToReturn"], 190_000);
    let parts = refund["payments"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{refund}");
    assert!(parts.iter().all(|part| part["method"] == "cash"));
    let amounts: Vec<i64> = parts
        .iter()
        .map(|p| p["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [100_000, 90_000], "newest payment first");
}

const STRIPE_WEBHOOK_SECRET: &str = "whsec_test_secret";
const INTENT_ID: &str = "pi_3RefundPoscake";

fn stripe_gateways(api_base: &str) -> Gateways {
    Gateways {
        stripe: Some(Arc::new(StripeConfig {
            secret_key: "sk_test_poscake".into(),
            webhook_secret: STRIPE_WEBHOOK_SECRET.into(),
            api_base: api_base.into(),
        })),
        ..Gateways::default()
    }
}

/// A stand-in Stripe that creates PaymentIntents and answers refunds with
/// `refund_status` (HTTP) and `refund` (JSON).
async fn stripe_api(refund_status: StatusCode, refund: Value) -> MockGateway {
    MockGateway::answering(move |path| match path {
        "/v1/payment_intents" => (
            StatusCode::OK,
            json!({"id": INTENT_ID, "client_secret": "pi_secret", "status": "requires_payment_method"}),
        ),
        _ => (refund_status, refund.clone()),
    })
    .await
}

/// Pays `amount` of the order by Stripe, confirmed by its webhook.
async fn pay_by_stripe(app: &TestApp, order: i64, amount: i64) {
    let (status, started) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "stripe", "amount": amount}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let event = json!({
        "id": format!("evt_{order}_{amount}"), "object": "event", "type": "payment_intent.succeeded",
        "data": {"object": {
            "id": INTENT_ID, "object": "payment_intent", "amount": amount, "currency": "vnd",
            "metadata": {"order_payment": started["data"]["reference"]}, "status": "succeeded"
        }}
    })
    .to_string();
    let request = Request::post("/api/payments/webhooks/stripe")
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            "stripe-signature",
            stripe::signature_header(STRIPE_WEBHOOK_SECRET, now_unix(), event.as_bytes()),
        )
        .body(Body::from(event))
        .unwrap();
    let (status, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_card_payment_is_refunded_through_stripe_and_the_rest_in_cash() {
    let api = stripe_api(
        StatusCode::OK,
        json!({"id": "re_1Poscake", "object": "refund", "amount": 150_000, "status": "succeeded"}),
    )
    .await;
    let (app, tea, cake) = shop(stripe_gateways(&api.base_url)).await;
    let (order, _, _) = order(&app, tea, cake).await;
    pay_cash(&app, order, 40_000).await;
    pay_by_stripe(&app, order, 150_000).await;

    let (status, body) = ask_refund(&app, order, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let refund = &body["data"];
    assert_eq!(refund["status"], "completed");
    assert_eq!(refund["cashToReturn"], 40_000, "{refund}");
    assert_eq!(refund["payments"][0]["method"], "stripe");
    assert_eq!(refund["payments"][0]["amount"], 150_000);
    assert_eq!(refund["payments"][0]["providerRef"], "re_1Poscake");

    let calls = api.received();
    let call = calls
        .iter()
        .find(|c| c.path == "/v1/refunds")
        .expect("a refund call");
    assert!(
        call.body.contains(&format!("payment_intent={INTENT_ID}")),
        "{}",
        call.body
    );
    assert!(call.body.contains("amount=150000"), "{}", call.body);
    assert_eq!(call.headers["idempotency-key"], "refund-TH000001-1");
    assert_eq!(app.stock_of(cake).await, 10);
}

#[tokio::test]
async fn a_refund_stripe_refuses_changes_nothing_and_can_be_made_in_cash() {
    let api = stripe_api(
        StatusCode::BAD_REQUEST,
        json!({"error": {"type": "invalid_request_error", "code": "charge_already_refunded",
                          "message": "Charge has already been refunded."}}),
    )
    .await;
    let (app, tea, cake) = shop(stripe_gateways(&api.base_url)).await;
    let (order, _, _) = order(&app, tea, cake).await;
    pay_by_stripe(&app, order, 190_000).await;

    let (status, body) = ask_refund(&app, order, json!({})).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was given back"),
        "{body}"
    );
    assert_eq!(app.stock_of(tea).await, 7, "nothing restocked");
    let failed = app
        .count("SELECT COUNT(*) FROM refunds WHERE status = 'failed'")
        .await;
    assert_eq!(failed, 1);

    let (status, body) = ask_refund(&app, order, json!({"method": "cash"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["cashToReturn"], 190_000);
    assert_eq!(app.stock_of(tea).await, 10);
}

#[tokio::test]
async fn when_a_second_gateway_refuses_the_rest_comes_back_in_cash() {
    let refunds_asked = Arc::new(AtomicUsize::new(0));
    let asked = Arc::clone(&refunds_asked);
    let api = MockGateway::answering(move |path| match path {
        "/v1/payment_intents" => (
            StatusCode::OK,
            json!({"id": INTENT_ID, "client_secret": "pi_secret", "status": "requires_payment_method"}),
        ),
        // The first refund goes through, the second is refused.
        _ if asked.fetch_add(1, Ordering::SeqCst) == 0 => (
            StatusCode::OK,
            json!({"id": "re_first", "object": "refund", "amount": 90_000, "status": "succeeded"}),
        ),
        _ => (
            StatusCode::PAYMENT_REQUIRED,
            json!({"error": {"type": "card_error", "message": "Your card was declined."}}),
        ),
    })
    .await;
    let (app, tea, cake) = shop(stripe_gateways(&api.base_url)).await;
    let (order, _, _) = order(&app, tea, cake).await;
    pay_by_stripe(&app, order, 100_000).await;
    pay_by_stripe(&app, order, 90_000).await;

    let (status, body) = ask_refund(&app, order, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let refund = &body["data"];
    assert_eq!(refund["status"], "completed");
    assert_eq!(refund["cashToReturn"], 100_000, "{refund}");
    assert!(
        refund["detail"]
            .as_str()
            .unwrap()
            .contains("handed back in cash instead"),
        "{refund}"
    );
    let ways: Vec<(String, i64, String)> = refund["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|way| {
            (
                way["method"].as_str().unwrap().to_owned(),
                way["amount"].as_i64().unwrap(),
                way["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        ways,
        [
            ("stripe".to_owned(), 90_000, "succeeded".to_owned()),
            ("stripe".to_owned(), 100_000, "failed".to_owned()),
            ("cash".to_owned(), 100_000, "succeeded".to_owned()),
        ]
    );
    assert_eq!(refunds_asked.load(Ordering::SeqCst), 2);
    assert_eq!(app.stock_of(tea).await, 10);
}

fn momo_config(endpoint: &str) -> MomoConfig {
    MomoConfig {
        partner_code: "MOMOTEST0001".into(),
        access_key: "TESTACCESSKEY01".into(),
        secret_key: "TESTSECRETKEY0123456789ABCDEFGHI".into(),
        endpoint: endpoint.into(),
    }
}

#[tokio::test]
async fn a_momo_payment_is_refunded_through_momo_with_its_transaction_id() {
    let api = MockGateway::answering(|path| {
        let answer = if path.ends_with("/refund") {
            json!({"partnerCode": "MOMOTEST0001", "orderId": "TH000001-1", "requestId": "TH000001-1",
                   "amount": 30_000, "transId": 4_088_879_999_i64, "resultCode": 0,
                   "message": "Thành công.", "responseTime": 1_764_140_000_000_i64})
        } else {
            json!({"partnerCode": "MOMOTEST0001", "resultCode": 0, "message": "Thành công.",
                   "payUrl": "https://test-payment.momo.vn/pay", "responseTime": 1_764_140_000_000_i64})
        };
        (StatusCode::OK, answer)
    })
    .await;
    let gateways = Gateways {
        momo: Some(Arc::new(momo_config(&api.base_url))),
        ..Gateways::default()
    }
    .with_public_base_url(PUBLIC_BASE_URL);
    let (app, tea, cake) = shop(gateways).await;
    let (order, tea_line, _) = order(&app, tea, cake).await;
    let (status, started) = app
        .post(
            &format!("/api/orders/{order}/payments"),
            json!({"method": "momo"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let reference = started["data"]["reference"].as_str().unwrap();
    let notice = MomoNotice {
        partner_code: "MOMOTEST0001".into(),
        order_id: reference.into(),
        request_id: reference.into(),
        amount: 190_000,
        order_info: "Thanh toán đơn".into(),
        order_type: "momo_wallet".into(),
        trans_id: 4_088_878_653,
        result_code: 0,
        message: "Thành công.".into(),
        pay_type: "qr".into(),
        response_time: 1_764_140_000_000,
        extra_data: String::new(),
    };
    let ipn = momo::ipn_body(&momo_config(""), &notice);
    let request = Request::post("/api/payments/ipn/momo")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(ipn.to_string()))
        .unwrap();
    assert_eq!(app.send_raw(request).await.status(), StatusCode::NO_CONTENT);

    let (status, body) = ask_refund(
        &app,
        order,
        json!({"items": [{"lineId": tea_line, "quantity": 1}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["payments"][0]["method"], "momo");
    assert_eq!(body["data"]["payments"][0]["providerRef"], "4088879999");
    assert_eq!(body["data"]["cashToReturn"], 0);

    let calls = api.received();
    let call = calls
        .iter()
        .find(|c| c.path == "/v2/gateway/api/refund")
        .expect("a refund call");
    let sent: Value = serde_json::from_str(&call.body).unwrap();
    assert_eq!(sent["transId"], 4_088_878_653_i64);
    assert_eq!(sent["amount"], 30_000);
    assert_eq!(sent["orderId"], "TH000001-1");
    let expected = momo::RefundRequest {
        order_id: "TH000001-1".into(),
        request_id: "TH000001-1".into(),
        amount: 30_000,
        trans_id: 4_088_878_653,
        description: sent["description"].as_str().unwrap().into(),
    };
    let raw = momo::refund_raw_signature(&momo_config(""), &expected);
    assert!(raw.contains("transId=4088878653"), "{raw}");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"TESTSECRETKEY0123456789ABCDEFGHI").unwrap();
    mac.update(raw.as_bytes());
    assert_eq!(sent["signature"], hex::encode(mac.finalize().into_bytes()));
}

/// Posts the refund page's form as a browser does.
async fn submit(app: &TestApp, order: i64, form: &str) -> axum::response::Response {
    let request = Request::post(format!("/orders/{order}/refund"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    app.send_raw(request).await
}

#[tokio::test]
async fn the_refund_page_refunds_lines_and_says_what_to_hand_back() {
    let (app, tea, cake) = shop(Gateways::default()).await;
    let (order, tea_line, cake_line) = order(&app, tea, cake).await;
    pay_cash(&app, order, 190_000).await;

    let (status, _, page) = app.get_text(&format!("/orders/{order}/refund")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("name=\"qty_{tea_line}\"")), "{page}");

    let response = submit(&app, order, &format!("qty_{tea_line}=4&qty_{cake_line}=")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = crate::helpers::body_text(response).await;
    assert!(page.contains("role=\"alert\""), "{page}");
    assert!(page.contains("value=\"4\""), "what was typed stays: {page}");

    let form = format!("qty_{tea_line}=2&qty_{cake_line}=&reason=Kh%C3%A1ch+tr%E1%BA%A3&restock=1");
    let response = submit(&app, order, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(location, format!("/orders/{order}/refund?done=1"));
    let (_, _, page) = app.get_text(&location).await;
    assert!(page.contains("TH000001"), "{page}");
    assert!(page.contains("60.000"), "the cash to hand back: {page}");
    assert_eq!(app.stock_of(tea).await, 9);

    let response = submit(&app, order, "everything=1&restock=1").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.stock_of(tea).await, 10);
    assert_eq!(app.stock_of(cake).await, 10);
    let refunded = app
        .count(&format!(
            "SELECT CAST(SUM(amount) AS BIGINT) FROM refunds WHERE order_id = {order}"
        ))
        .await;
    assert_eq!(refunded, 190_000);
}
