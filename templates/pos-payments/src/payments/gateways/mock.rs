//! A stand-in for a gateway's HTTP API in unit tests: a server on a loopback
//! port that gives every request the same answer and keeps what it was sent.

use std::sync::{Arc, Mutex};

use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, Method, StatusCode, Uri},
    Router,
};

/// One request the stand-in received.
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub struct Mock {
    status: StatusCode,
    answer: String,
    pub seen: Mutex<Vec<Seen>>,
}

async fn record(
    State(mock): State<Arc<Mock>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
    mock.seen.lock().unwrap().push(Seen {
        method,
        path: uri.path().to_owned(),
        headers,
        body,
    });
    (
        mock.status,
        [(header::CONTENT_TYPE, "application/json")],
        mock.answer.clone(),
    )
}

/// Serves `answer` with `status`; returns the base URL (`http://127.0.0.1:…`)
/// and the record of requests.
pub async fn serve(status: u16, answer: String) -> (String, Arc<Mock>) {
    let mock = Arc::new(Mock {
        status: StatusCode::from_u16(status).unwrap(),
        answer,
        seen: Mutex::new(Vec::new()),
    });
    let app = Router::new().fallback(record).with_state(mock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), mock)
}

/// A client that talks to the stand-in directly, whatever proxy is configured.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}
