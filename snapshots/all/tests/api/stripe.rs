//! Stripe: creating the PaymentIntent (at a stand-in on a local port), and
//! the signed webhook events that pay the order exactly once.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::{
    gateway_support::{
        attempts, flagged, notifications, now_unix, order_state, payment_status, shop_with_order,
        start, MockGateway, ORDER_TOTAL,
    },
    helpers::TestApp,
};
use shop::payments::{
    gateways::stripe::{self, StripeConfig},
    Gateways,
};

const SECRET_KEY: &str = "sk_test_poscake";
/// The secret Stripe's own test helpers use.
const WEBHOOK_SECRET: &str = "whsec_test_secret";
const INTENT_ID: &str = "pi_3TestPoscake";
const CLIENT_SECRET: &str = "pi_3TestPoscake_secret_abc";

fn gateways(api_base: &str) -> Gateways {
    let config = StripeConfig {
        secret_key: SECRET_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        api_base: api_base.into(),
    };
    Gateways {
        stripe: Some(Arc::new(config)),
        ..Gateways::default()
    }
}

/// Stripe's answer to a PaymentIntent create.
fn intent() -> Value {
    json!({
        "id": INTENT_ID,
        "object": "payment_intent",
        "amount": ORDER_TOTAL,
        "currency": "vnd",
        "client_secret": CLIENT_SECRET,
        "status": "requires_payment_method"
    })
}

/// A shop with a Stripe payment started for the whole order.
async fn shop_with_payment() -> (TestApp, i64, Value, MockGateway) {
    let stripe = MockGateway::start(StatusCode::OK, intent()).await;
    let (app, order) = shop_with_order(gateways(&stripe.base_url)).await;
    let (status, body) = start(&app, order, "stripe").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (app, order, body["data"].clone(), stripe)
}

/// A PaymentIntent event for `payment`, as Stripe sends it.
fn event(id: &str, kind: &str, payment: &Value, amount: i64) -> String {
    json!({
        "id": id,
        "object": "event",
        "type": kind,
        "data": {"object": {
            "id": INTENT_ID,
            "object": "payment_intent",
            "amount": amount,
            "currency": "vnd",
            "metadata": {"order_payment": payment["reference"]},
            "status": if kind == "payment_intent.succeeded" { "succeeded" } else { "requires_payment_method" }
        }}
    })
    .to_string()
}

fn succeeded(id: &str, payment: &Value) -> String {
    event(id, "payment_intent.succeeded", payment, ORDER_TOTAL)
}

/// Sends `body` to the webhook, signed with `secret` at `timestamp`.
async fn send_signed(
    app: &TestApp,
    body: &str,
    secret: &str,
    timestamp: i64,
) -> (StatusCode, Value) {
    let request = Request::post("/api/payments/webhooks/stripe")
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            "stripe-signature",
            stripe::signature_header(secret, timestamp, body.as_bytes()),
        )
        .body(Body::from(body.to_owned()))
        .unwrap();
    app.send(request).await
}

/// Sends `body` as Stripe would, now.
async fn send(app: &TestApp, body: &str) -> (StatusCode, Value) {
    send_signed(app, body, WEBHOOK_SECRET, now_unix()).await
}

fn received() -> (StatusCode, Value) {
    (StatusCode::OK, json!({"received": true}))
}

#[tokio::test]
async fn starting_a_stripe_payment_creates_a_payment_intent() {
    let (app, _, payment, stripe) = shop_with_payment().await;
    assert_eq!(payment["status"], "pending");
    assert_eq!(payment["clientSecret"], CLIENT_SECRET);
    let reference = payment["reference"].as_str().unwrap();

    let received = stripe.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.path, "/v1/payment_intents");
    assert_eq!(request.headers["idempotency-key"], reference);
    assert_eq!(
        request.headers[header::AUTHORIZATION],
        format!("Bearer {SECRET_KEY}").as_str()
    );
    let form: Vec<(String, String)> = form_urlencoded::parse(request.body.as_bytes())
        .into_owned()
        .collect();
    let field = |key: &str| {
        form.iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(field("amount"), Some("75000"), "VND has no minor unit");
    assert_eq!(field("currency"), Some("vnd"));
    assert_eq!(field("metadata[order_payment]"), Some(reference));

    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM gateway_payments WHERE provider_ref = '{INTENT_ID}'"
        ))
        .await;
    assert_eq!(stored, 1, "the PaymentIntent id is kept with the attempt");
}

