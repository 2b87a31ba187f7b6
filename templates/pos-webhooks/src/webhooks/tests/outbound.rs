//! Outgoing webhooks against a receiver on loopback: what is recorded in the
//! change's transaction, the exact request sent, the signature, retries and
//! the claim.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode},
    Router,
};
use serde_json::{json, Value};

use super::TestDb;
use crate::{
    attribution::Attribution,
    catalog::{self, ProductRequest},
    clock::unix_now,
    config::SalesRules,
    db,
    inventory::{self, model::StockRequest},
    orders::{
        checkout,
        model::{OrderRequest, PaymentRequest},
        payments,
    },
    webhooks::{
        deliveries::{self, Outcome},
        emit,
        endpoints::{self, EndpointRequest},
        events,
        sign::{self, VerifyError},
        worker::{Round, Worker},
        Outbound,
    },
    AppError,
};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

#[derive(Clone, Default)]
struct Script {
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Statuses to answer in turn; 200 once they run out.
    answers: Arc<Mutex<VecDeque<u16>>>,
}

/// A webhook receiver on loopback.
struct Receiver {
    url: String,
    script: Script,
}

impl Receiver {
    async fn start(answers: &[u16]) -> Self {
        let script = Script::default();
        script.answers.lock().unwrap().extend(answers);
        // Every path lands here; the test checks which one was asked for.
        let app = Router::new().fallback(receive).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{address}/hooks/pos"),
            script,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().unwrap().clone()
    }
}

async fn receive(
    State(script): State<Script>,
    method: Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    script.seen.lock().unwrap().push(Seen {
        method,
        path: uri.path().to_owned(),
        headers,
        body,
    });
    let answer = script.answers.lock().unwrap().pop_front().unwrap_or(200);
    (StatusCode::from_u16(answer).unwrap(), "boom")
}

fn worker(db: &TestDb, max_attempts: i64) -> Worker {
    let settings = Outbound {
        max_attempts,
        retry_after: Duration::from_secs(30),
        retry_max: Duration::from_secs(3600),
        timeout: Duration::from_secs(5),
        lease: Duration::from_secs(60),
        poll: Duration::from_millis(10),
    };
    Worker::new(db.pool.clone(), settings).unwrap()
}

async fn endpoint(db: &TestDb, url: &str, events: &[&str]) -> (i64, String) {
    let request = EndpointRequest {
        url: Some(url.to_owned()),
        events: Some(events.iter().map(|event| (*event).to_owned()).collect()),
        active: None,
    };
    let created = endpoints::create(&db.pool, &request).await.unwrap();
    (created.endpoint.id, created.secret)
}

/// Records `event` in a transaction of its own.
async fn emit_now(db: &TestDb, event: &'static str, data: Value) -> usize {
    let mut tx = db::begin_write(&db.pool).await.unwrap();
    let written = emit(&mut tx, event, data).await.unwrap();
    tx.commit().await.unwrap();
    written
}

