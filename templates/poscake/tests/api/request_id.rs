use std::{
    io,
    sync::{Arc, Mutex},
};

use axum::{
    body::Body,
    http::{Request, StatusCode},
    response::Response,
};

use crate::helpers::{spawn_app, TestApp};

const HEADER: &str = "x-request-id";

async fn get_with_id(app: &TestApp, uri: &str, id: Option<&str>) -> Response {
    let mut request = Request::get(uri);
    if let Some(id) = id {
        request = request.header(HEADER, id);
    }
    app.send_raw(request.body(Body::empty()).unwrap()).await
}

fn response_id(response: &Response) -> String {
    let id = response
        .headers()
        .get(HEADER)
        .expect("an x-request-id header");
    id.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_request_without_an_id_gets_a_new_one() {
    let app = spawn_app().await;
    let first = response_id(&get_with_id(&app, "/health", None).await);
    let second = response_id(&get_with_id(&app, "/health", None).await);
    // A UUID v4 in its usual text form.
    assert_eq!(first.len(), 36, "{first}");
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_given_id_is_echoed_back() {
    let app = spawn_app().await;
    let response = get_with_id(&app, "/health", Some("checkout-42")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response_id(&response), "checkout-42");
}

#[tokio::test]
async fn errors_carry_the_id_too() {
    let app = spawn_app().await;
    let response = get_with_id(&app, "/no/such/page", Some("lost-1")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response_id(&response), "lost-1");
}

#[tokio::test]
async fn an_unusable_id_is_replaced() {
    let app = spawn_app().await;
    for unusable in ["", "two words", &"x".repeat(500)] {
        let id = response_id(&get_with_id(&app, "/health", Some(unusable)).await);
        assert_eq!(id.len(), 36, "{unusable:?} was kept as {id:?}");
    }
}

/// Log output collected in memory.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn every_log_line_of_a_request_carries_its_id() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runtime has one thread, so the whole request logs through this.
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = spawn_app().await;
    // A failing readiness check logs from the handler as well as the trace layer.
    app.state.db.close().await;
    get_with_id(&app, "/ready", Some("trace-me-7")).await;

    let output = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let request_lines: Vec<_> = output
        .lines()
        .filter(|line| line.contains("/ready"))
        .collect();
    assert!(request_lines.len() >= 2, "{output}");
    for line in request_lines {
        assert!(line.contains("request_id=trace-me-7"), "{line}");
    }
}