#[tokio::test]
async fn a_refusal_by_stripe_is_a_502_and_a_failed_attempt() {
    let refusal = json!({"error": {
        "type": "invalid_request_error",
        "code": "amount_too_large",
        "message": "Amount must be no more than ₫99,999,999"
    }});
    let stripe = MockGateway::start(StatusCode::BAD_REQUEST, refusal).await;
    let (app, order) = shop_with_order(gateways(&stripe.base_url)).await;
    let (status, body) = start(&app, order, "stripe").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"]["code"], "UPSTREAM_ERROR");
    assert_eq!(stripe.received().len(), 1, "a create is never retried");
    assert_eq!(attempts(&app, "failed").await, 1);
    assert_eq!(attempts(&app, "pending").await, 0);
}

#[tokio::test]
async fn a_server_error_at_stripe_is_a_502_and_a_failed_attempt() {
    let stripe = MockGateway::start(StatusCode::INTERNAL_SERVER_ERROR, json!({})).await;
    let (app, order) = shop_with_order(gateways(&stripe.base_url)).await;
    let (status, body) = start(&app, order, "stripe").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(stripe.received().len(), 1, "a create is never retried");
    assert_eq!(attempts(&app, "failed").await, 1);
}

#[tokio::test]
async fn a_succeeded_event_pays_the_order() {
    let (app, order, payment, _stripe) = shop_with_payment().await;
    assert_eq!(send(&app, &succeeded("evt_1", &payment)).await, received());
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert_eq!(payment_status(&app, &payment).await, "succeeded");
    let (_, detail) = app.get(&format!("/api/orders/{order}")).await;
    assert_eq!(detail["data"]["payments"][0]["method"], "stripe");
}

#[tokio::test]
async fn the_same_event_five_times_pays_once_and_is_acknowledged_five_times() {
    let (app, order, payment, _stripe) = shop_with_payment().await;
    let body = succeeded("evt_1", &payment);
    for _ in 0..5 {
        assert_eq!(send(&app, &body).await, received());
    }
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert_eq!(notifications(&app).await, 1);
}

#[tokio::test]
async fn a_forged_event_is_refused_and_changes_nothing() {
    let (app, order, payment, _stripe) = shop_with_payment().await;
    let body = succeeded("evt_1", &payment);
    let (status, _) = send_signed(&app, &body, "whsec_guessed", now_unix()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let unsigned = Request::post("/api/payments/webhooks/stripe")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(app.send(unsigned).await.0, StatusCode::BAD_REQUEST);

    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert_eq!(payment_status(&app, &payment).await, "pending");
    assert_eq!(notifications(&app).await, 0);
}

#[tokio::test]
async fn a_stale_event_is_refused() {
    let (app, order, payment, _stripe) = shop_with_payment().await;
    let body = succeeded("evt_1", &payment);
    let an_hour_ago = now_unix() - 3_600;
    let (status, answer) = send_signed(&app, &body, WEBHOOK_SECRET, an_hour_ago).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert_eq!(notifications(&app).await, 0);

    // The same event, delivered again in time, is applied.
    assert_eq!(send(&app, &body).await, received());
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
}

#[tokio::test]
async fn a_wrong_amount_is_refused_and_flagged() {
    let (app, order, payment, _stripe) = shop_with_payment().await;
    let body = event("evt_1", "payment_intent.succeeded", &payment, 7_500);
    let (status, _) = send(&app, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    let flagged = flagged(&app).await;
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["provider"], "stripe");
    assert_eq!(flagged[0]["outcome"], "mismatch");
    assert_eq!(
        flagged[0]["detail"],
        "expected 75000 VND, received 7500 VND"
    );
}

#[tokio::test]
async fn a_declined_card_then_another_card_pays_the_order() {
    let (app, order, payment, _stripe) = shop_with_payment().await;
    let declined = event(
        "evt_1",
        "payment_intent.payment_failed",
        &payment,
        ORDER_TOTAL,
    );
    assert_eq!(send(&app, &declined).await, received());
    assert_eq!(payment_status(&app, &payment).await, "failed");
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));

    // Stripe lets the customer try again on the same PaymentIntent.
    assert_eq!(send(&app, &succeeded("evt_2", &payment)).await, received());
    assert_eq!(payment_status(&app, &payment).await, "succeeded");
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert!(flagged(&app).await.is_empty());
}

#[tokio::test]
async fn events_that_are_not_ours_are_acknowledged_and_ignored() {
    let (app, order, payment, _stripe) = shop_with_payment().await;
    let other = json!({
        "id": "evt_other",
        "object": "event",
        "type": "customer.created",
        "data": {"object": {"id": "cus_1", "object": "customer"}}
    })
    .to_string();
    assert_eq!(send(&app, &other).await, received());

    // A payment made through the same Stripe account by something else.
    let mut foreign: Value = serde_json::from_str(&succeeded("evt_web", &payment)).unwrap();
    foreign["data"]["object"]["metadata"] = json!({});
    assert_eq!(send(&app, &foreign.to_string()).await, received());

    assert_eq!(notifications(&app).await, 0);
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
}
