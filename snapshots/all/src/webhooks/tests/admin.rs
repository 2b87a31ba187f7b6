//! The admin's API and page through the app's router: endpoints added,
//! paused and removed, the secret shown once, the delivery log with a retry,
//! and what Pancake sent.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::{json, Value};
use tower::ServiceExt;

use super::TestDb;
use crate::auth::{
    tokens::{self, NewToken},
    Actor,
};
use crate::{
    config::SalesRules,
    db,
    webhooks::{emit, events, Inbound, Settings},
    AppState,
};

const SECRET: &str = "pancake-s3cret";

/// The app's router for one test, signed in as an admin when the app has
/// accounts.
struct Admin {
    state: AppState,
    token: String,
}

impl Admin {
    async fn new(db: &TestDb) -> Self {
        let settings = Settings {
            inbound: Inbound {
                secret: Some(SECRET.into()),
                ..Inbound::default()
            },
            ..Settings::default()
        };
        let state = AppState::new(db.pool.clone(), SalesRules::default()).with_webhooks(settings);
        let admin = NewToken {
            name: Some("webhooks".into()),
            role: Some("ADMIN".into()),
        };
        let token = tokens::create(&db.pool, &Actor::Operator, &admin)
            .await
            .unwrap()
            .secret;
        Self { state, token }
    }

    /// Sends a request and returns the status and the body as text.
    async fn send(
        &self,
        method: &str,
        uri: &str,
        content_type: &str,
        body: String,
    ) -> (StatusCode, String) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, content_type)
            // Only Pancake's endpoint reads it.
            .header("X-Webhook-Secret", SECRET);
        let request = request.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        let request = request.body(Body::from(body)).unwrap();
        let response = crate::app(self.state.clone())
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    async fn json(&self, method: &str, uri: &str, body: Value) -> (StatusCode, Value) {
        let (status, text) = self
            .send(method, uri, "application/json", body.to_string())
            .await;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{uri}: {err}: {text}"))
        };
        (status, body)
    }

    async fn form(&self, uri: &str, form: &str) -> (StatusCode, String) {
        self.send(
            "POST",
            uri,
            "application/x-www-form-urlencoded",
            form.to_owned(),
        )
        .await
    }

    async fn page(&self) -> String {
        let (status, html) = self
            .send("GET", "/webhooks", "text/plain", String::new())
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        html
    }
}

#[tokio::test]
async fn the_api_manages_endpoints_and_the_delivery_log() {
    let db = TestDb::new().await;
    let admin = Admin::new(&db).await;
    let url = "https://erp.example.vn/pos-events";

    let (status, body) = admin
        .json(
            "POST",
            "/api/webhooks/endpoints",
            json!({"url": "mailto:ops@example.vn", "events": ["*"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "url");

    let (status, body) = admin
        .json(
            "POST",
            "/api/webhooks/endpoints",
            json!({"url": url, "events": ["order.paid"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    let secret = body["data"]["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(body["data"]["events"], json!(["order.paid"]));
    assert_eq!(body["data"]["active"], true);

    let (status, body) = admin
        .json("GET", "/api/webhooks/endpoints", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["url"], url);
    assert!(!body.to_string().contains(&secret), "{body}");

    let (status, body) = admin
        .json(
            "PUT",
            &format!("/api/webhooks/endpoints/{id}"),
            json!({"events": ["*"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["events"], json!(["*"]));

    let mut tx = db::begin_write(&db.pool).await.unwrap();
    emit(&mut tx, events::STOCK_CHANGED, json!({"sku": "CF-DEN"}))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'dead', attempts = 10, last_error = 'gone'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let (status, body) = admin
        .json("GET", "/api/webhooks/deliveries?status=dead", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["meta"]["total"], 1);
    let delivery = &body["data"][0];
    assert_eq!(delivery["event"], "stock.changed");
    assert_eq!(delivery["url"], url);
    assert_eq!(delivery["attempts"], 10);
    assert_eq!(delivery["lastError"], "gone");
    let delivery_id = delivery["id"].as_i64().unwrap();
    let (status, body) = admin
        .json("GET", "/api/webhooks/deliveries?status=lost", Value::Null)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let retry = format!("/api/webhooks/deliveries/{delivery_id}/retry");
    let (status, body) = admin.json("POST", &retry, Value::Null).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(
        body["data"],
        json!({"id": delivery_id, "status": "pending"})
    );
    let (status, body) = admin.json("POST", &retry, Value::Null).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, _) = admin
        .json(
            "DELETE",
            &format!("/api/webhooks/endpoints/{id}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(db.count("SELECT COUNT(*) FROM webhook_deliveries").await, 0);
    let (status, _) = admin
        .json(
            "DELETE",
            &format!("/api/webhooks/endpoints/{id}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_shows_a_new_secret_once_and_lists_what_pancake_sent() {
    let db = TestDb::new().await;
    let admin = Admin::new(&db).await;
    let order = json!({"id": 1418, "shop_id": 4, "status": 0, "items": [],
                       "updated_at": "2026-05-07T11:05:00"});
    let (status, body) = admin.json("POST", "/webhooks/pancake", order).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .json("GET", "/api/webhooks/inbound", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["kind"], "orders");
    assert_eq!(body["data"][0]["recordId"], "4:1418");
    assert_eq!(body["data"][0]["outcome"], "applied");

    let html = admin.page().await;
    assert!(html.contains("Địa chỉ nhận sự kiện"), "{html}");
    assert!(html.contains("4:1418"), "{html}");

    let (status, html) = admin
        .form(
            "/webhooks/endpoints",
            "url=https%3A%2F%2Ferp.example.vn%2Fhook&events=stock.changed",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let secret = html
        .split("<code>")
        .find_map(|part| part.strip_prefix("whsec_"))
        .and_then(|rest| rest.split('<').next())
        .map(|hex| format!("whsec_{hex}"))
        .unwrap_or_else(|| panic!("no secret on the page: {html}"));
    assert_eq!(secret.len(), "whsec_".len() + 64);
    let html = admin.page().await;
    assert!(html.contains("https://erp.example.vn/hook"), "{html}");
    assert!(!html.contains(&secret), "the secret is shown again");

    let (status, html) = admin
        .form(
            "/webhooks/endpoints",
            "url=ftp%3A%2F%2Ferp.example.vn&events=*",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("ftp://erp.example.vn"),
        "the form keeps what was typed"
    );

    let id: i64 = sqlx::query_scalar("SELECT id FROM webhook_endpoints")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (status, _) = admin
        .form(&format!("/webhooks/endpoints/{id}/active"), "active=false")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM webhook_endpoints WHERE active = 0")
            .await,
        1
    );
    let (status, _) = admin
        .form(&format!("/webhooks/endpoints/{id}/delete"), "")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(db.count("SELECT COUNT(*) FROM webhook_endpoints").await, 0);
}
