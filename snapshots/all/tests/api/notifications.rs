//! Notifications: written with the change they report, fanned out by role
//! and preference, sent by the worker exactly once with retries and backoff,
//! read in the app and live over Server-Sent Events.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Request, StatusCode},
    response::Response,
};
use http_body_util::BodyExt;
use mail_parser::MessageParser;
use serde_json::{json, Value};

use crate::{
    helpers::{body_text, spawn_app, TestApp},
    notification_support::SmtpSink,
};
use shop::{
    auth::{
        users::{self, NewUser},
        Actor,
    },
    clock::unix_now,
    db,
    notifications::{
        channels::{Outgoing, SendError, SendFuture, Sender},
        live::Hub,
        outbox,
        worker::{Round, Worker},
        Channels, Notifications, Settings,
    },
};

const PASSWORD: &str = "correct horse battery";

/// What a [`Recorder`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Accept,
    Retry,
    Refuse,
    Gone,
}

/// A message as a provider received it.
#[derive(Debug, Clone)]
struct Handed {
    delivery_id: i64,
    address: String,
    title: String,
    body: String,
}

/// A provider standing in for a real one: it keeps what it was given and
/// answers as told.
#[derive(Debug, Clone)]
struct Recorder {
    answer: Arc<Mutex<Answer>>,
    sent: Arc<Mutex<Vec<Handed>>>,
}

impl Recorder {
    fn new(answer: Answer) -> Self {
        Self {
            answer: Arc::new(Mutex::new(answer)),
            sent: Arc::default(),
        }
    }

    fn answer(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    /// Every message handed over, in order.
    fn sent(&self) -> Vec<Handed> {
        self.sent.lock().unwrap().clone()
    }
}

impl Sender for Recorder {
    fn provider(&self) -> &'static str {
        "recorder"
    }

    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            // A little time on the wire, so concurrent workers overlap.
            tokio::time::sleep(Duration::from_millis(2)).await;
            self.sent.lock().unwrap().push(Handed {
                delivery_id: outgoing.delivery_id,
                address: outgoing.address.to_owned(),
                title: outgoing.message.title.clone(),
                body: outgoing.message.body.clone(),
            });
            match *self.answer.lock().unwrap() {
                Answer::Accept => Ok(()),
                Answer::Retry => Err(SendError::Retry("503 from the provider".into())),
                Answer::Refuse => Err(SendError::Refused("400 invalid address".into())),
                Answer::Gone => Err(SendError::Gone("404 UNREGISTERED".into())),
            }
        })
    }
}

/// An app whose email, SMS and push go to recorders, retrying after 30 s
/// (doubling, at most 300 s) up to three tries.
async fn shop(email: &Recorder, sms: &Recorder, push: &Recorder) -> TestApp {
    let mut app = spawn_app().await;
    let notifications = Notifications {
        channels: Channels {
            email: Some(Arc::new(email.clone())),
            sms: Some(Arc::new(sms.clone())),
            push: Some(Arc::new(push.clone())),
        },
        settings: Settings {
            max_attempts: 3,
            retry_after: Duration::from_secs(30),
            retry_max: Duration::from_secs(300),
            ..Settings::default()
        },
        hub: Hub::default(),
    };
    app.state = app.state.clone().with_notifications(notifications);
    app
}

fn worker(app: &TestApp) -> Worker {
    Worker::new(app.state.db.clone(), app.state.notifications.clone())
}

async fn account(app: &TestApp, email: &str, role: &str) -> i64 {
    let request = NewUser {
        email: Some(email.into()),
        name: Some(format!("{role} {email}")),
        password: Some(PASSWORD.into()),
        role: Some(role.into()),
    };
    users::create(&app.state.db, &Actor::Operator, &request)
        .await
        .unwrap()
        .id
}