/// One delivery's row: status, attempts, response status, last error,
/// next attempt.
async fn delivery_row(db: &TestDb, id: i64) -> (String, i64, Option<i64>, Option<String>, i64) {
    sqlx::query_as(
        "SELECT status, attempts, response_status, last_error, next_attempt_at \
         FROM webhook_deliveries WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

async fn only_delivery(db: &TestDb) -> i64 {
    sqlx::query_scalar("SELECT id FROM webhook_deliveries")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// A product with `stock` units received, through the app's services.
async fn stocked(db: &TestDb, sku: &str, price: i64, stock: i64) -> i64 {
    let request = ProductRequest {
        name: Some(format!("Sản phẩm {sku}")),
        sku: Some(sku.into()),
        price: Some(price),
        ..ProductRequest::default()
    };
    let product = catalog::service::create(&db.pool, request).await.unwrap();
    let receipt = StockRequest {
        product_id: Some(product.product.id),
        quantity: Some(stock),
        ..StockRequest::default()
    };
    inventory::service::receive(
        &db.pool,
        SalesRules::default(),
        &receipt,
        &Attribution::nobody(),
    )
    .await
    .unwrap();
    product.product.id
}

async fn sell(db: &TestDb, product_id: i64, quantity: i64) -> Result<i64, AppError> {
    sell_items(db, &[(product_id, quantity)]).await
}

/// Places one order of `items`, each a product and a quantity.
async fn sell_items(db: &TestDb, items: &[(i64, i64)]) -> Result<i64, AppError> {
    let items: Vec<Value> = items
        .iter()
        .map(|(product, quantity)| json!({"productId": product, "quantity": quantity}))
        .collect();
    let request: OrderRequest = serde_json::from_value(json!({ "items": items })).unwrap();
    let (order, _) = checkout::place(
        &db.pool,
        SalesRules::default(),
        &request,
        None,
        &Attribution::nobody(),
    )
    .await?;
    Ok(order.header.id)
}

#[tokio::test]
async fn a_paid_sale_is_posted_with_exact_headers_and_a_verifiable_signature() {
    let db = TestDb::new().await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) = endpoint(&db, &receiver.url, &[events::ORDER_PAID]).await;
    let coffee = stocked(&db, "CF-DEN", 25_000, 10).await;
    let order_id = sell(&db, coffee, 2).await.unwrap();
    // Stock moved twice, but this endpoint only wants paid orders.
    assert_eq!(db.count("SELECT COUNT(*) FROM webhook_deliveries").await, 0);
    let order = crate::orders::service::get(&db.pool, order_id)
        .await
        .unwrap();
    let payment = PaymentRequest {
        method: Some("cash".into()),
        amount: Some(60_000),
    };
    payments::pay(&db.pool, order_id, &payment).await.unwrap();
    let delivery_id = only_delivery(&db).await;

    let now = unix_now();
    let round = worker(&db, 10).round(now).await.unwrap();
    assert_eq!(
        round,
        Round {
            delivered: 1,
            ..Round::default()
        }
    );
    let seen = receiver.seen();
    assert_eq!(seen.len(), 1);
    let sent = &seen[0];
    assert_eq!(
        (&sent.method, sent.path.as_str()),
        (&Method::POST, "/hooks/pos")
    );
    assert_eq!(sent.header("content-type"), "application/json");
    assert_eq!(sent.header("poscake-event"), "order.paid");
    assert_eq!(sent.header("poscake-delivery"), delivery_id.to_string());
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{body}");
    assert!(body["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(body["event"], "order.paid");
    assert!(body["createdAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        body["data"],
        json!({
            "orderId": order_id,
            "number": order.header.number,
            "total": 50_000,
            "paid": 50_000,
        })
    );

    let signature = sent.header("poscake-signature");
    assert!(
        signature.starts_with(&format!("t={now},v1=")),
        "{signature}"
    );
    assert_eq!(
        sign::verify(&secret, signature, &sent.body, now, 300),
        Ok(())
    );
    let mut altered = sent.body.to_vec();
    altered.extend_from_slice(b" ");
    assert_eq!(
        sign::verify(&secret, signature, &altered, now, 300),
        Err(VerifyError::Mismatch)
    );
    let earlier = signature.replace(&format!("t={now}"), &format!("t={}", now - 1));
    assert_eq!(
        sign::verify(&secret, &earlier, &sent.body, now, 300),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        sign::verify(&secret, signature, &sent.body, now + 301, 300),
        Err(VerifyError::TooOld)
    );

    let (status, attempts, response, error, _) = delivery_row(&db, delivery_id).await;
    assert_eq!(
        (status.as_str(), attempts, response, error),
        ("delivered", 1, Some(200), None)
    );
    // Delivered once: the next rounds send nothing.
    assert_eq!(
        worker(&db, 10).round(now + 3600).await.unwrap(),
        Round::default()
    );
    assert_eq!(receiver.seen().len(), 1);
}

#[tokio::test]
async fn each_stock_movement_is_recorded_and_a_refused_sale_records_nothing() {
    let db = TestDb::new().await;
    let (endpoint_id, _) = endpoint(
        &db,
        "https://hooks.example.vn/stock",
        &[events::STOCK_CHANGED],
    )
    .await;
    let tea = stocked(&db, "TRA-DA", 5_000, 10).await;
    let order_id = sell(&db, tea, 3).await.unwrap();
    let payment = PaymentRequest {
        method: Some("cash".into()),
        amount: Some(15_000),
    };
    payments::pay(&db.pool, order_id, &payment).await.unwrap();

    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT endpoint_id, event, payload FROM webhook_deliveries ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    // The receipt and the sale; the payment is not this endpoint's event.
    assert_eq!(rows.len(), 2, "{rows:?}");
    let data: Vec<Value> = rows
        .iter()
        .map(|(endpoint, event, payload)| {
            assert_eq!((*endpoint, event.as_str()), (endpoint_id, "stock.changed"));
            serde_json::from_str::<Value>(payload).unwrap()["data"].clone()
        })
        .collect();
    let variant: i64 = sqlx::query_scalar("SELECT id FROM product_variants WHERE sku = 'TRA-DA'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let warehouse: i64 = sqlx::query_scalar("SELECT id FROM warehouses WHERE is_default = 1")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let movements: Vec<i64> = sqlx::query_scalar("SELECT id FROM stock_movements ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        data,
        [
            json!({"movementId": movements[0], "variantId": variant, "sku": "TRA-DA",
                   "warehouseId": warehouse, "change": 10, "onHand": 10, "kind": "RECEIPT"}),
            json!({"movementId": movements[1], "variantId": variant, "sku": "TRA-DA",
                   "warehouseId": warehouse, "change": -3, "onHand": 7, "kind": "SALE"}),
        ]
    );

    // More than is in stock: the sale is refused and tells nobody.
    let refused = sell(&db, tea, 100).await;
    assert!(
        matches!(refused, Err(AppError::InsufficientStock { .. })),
        "{refused:?}"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM webhook_deliveries").await, 2);
}

#[tokio::test]
async fn a_sale_of_several_lines_reports_each_movement_with_its_own_stock() {
    let db = TestDb::new().await;
    endpoint(
        &db,
        "https://hooks.example.vn/stock",
        &[events::STOCK_CHANGED],
    )
    .await;
    let tea = stocked(&db, "TRA-DA", 5_000, 10).await;
    let cake = stocked(&db, "BANH-MI", 15_000, 4).await;
    let order_id = sell_items(&db, &[(cake, 1), (tea, 3)]).await.unwrap();

    let payloads: Vec<String> = sqlx::query_scalar(
        "SELECT payload FROM webhook_deliveries WHERE payload LIKE '%\"SALE\"%' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let sales: Vec<Value> = payloads
        .iter()
        .map(|payload| serde_json::from_str::<Value>(payload).unwrap()["data"].clone())
        .collect();
    let movements: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM stock_movements WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(movements.len(), 2, "{movements:?}");
    let reported: Vec<(i64, &str, i64, i64)> = sales
        .iter()
        .map(|sale| {
            (
                sale["movementId"].as_i64().unwrap(),
                sale["sku"].as_str().unwrap(),
                sale["change"].as_i64().unwrap(),
                sale["onHand"].as_i64().unwrap(),
            )
        })
        .collect();
    // Stock is taken in variant order: the tea was created first.
    assert_eq!(
        reported,
        [
            (movements[0], "TRA-DA", -3, 7),
            (movements[1], "BANH-MI", -1, 3),
        ]
    );
}

#[tokio::test]
async fn a_failed_try_is_retried_with_backoff_then_delivered() {
    let db = TestDb::new().await;
    let receiver = Receiver::start(&[500]).await;
    let (_, secret) = endpoint(&db, &receiver.url, &["*"]).await;
    assert_eq!(
        emit_now(&db, events::ORDER_PAID, json!({"orderId": 1})).await,
        1
    );
    let id = only_delivery(&db).await;
    let worker = worker(&db, 10);

    let now = unix_now();
    assert_eq!(worker.round(now).await.unwrap().retried, 1);
    assert_eq!(
        delivery_row(&db, id).await,
        (
            "pending".to_owned(),
            1,
            Some(500),
            Some("the endpoint answered 500: boom".to_owned()),
            now + 30
        )
    );
    // Not due before the backoff has passed.
    assert_eq!(worker.round(now + 29).await.unwrap(), Round::default());
    assert_eq!(receiver.seen().len(), 1);

    assert_eq!(worker.round(now + 30).await.unwrap().delivered, 1);
    let (status, attempts, response, error, _) = delivery_row(&db, id).await;
    assert_eq!(
        (status.as_str(), attempts, response, error),
        ("delivered", 2, Some(200), None)
    );
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    // The same delivery, so the receiver can drop a repeat; signed anew.
    assert_eq!(seen[1].header("poscake-delivery"), id.to_string());
    assert_eq!(seen[0].body, seen[1].body);
    let signature = seen[1].header("poscake-signature");
    assert_eq!(
        sign::verify(&secret, signature, &seen[1].body, now + 30, 300),
        Ok(())
    );
}

#[tokio::test]
async fn a_delivery_is_dead_after_the_last_try_and_can_be_queued_again() {
    let db = TestDb::new().await;
    let receiver = Receiver::start(&[503, 503, 503]).await;
    endpoint(&db, &receiver.url, &["*"]).await;
    emit_now(&db, events::STOCK_CHANGED, json!({"sku": "CF-DEN"})).await;
    let id = only_delivery(&db).await;
    let worker = worker(&db, 2);

    let now = unix_now();
    assert_eq!(worker.round(now).await.unwrap().retried, 1);
    assert_eq!(worker.round(now + 30).await.unwrap().dead, 1);
    let (status, attempts, response, error, _) = delivery_row(&db, id).await;
    assert_eq!(
        (status.as_str(), attempts, response),
        ("dead", 2, Some(503))
    );
    assert_eq!(error.as_deref(), Some("the endpoint answered 503: boom"));
    assert_eq!(worker.round(now + 100_000).await.unwrap(), Round::default());
    assert_eq!(receiver.seen().len(), 2);

    deliveries::retry(&db.pool, id, now).await.unwrap();
    let (status, attempts, ..) = delivery_row(&db, id).await;
    assert_eq!((status.as_str(), attempts), ("pending", 0));
    let again = deliveries::retry(&db.pool, id, now).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    assert!(matches!(
        deliveries::retry(&db.pool, id + 1, now).await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(worker.round(now).await.unwrap().retried, 1);
    assert_eq!(worker.round(now + 30).await.unwrap().delivered, 1);
    assert_eq!(receiver.seen().len(), 4);
}

#[tokio::test]
async fn an_endpoint_that_cannot_be_reached_is_retried() {
    let db = TestDb::new().await;
    // A port nobody listens on any more.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    endpoint(&db, &format!("http://{address}/hook"), &["*"]).await;
    emit_now(&db, events::ORDER_PAID, json!({"orderId": 1})).await;
    let id = only_delivery(&db).await;
    let now = unix_now();
    assert_eq!(worker(&db, 10).round(now).await.unwrap().retried, 1);
    let (status, attempts, response, error, next) = delivery_row(&db, id).await;
    assert_eq!(
        (status.as_str(), attempts, response, next),
        ("pending", 1, None, now + 30)
    );
    assert!(
        error
            .as_deref()
            .unwrap()
            .starts_with("could not reach the endpoint"),
        "{error:?}"
    );
}

#[tokio::test]
async fn paused_and_unsubscribed_endpoints_get_nothing() {
    let db = TestDb::new().await;
    let (every, _) = endpoint(&db, "https://a.example.vn/hook", &["*"]).await;
    endpoint(&db, "https://b.example.vn/hook", &[events::STOCK_CHANGED]).await;
    let (paused, _) = endpoint(&db, "https://c.example.vn/hook", &["*"]).await;
    let pause = EndpointRequest {
        active: Some(false),
        ..EndpointRequest::default()
    };
    endpoints::update(&db.pool, paused, &pause).await.unwrap();

    assert_eq!(
        emit_now(&db, events::ORDER_PAID, json!({"orderId": 1})).await,
        1
    );
    let to: Vec<i64> = sqlx::query_scalar("SELECT endpoint_id FROM webhook_deliveries")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(to, [every]);
}

#[tokio::test]
async fn an_emit_in_a_rolled_back_transaction_leaves_nothing() {
    let db = TestDb::new().await;
    endpoint(&db, "https://a.example.vn/hook", &["*"]).await;
    let mut tx = db::begin_write(&db.pool).await.unwrap();
    let written = emit(&mut tx, events::ORDER_PAID, json!({"orderId": 1}))
        .await
        .unwrap();
    assert_eq!(written, 1);
    tx.rollback().await.unwrap();
    assert_eq!(db.count("SELECT COUNT(*) FROM webhook_deliveries").await, 0);
}

#[tokio::test]
async fn a_lapsed_claim_is_taken_over_and_its_late_outcome_not_recorded() {
    let db = TestDb::new().await;
    endpoint(&db, "https://a.example.vn/hook", &["*"]).await;
    emit_now(&db, events::ORDER_PAID, json!({"orderId": 1})).await;
    let now = unix_now();
    let first = deliveries::claim(&db.pool, now, 60, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].attempt, 1);
    // Held: nobody else takes it until the lease lapses.
    assert!(deliveries::claim(&db.pool, now + 59, 60, 10)
        .await
        .unwrap()
        .is_empty());
    let second = deliveries::claim(&db.pool, now + 60, 60, 10).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempt, 2);

    let delivered = Outcome::Delivered { status: 200 };
    assert!(!deliveries::record(&db.pool, &first[0], &delivered)
        .await
        .unwrap());
    assert!(deliveries::record(&db.pool, &second[0], &delivered)
        .await
        .unwrap());
    assert!(deliveries::claim(&db.pool, now + 10_000, 60, 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn endpoints_take_an_http_address_and_known_events_and_show_the_secret_once() {
    let db = TestDb::new().await;
    let refused = [
        ("ftp://files.example.vn/in", vec!["*"], "url"),
        ("http://", vec!["*"], "url"),
        ("", vec!["*"], "url"),
        ("https://a.example.vn/hook", vec![], "events"),
        ("https://a.example.vn/hook", vec!["order.shipped"], "events"),
    ];
    for (url, events, field) in refused {
        let request = EndpointRequest {
            url: Some(url.into()),
            events: Some(events.iter().map(|event| (*event).to_owned()).collect()),
            active: None,
        };
        match endpoints::create(&db.pool, &request).await {
            Err(AppError::Validation { details, .. }) => {
                assert_eq!(details[0].field, field, "{url} {events:?}");
            }
            other => panic!("{url} {events:?}: {other:?}"),
        }
    }
    assert_eq!(db.count("SELECT COUNT(*) FROM webhook_endpoints").await, 0);

    let (id, secret) = endpoint(
        &db,
        "https://a.example.vn/hook",
        &[events::STOCK_CHANGED, events::ORDER_PAID],
    )
    .await;
    assert!(secret.starts_with("whsec_"));
    let (_, other_secret) = endpoint(&db, "http://10.0.0.5:8080/pos", &["*"]).await;
    assert_ne!(secret, other_secret);
    let listed = endpoints::list(&db.pool).await.unwrap();
    assert_eq!(listed[0].events, ["order.paid", "stock.changed"]);
    assert_eq!(listed[1].events, ["*"]);
    let shown = serde_json::to_string(&listed).unwrap();
    assert!(
        !shown.contains("secret") && !shown.contains(&secret),
        "{shown}"
    );

    let change = EndpointRequest {
        events: Some(vec![events::ORDER_PAID.to_owned()]),
        active: Some(false),
        ..EndpointRequest::default()
    };
    let changed = endpoints::update(&db.pool, id, &change).await.unwrap();
    assert_eq!(
        (changed.events.as_slice(), changed.active),
        (&["order.paid".to_owned()][..], false)
    );
    endpoints::delete(&db.pool, id).await.unwrap();
    assert!(matches!(
        endpoints::delete(&db.pool, id).await,
        Err(AppError::NotFound(_))
    ));
}
