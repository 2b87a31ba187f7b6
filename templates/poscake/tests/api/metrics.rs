use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};

use crate::helpers::{body_text, spawn_app, TestApp};

/// Scrapes `/metrics` the way Prometheus does.
async fn scrape(app: &TestApp) -> String {
    let response = app
        .send_raw(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    body_text(response).await
}

/// The line holding the number of requests timed for one label set.
fn request_count(method: &str, route: &str, status: u16) -> String {
    format!(
        r#"http_request_duration_seconds_count{{method="{method}",route="{route}",status="{status}"}}"#
    )
}

#[tokio::test]
async fn a_fresh_app_exposes_its_counter() {
    let app = spawn_app().await;
    let text = scrape(&app).await;
    assert!(text.contains("orders_created_total 0"), "{text}");
    assert!(text.ends_with("# EOF\n"), "{text}");
}

#[tokio::test]
async fn requests_are_timed_by_method_route_and_status() {
    let app = spawn_app().await;
    app.get("/health").await;
    app.get("/health").await;
    app.get("/ready").await;
    let post = Request::post("/health").body(Body::empty()).unwrap();
    assert_eq!(
        app.send_raw(post).await.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );

    let text = scrape(&app).await;
    assert!(
        text.contains(&format!("{} 2", request_count("GET", "/health", 200))),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} 1", request_count("GET", "/ready", 200))),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} 1", request_count("POST", "/health", 405))),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_paths_share_one_route_label() {
    let app = spawn_app().await;
    app.get("/no/such/page").await;
    app.get("/another/missing/page").await;

    let text = scrape(&app).await;
    assert!(
        text.contains(&format!("{} 2", request_count("GET", "unmatched", 404))),
        "{text}"
    );
    assert!(!text.contains("/no/such/page"), "{text}");
}

#[tokio::test]
async fn scrapes_are_not_timed() {
    let app = spawn_app().await;
    scrape(&app).await;
    let text = scrape(&app).await;
    assert!(!text.contains(r#"route="/metrics""#), "{text}");
}

#[tokio::test]
async fn created_orders_are_counted() {
    let app = spawn_app().await;
    app.state.metrics.order_created();
    app.state.metrics.order_created();

    let text = scrape(&app).await;
    assert!(text.contains("# TYPE orders_created counter"), "{text}");
    assert!(text.contains("orders_created_total 2"), "{text}");

    // Each app has a registry of its own, so tests cannot see each other's counts.
    let other = spawn_app().await;
    assert!(scrape(&other).await.contains("orders_created_total 0"));
}