/// A product with `stock` units and a low-stock threshold of `threshold`.
async fn product(app: &TestApp, sku: &str, stock: i64, threshold: i64) -> i64 {
    let body = json!({
        "name": format!("Cà phê {sku}"), "sku": sku, "price": 25_000,
        "taxRate": 1000, "lowStockThreshold": threshold
    });
    let (status, body) = app.post("/api/products", body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    let receipt = json!({"productId": id, "quantity": stock, "reason": "opening stock"});
    let (status, body) = app.post("/api/inventory/receipts", receipt).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id
}

/// Sells `quantity` of `product` and pays in cash.
async fn sell(app: &TestApp, product: i64, quantity: i64) -> (StatusCode, Value) {
    let order = json!({"items": [{"productId": product, "quantity": quantity}]});
    let (status, body) = app.post("/api/orders", order).await;
    if status != StatusCode::CREATED {
        return (status, body);
    }
    let id = body["data"]["id"].as_i64().unwrap();
    let total = body["data"]["total"].as_i64().unwrap();
    app.post(
        &format!("/api/orders/{id}/payments"),
        json!({"method": "cash", "amount": total}),
    )
    .await
}

/// `(event, user email, channel, status)` of every delivery, sorted.
async fn deliveries(app: &TestApp) -> Vec<(String, String, String, String)> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT n.event, u.email, d.channel, d.status FROM notification_deliveries d \
         JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = d.user_id \
         ORDER BY n.event, u.email, d.channel",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    rows
}

fn row(event: &str, email: &str, channel: &str, status: &str) -> (String, String, String, String) {
    (event.into(), email.into(), channel.into(), status.into())
}

#[tokio::test]
async fn a_notification_commits_or_rolls_back_with_the_sale() {
    let (email, sms, push) = (
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
    );
    let app = shop(&email, &sms, &push).await;
    let low = product(&app, "CF-1", 5, 2).await;
    let short = product(&app, "CF-2", 1, 0).await;

    // Taking CF-1 to 2 (its threshold) would alert, but CF-2 is short: the
    // whole sale is refused and nobody hears of low stock that never happened.
    let order = json!({"items": [
        {"productId": low, "quantity": 3},
        {"productId": short, "quantity": 2}
    ]});
    let (status, body) = app.post("/api/orders", order).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM notifications").await, 0);

    // The same units sold alone: the alert and the payment's notice are
    // written with the sale, and nothing is sent yet.
    let (status, body) = sell(&app, low, 3).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let events: Vec<String> = sqlx::query_scalar("SELECT event FROM notifications ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events, ["stock.low", "order.paid"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notification_deliveries")
            .await,
        0
    );

    // Selling more below the threshold does not repeat the alert.
    sell(&app, low, 1).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notifications WHERE event = 'stock.low'")
            .await,
        1
    );
}

#[tokio::test]
async fn roles_and_preferences_decide_who_gets_what() {
    let (email, sms, push) = (
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
    );
    let app = shop(&email, &sms, &push).await;
    account(&app, "boss@shop.vn", "ADMIN").await;
    let manager = account(&app, "manager@shop.vn", "MANAGER").await;
    account(&app, "staff@shop.vn", "STAFF").await;
    account(&app, "till@shop.vn", "CASHIER").await;
    let cookie = signed_in(&app, "manager@shop.vn").await;

    // The manager wants no low-stock email but an SMS, at this number.
    let update = json!({
        "phone": "0901 234 567",
        "language": "en",
        "events": [
            {"event": "stock.low", "channel": "email", "enabled": false},
            {"event": "stock.low", "channel": "sms", "enabled": true}
        ]
    });
    let response = app
        .send_anonymous(browser(
            "PUT",
            "/api/notifications/preferences",
            &update,
            &cookie,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_of(response).await;
    assert_eq!(body["data"]["phone"], "+84901234567");
    let low = body["data"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["event"] == "stock.low")
        .unwrap();
    assert_eq!(
        low["channels"],
        json!({"in_app": true, "email": false, "sms": true, "push": false})
    );

    let product = product(&app, "CF-1", 3, 1).await;
    sell(&app, product, 2).await;
    let round = worker(&app).round(unix_now()).await.unwrap();
    assert_eq!(round.fanned_out, 2);
    assert_eq!(
        deliveries(&app).await,
        [
            row("order.paid", "boss@shop.vn", "in_app", "sent"),
            row("order.paid", "manager@shop.vn", "in_app", "sent"),
            row("stock.low", "boss@shop.vn", "email", "sent"),
            row("stock.low", "boss@shop.vn", "in_app", "sent"),
            row("stock.low", "manager@shop.vn", "in_app", "sent"),
            row("stock.low", "manager@shop.vn", "sms", "sent"),
            row("stock.low", "staff@shop.vn", "email", "sent"),
            row("stock.low", "staff@shop.vn", "in_app", "sent"),
        ]
    );
    // The manager's SMS is in English, to the number given; the others'
    // email in Vietnamese.
    let texts = sms.sent();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].address, "+84901234567");
    assert_eq!(texts[0].title, "Low stock: Cà phê CF-1");
    assert_eq!(
        texts[0].body,
        "Cà phê CF-1 (CF-1) is down to 1 in stock; the threshold is 1."
    );
    let mail: Vec<String> = email
        .sent()
        .into_iter()
        .map(|handed| handed.title)
        .collect();
    assert_eq!(mail, ["Sắp hết hàng: Cà phê CF-1"; 2]);

    // Changing what cannot be changed, or an event the role never hears
    // about, is refused with the field named.
    for (event, channel) in [
        ("password.reset", "email"),
        ("no.such", "email"),
        ("stock.low", "fax"),
    ] {
        let update = json!({"events": [{"event": event, "channel": channel, "enabled": false}]});
        let response = app
            .send_anonymous(browser(
                "PUT",
                "/api/notifications/preferences",
                &update,
                &cookie,
            ))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{event} {channel}"
        );
    }
    let response = app
        .send_anonymous(browser(
            "PUT",
            "/api/notifications/preferences",
            &json!({"phone": "12"}),
            &cookie,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stored: Option<String> =
        sqlx::query_scalar("SELECT phone FROM notification_contacts WHERE user_id = $1")
            .bind(manager)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("+84901234567"));
}

