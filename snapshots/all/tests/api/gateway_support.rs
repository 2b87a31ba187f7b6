//! What the VNPay, MoMo and Stripe tests share: a shop with a pending order,
//! a stand-in for a gateway's API on a local port, and what to look at
//! afterwards.

use std::{
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Bytes,
    http::{HeaderMap, StatusCode, Uri},
    Json, Router,
};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::helpers::{spawn_app, TestApp};
use shop::payments::Gateways;

/// Where the shop says it is reachable from outside.
pub const PUBLIC_BASE_URL: &str = "https://shop.example.vn";

/// What the order of [`shop_with_order`] costs, in đồng.
pub const ORDER_TOTAL: i64 = 75_000;

/// An app taking payments through `gateways`, with a pending order of
/// [`ORDER_TOTAL`].
pub async fn shop_with_order(gateways: Gateways) -> (TestApp, i64) {
    let mut app = spawn_app().await;
    app.state = app.state.clone().with_payments(gateways);
    let product = app.stocked_product("GW-1", ORDER_TOTAL, 10).await;
    let (status, order) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    (app, order["data"]["id"].as_i64().unwrap())
}

/// Starts a payment by `method` for what the order still owes.
pub async fn start(app: &TestApp, order: i64, method: &str) -> (StatusCode, Value) {
    app.post(
        &format!("/api/orders/{order}/payments"),
        json!({"method": method}),
    )
    .await
}

/// The order's status and how many payments it has.
pub async fn order_state(app: &TestApp, order: i64) -> (String, usize) {
    let (_, body) = app.get(&format!("/api/orders/{order}")).await;
    let status = body["data"]["status"].as_str().unwrap().to_owned();
    (status, body["data"]["payments"].as_array().unwrap().len())
}

/// The status of a gateway payment, as the till follows it.
pub async fn payment_status(app: &TestApp, payment: &Value) -> String {
    let (_, body) = app
        .get(&format!("/api/payments/{}", payment["paymentId"]))
        .await;
    body["data"]["status"].as_str().unwrap().to_owned()
}

/// The notifications flagged for a manager, newest first.
pub async fn flagged(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.get("/api/payments/notifications?flagged=true").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

pub async fn notifications(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM payment_notifications")
        .await
}

pub fn now_unix() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_secs()).unwrap()
}

/// A request the stand-in gateway received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

/// A stand-in for a gateway's API: it answers each request with a fixed
/// status and JSON, and keeps what it received.
pub struct MockGateway {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl MockGateway {
    /// Answers every request with `status` and `answer`.
    pub async fn start(status: StatusCode, answer: Value) -> Self {
        Self::answering(move |_| (status, answer.clone())).await
    }

    /// Answers each request with what `answer` gives for its path.
    pub async fn answering(
        answer: impl Fn(&str) -> (StatusCode, Value) + Clone + Send + Sync + 'static,
    ) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let router = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let log = Arc::clone(&log);
            let answer = answer.clone();
            async move {
                log.lock().unwrap().push(Received {
                    path: uri.path().to_owned(),
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let (status, body) = answer(uri.path());
                (status, Json(body))
            }
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { base_url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A base URL where nothing listens.
pub async fn unreachable_base_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

/// How many gateway attempts are in `status`.
pub async fn attempts(app: &TestApp, status: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM gateway_payments WHERE status = '{status}'"
    ))
    .await
}
