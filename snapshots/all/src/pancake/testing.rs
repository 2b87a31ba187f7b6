//! A stand-in Pancake on loopback for the Pancake skills' tests: it answers
//! every request with what the test makes of it and keeps them all, so a test
//! can check each request exactly as the spec has it.

use std::sync::{Arc, Mutex};

use axum::{
    body::Bytes,
    http::{Method, StatusCode, Uri},
    Json, Router,
};
use serde_json::Value;

use super::{PancakeClient, PancakeConfig, WritePolicy};

/// The key the stand-in's clients send.
pub const KEY: &str = "9c41e7a2d05b4f3e8a6c1d2b7e90f4a3";
/// The shop its clients are set to.
pub const SHOP: i64 = 4;
/// Where the stand-in mounts the API, as the production base URL does.
const PREFIX: &str = "/api/v1";

/// One request the stand-in received; `path` is relative to the base URL.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Value,
}

impl Hit {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn query_pairs(&self) -> Vec<(&str, &str)> {
        self.query
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect()
    }
}

/// A Pancake that answers every request with what `answer` makes of it and
/// remembers them all.
pub struct Pancake {
    hits: Arc<Mutex<Vec<Hit>>>,
    base_url: String,
}

impl Pancake {
    pub async fn serve(
        answer: impl Fn(&Hit) -> (StatusCode, Value) + Send + Sync + 'static,
    ) -> Self {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let answer = Arc::new(answer);
        let record = hits.clone();
        let app = Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
            let (record, answer) = (record.clone(), answer.clone());
            async move {
                let query = uri.query().unwrap_or_default().as_bytes();
                let hit = Hit {
                    method,
                    path: uri.path().trim_start_matches(PREFIX).to_owned(),
                    query: form_urlencoded::parse(query).into_owned().collect(),
                    body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                };
                let (status, reply) = answer(&hit);
                record.lock().unwrap().push(hit);
                (status, Json(reply))
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Pancake {
            hits,
            base_url: format!("http://{address}{PREFIX}"),
        }
    }

    pub fn client(&self, confirmed: bool) -> PancakeClient {
        let config = PancakeConfig {
            shop_id: Some(SHOP),
            writes: WritePolicy {
                confirmed,
                allowed_shops: None,
            },
            ..PancakeConfig::new(&self.base_url, KEY)
        };
        PancakeClient::new(config).unwrap()
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// `METHOD path` of every request, in order.
    pub fn calls(&self) -> Vec<String> {
        self.hits()
            .iter()
            .map(|hit| format!("{} {}", hit.method, hit.path))
            .collect()
    }
}

pub fn ok(body: Value) -> (StatusCode, Value) {
    (StatusCode::OK, body)
}