#[tokio::test]
async fn a_failing_provider_is_retried_with_backoff_then_given_up() {
    let (email, sms, push) = (
        Recorder::new(Answer::Retry),
        Recorder::new(Answer::Refuse),
        Recorder::new(Answer::Gone),
    );
    let app = shop(&email, &sms, &push).await;
    let staff = account(&app, "staff@shop.vn", "STAFF").await;
    sqlx::query(
        "INSERT INTO notification_contacts (user_id, phone, language, updated_at) \
         VALUES ($1, '+84901234567', 'vi', '2026-01-01T00:00:00Z')",
    )
    .bind(staff)
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO push_devices (user_id, token, label, created_at) \
         VALUES ($1, 'device-token-1', 'Quầy 1', '2026-01-01T00:00:00Z')",
    )
    .bind(staff)
    .execute(&app.state.db)
    .await
    .unwrap();
    let update = json!({"events": [
        {"event": "stock.low", "channel": "sms", "enabled": true},
        {"event": "stock.low", "channel": "push", "enabled": true}
    ]});
    shop::notifications::preferences::save(
        &app.state.db,
        staff,
        shop::auth::permissions::Role::Staff,
        &serde_json::from_value(update).unwrap(),
    )
    .await
    .unwrap();
    let product = product(&app, "CF-1", 1, 0).await;
    sell(&app, product, 1).await;

    let worker = worker(&app);
    let start = unix_now();
    let round = worker.round(start).await.unwrap();
    // In-app sent; email failed (retried later); SMS refused and push gone
    // (both dead at once, and the stale device forgotten).
    assert_eq!((round.sent, round.retried, round.dead), (1, 1, 2));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM push_devices").await,
        0,
        "a token the provider no longer knows is forgotten"
    );
    let email_row = || async {
        sqlx::query_as::<_, (String, i64, i64, Option<String>)>(
            "SELECT status, attempts, next_attempt_at, last_error FROM notification_deliveries \
             WHERE channel = 'email'",
        )
        .fetch_one(&app.state.db)
        .await
        .unwrap()
    };
    let (status, attempts, next, error) = email_row().await;
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    assert_eq!(next, start + 30);
    assert_eq!(error.as_deref(), Some("503 from the provider"));

    // Not due yet: nothing is tried.
    assert_eq!(worker.round(start + 29).await.unwrap(), Round::default());
    // The second try waits twice as long before the third.
    assert_eq!(worker.round(start + 30).await.unwrap().retried, 1);
    let (status, attempts, next, _) = email_row().await;
    assert_eq!((status.as_str(), attempts, next), ("failed", 2, start + 90));
    // The third try is the last.
    assert_eq!(worker.round(start + 90).await.unwrap().dead, 1);
    let (status, attempts, _, _) = email_row().await;
    assert_eq!((status.as_str(), attempts), ("dead", 3));
    assert_eq!(email.sent().len(), 3);
    assert_eq!(
        worker.round(start + 10_000).await.unwrap(),
        Round::default()
    );

    // An admin sends it again once the provider is back.
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM notification_deliveries WHERE channel = 'email'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let (status, body) = app.get("/api/notifications/deliveries?status=dead").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["meta"]["total"], 3);
    let (status, _) = app
        .post(
            &format!("/api/notifications/deliveries/{id}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    email.answer(Answer::Accept);
    assert_eq!(worker.round(unix_now()).await.unwrap().sent, 1);
    let (status, _) = app
        .post(
            &format!("/api/notifications/deliveries/{id}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a sent delivery is not sent again"
    );
    let (status, _) = app
        .post("/api/notifications/deliveries/999999/retry", json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_low_stock_alert_is_emailed_through_a_real_smtp_server() {
    let sink = SmtpSink::start("250 2.1.5 ok").await;
    let mut app = spawn_app().await;
    let settings = |name: &str| match name {
        "SMTP_URL" => Some(sink.url.clone()),
        "MAIL_FROM" => Some("Cửa hàng <pos@shop.vn>".to_owned()),
        "PUBLIC_BASE_URL" => Some("https://pos.shop.vn".to_owned()),
        _ => None,
    };
    let notifications = Notifications {
        channels: Channels::from_lookup(settings).unwrap(),
        settings: Settings::from_lookup(settings).unwrap(),
        hub: Hub::default(),
    };
    app.state = app.state.clone().with_notifications(notifications);
    account(&app, "kho@shop.vn", "STAFF").await;
    let product = product(&app, "CF-1", 4, 1).await;
    sell(&app, product, 3).await;

    let round = worker(&app).round(unix_now()).await.unwrap();
    assert_eq!((round.sent, round.retried, round.dead), (2, 0, 0));
    let accepted = sink.accepted();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].rcpt_to, ["RCPT TO:<kho@shop.vn>"]);
    let email = MessageParser::default().parse(&accepted[0].data).unwrap();
    assert_eq!(email.subject(), Some("Sắp hết hàng: Cà phê CF-1"));
    let text = email.body_text(0).unwrap().replace("\r\n", "\n");
    assert_eq!(
        text.trim_end(),
        format!(
            "Cà phê CF-1 (CF-1) chỉ còn 1 trong kho; ngưỡng báo là 1.\n\n\
             https://pos.shop.vn/inventory/products/{product}"
        )
    );
}

#[tokio::test]
async fn concurrent_workers_send_each_delivery_once() {
    let (email, sms, push) = (
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
    );
    let app = shop(&email, &sms, &push).await;
    for n in 0..4 {
        account(&app, &format!("staff{n}@shop.vn"), "STAFF").await;
    }
    for n in 0..10 {
        let product = product(&app, &format!("CF-{n}"), 1, 0).await;
        sell(&app, product, 1).await;
    }
    // Ten alerts to four people by email: forty emails, and four workers
    // (as if in four app instances) racing to send them.
    let workers: Vec<Worker> = (0..4).map(|_| worker(&app)).collect();
    let now = unix_now();
    for _ in 0..3 {
        let rounds = futures_util::future::join_all(workers.iter().map(|w| w.round(now))).await;
        for round in rounds {
            round.unwrap();
        }
    }
    let mut sent: BTreeMap<i64, usize> = BTreeMap::new();
    for handed in email.sent() {
        *sent.entry(handed.delivery_id).or_default() += 1;
    }
    assert_eq!(sent.len(), 40);
    assert!(sent.values().all(|times| *times == 1), "{sent:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notification_deliveries WHERE status <> 'sent'")
            .await,
        0
    );
    // Later rounds find nothing to send again.
    assert_eq!(
        workers[0].round(now + 100_000).await.unwrap(),
        Round::default()
    );
    assert_eq!(email.sent().len(), 40);
}

#[tokio::test]
async fn a_send_cut_short_is_tried_again_when_its_claim_lapses() {
    let (email, sms, push) = (
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
    );
    let app = shop(&email, &sms, &push).await;
    account(&app, "staff@shop.vn", "STAFF").await;
    let product = product(&app, "CF-1", 1, 0).await;
    sell(&app, product, 1).await;
    let worker = worker(&app);
    let now = unix_now();
    outbox::fan_out(&app.state.db, &app.state.notifications.channels, 10)
        .await
        .unwrap();

    // A worker claims both deliveries and dies before recording anything.
    let lease = 120;
    let claimed = outbox::claim(&app.state.db, now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    assert_eq!(
        worker.round(now + lease - 1).await.unwrap(),
        Round::default()
    );

    // Once the claim lapses another worker sends them.
    let round = worker.round(now + lease).await.unwrap();
    assert_eq!(round.sent, 2);
    assert_eq!(email.sent().len(), 1);
    // The first worker coming back to life changes nothing.
    for delivery in &claimed {
        let recorded = outbox::record(
            &mut app.state.db.acquire().await.unwrap(),
            delivery,
            &outbox::Outcome::Dead {
                error: "late".into(),
            },
        )
        .await
        .unwrap();
        assert!(!recorded);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notification_deliveries WHERE status = 'sent'")
            .await,
        2
    );
}

#[tokio::test]
async fn the_bell_counts_lists_and_marks_read_and_the_stream_is_live() {
    let (email, sms, push) = (
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
    );
    let app = shop(&email, &sms, &push).await;
    account(&app, "manager@shop.vn", "MANAGER").await;
    account(&app, "other@shop.vn", "MANAGER").await;
    let cookie = signed_in(&app, "manager@shop.vn").await;
    let other = signed_in(&app, "other@shop.vn").await;

    // The page's stream is open before anything happens.
    let response = app
        .send_anonymous(browser(
            "GET",
            "/api/notifications/stream",
            &json!({}),
            &cookie,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut stream = response.into_body();

    let product = product(&app, "CF-1", 2, 1).await;
    sell(&app, product, 1).await;
    worker(&app).round(unix_now()).await.unwrap();

    // Two notifications arrive live: the low stock and the paid order.
    let mut received = String::new();
    while received.matches("event: notification").count() < 2 {
        let frame = tokio::time::timeout(Duration::from_secs(5), stream.frame())
            .await
            .expect("an event within five seconds")
            .expect("the stream stays open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            received.push_str(std::str::from_utf8(&data).unwrap());
        }
    }
    assert!(received.contains("Sắp hết hàng: Cà phê CF-1"), "{received}");
    assert!(
        received.contains("\"link\":\"/inventory/products/"),
        "{received}"
    );

    let get = |uri: &str, cookie: &str| browser("GET", uri, &json!({}), cookie);
    let response = app
        .send_anonymous(get("/api/notifications/unread", &cookie))
        .await;
    assert_eq!(json_of(response).await["data"]["count"], 2);
    let response = app.send_anonymous(get("/api/notifications", &cookie)).await;
    let list = json_of(response).await;
    let items = list["data"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["title"], "Sắp hết hàng: Cà phê CF-1");
    let first = items[0]["id"].as_i64().unwrap();

    // Someone else cannot read it, or mark it read.
    let response = app
        .send_anonymous(browser(
            "POST",
            &format!("/api/notifications/{first}/read"),
            &json!({}),
            &other,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app
        .send_anonymous(browser(
            "POST",
            &format!("/api/notifications/{first}/read"),
            &json!({}),
            &cookie,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = app
        .send_anonymous(get("/api/notifications?unread=true", &cookie))
        .await;
    assert_eq!(json_of(response).await["meta"]["total"], 1);
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/notifications/read",
            &json!({}),
            &cookie,
        ))
        .await;
    assert_eq!(json_of(response).await["data"]["marked"], 1);

    // The centre page lists them; the bell is on every page.
    let response = app.send_anonymous(get("/notifications", &cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body_text(response).await;
    assert!(page.contains("Sắp hết hàng: Cà phê CF-1"));
    assert!(page.contains("id=\"bell\""));
    assert!(page.contains("/assets/notifications.js"));

    // An API token is not a person: it has no notifications.
    let (status, _) = app.get("/api/notifications").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_email() {
    let (email, sms, push) = (
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
        Recorder::new(Answer::Accept),
    );
    let mut app = shop(&email, &sms, &push).await;
    let mut notifications = app.state.notifications.clone();
    notifications.settings.base_url = Some("https://pos.example.vn".into());
    app.state = app.state.clone().with_notifications(notifications);
    account(&app, "till@shop.vn", "CASHIER").await;

    let ask = |email: &str| {
        let mut request = Request::post("/api/auth/password-reset/request")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "email": email }).to_string()))
            .unwrap();
        let address: SocketAddr = "10.0.0.9:50000".parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(address));
        request
    };
    // Known or not, the answer is the same.
    for address in ["Till@Shop.vn", "nobody@shop.vn"] {
        let response = app.send_anonymous(ask(address)).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    // Asking again at once sends no second link.
    app.send_anonymous(ask("till@shop.vn")).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM notifications").await, 1);

    worker(&app).round(unix_now()).await.unwrap();
    let mail = email.sent();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].address, "till@shop.vn");
    assert_eq!(mail[0].title, "Đặt lại mật khẩu");
    let link = mail[0]
        .body
        .split_whitespace()
        .find(|word| word.starts_with("https://pos.example.vn/reset-password?token="))
        .expect("the link in the email");
    let token = link.split("token=").nth(1).unwrap();

    // Once sent, the link is no longer kept with the notification.
    let (fields, stored_link): (String, String) =
        sqlx::query_as("SELECT fields, link FROM notifications")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((fields.as_str(), stored_link.as_str()), ("{}", ""));

    let reset = json!({"token": token, "password": "a brand new passphrase"});
    let response = app
        .send_anonymous(
            Request::post("/api/auth/password-reset")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(reset.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn devices_are_registered_per_person() {
    let app = spawn_app().await;
    account(&app, "a@shop.vn", "STAFF").await;
    account(&app, "b@shop.vn", "STAFF").await;
    let a = signed_in(&app, "a@shop.vn").await;
    let b = signed_in(&app, "b@shop.vn").await;
    let register = json!({"token": "fcm-token-123", "label": "Quầy 1"});
    let response = app
        .send_anonymous(browser("POST", "/api/notifications/devices", &register, &a))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = json_of(response).await["data"]["id"].as_i64().unwrap();
    let response = app
        .send_anonymous(browser(
            "DELETE",
            &format!("/api/notifications/devices/{id}"),
            &json!({}),
            &b,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "not b's device");
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/notifications/devices",
            &json!({}),
            &a,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .send_anonymous(browser(
            "DELETE",
            &format!("/api/notifications/devices/{id}"),
            &json!({}),
            &a,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn instances_share_live_notifications_through_postgres() {
    let Some(_) = crate::helpers::postgres_server_url() else {
        return;
    };
    let app = spawn_app().await;
    let (first, second) = (
        Hub::for_database(&app.database_url).await.unwrap(),
        Hub::for_database(&app.database_url).await.unwrap(),
    );
    let mut listening = second.subscribe();
    let live = shop::notifications::live::Live {
        id: 7,
        user_id: 3,
        title: "Sắp hết hàng".into(),
        body: "Cà phê".into(),
        link: None,
    };
    let tx = db::begin_write(&app.state.db).await.unwrap();
    first.publish(tx, live.clone()).await.unwrap();
    let heard = tokio::time::timeout(Duration::from_secs(5), listening.recv())
        .await
        .expect("the other instance hears it")
        .unwrap();
    assert_eq!(heard, live);
    first.close();
    second.close();
}

/// A JSON request from a page of this site, signed in with `cookie`.
fn browser(method: &str, uri: &str, body: &Value, cookie: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap();
    let address: SocketAddr = "10.0.0.1:50000".parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(address));
    request
}

async fn json_of(response: Response) -> Value {
    serde_json::from_str(&body_text(response).await).unwrap()
}

/// Signs in through the API and returns the session cookie.
async fn signed_in(app: &TestApp, email: &str) -> String {
    let body = json!({"email": email, "password": PASSWORD});
    let response = app
        .send_anonymous(browser("POST", "/api/auth/login", &body, ""))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("session="))
        .map(|value| value.split(';').next().unwrap().to_owned())
        .expect("a session cookie")
}
