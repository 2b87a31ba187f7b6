//! Pancake client, the local cache and the address fields of the `pos-geo`
//! skill, against a stand-in Pancake on loopback and a database of their own.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, RawQuery};
use axum::http::{header, Request, StatusCode};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use serde_json::{json, Value};
use sqlx::AnyPool;
use tower::ServiceExt;

use crate::config::{Config, SalesRules};
use crate::geo::text::GeoProblem;
use crate::geo::{self, cache, Area, Commune, District, Province, ProvinceQuery, Scheme};
use crate::pagination::Pagination;
use crate::pancake::cli::{execute, PancakeArgs};
use crate::pancake::{PancakeClient, PancakeConfig, PancakeError, RetryPolicy};
use crate::web::Lang;
use crate::{customers, db, AppState};

const KEY: &str = "9bfa8af5000000000000000000c0ffee";

// ---------------------------------------------------------------- mock server

type Pairs = Vec<(String, String)>;

/// Requests received by the mock, path (below `/api/v1`) and query string.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<(String, Pairs)>>>);

impl Log {
    fn requests(&self) -> Vec<Pairs> {
        self.calls().into_iter().map(|(_, pairs)| pairs).collect()
    }

    fn calls(&self) -> Vec<(String, Pairs)> {
        self.0.lock().unwrap().clone()
    }

    fn last(&self) -> Pairs {
        self.requests().pop().expect("no request reached the mock")
    }

    /// Each request as `path?name=value&…` without the key, in order.
    fn lines(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .map(|(path, pairs)| {
                let query: Vec<String> = pairs
                    .iter()
                    .filter(|(name, _)| name != "api_key")
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                format!("{path}?{}", query.join("&"))
            })
            .collect()
    }
}

fn param<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// A route that records each request and answers what `answer` makes of its
/// query with HTTP 200.
fn fixture(log: &Log, path: &'static str, answer: fn(&Pairs) -> Value) -> MethodRouter {
    let log = log.clone();
    get(move |Query(pairs): Query<Pairs>| {
        let body = answer(&pairs);
        log.0.lock().unwrap().push((path.to_owned(), pairs));
        async move { Json(body) }
    })
}

/// Shaped like the spec examples, plus the quirks seen live: `success`, extra
/// fields, integer ids, and 2025 communes without a district. Two old
/// provinces (Hà Nội with one district, Hồ Chí Minh with one) and their two
/// 2025 successors, one commune each.
fn geo_mock(log: &Log) -> Router {
    fn provinces(query: &Pairs) -> Value {
        if param(query, "is_new") == Some("true") {
            json!({"success": true, "data": [
                {"id": "84_VN101", "name": "Thành phố Hà Nội", "name_en": "ha noi", "new_id": null},
                {"id": "84_VN129", "name": "Thành phố Hồ Chí Minh", "name_en": "ho chi minh"}
            ]})
        } else {
            json!({"success": true, "data": [
                {"id": "101", "name": "Hà Nội", "name_en": "ha noi", "new_id": "84_VN101",
                 "country_code": 84, "region_type": 1},
                {"id": 701, "name": "Hồ Chí Minh", "name_en": "ho chi minh", "new_id": "84_VN129"}
            ]})
        }
    }
    fn districts(query: &Pairs) -> Value {
        let data = match param(query, "province_id") {
            Some("101") => json!([
                {"id": "10101", "name": "Quận Ba Đình", "name_en": "ba dinh", "province_id": 101}
            ]),
            Some("701") => json!([
                {"id": "70101", "name": "Quận 1", "name_en": "district 1", "province_id": "701"}
            ]),
            _ => json!([]),
        };
        json!({"success": true, "data": data})
    }
    fn communes(query: &Pairs) -> Value {
        let data = match param(query, "province_id") {
            Some("101") => json!([
                {"district_id": "10101", "id": "1010115", "name": "Phường Cống Vị",
                 "name_en": "cong vi", "new_id": null, "postcode": null, "province_id": "101"}
            ]),
            Some("701") => json!([
                {"district_id": 70101, "id": "7010101", "name": "Phường Bến Nghé",
                 "province_id": 701}
            ]),
            Some("84_VN101") => json!([
                {"district_id": null, "id": "84_VN10101", "name": "Phường Ba Đình",
                 "province_id": "84_VN101", "postcode": 100000}
            ]),
            Some("84_VN129") => json!([
                {"district_id": null, "id": "84_VN12901", "name": "Phường Sài Gòn",
                 "province_id": "84_VN129"}
            ]),
            _ => json!([]),
        };
        json!({"success": true, "data": data})
    }
    Router::new()
        .route(
            "/api/v1/geo/provinces",
            fixture(log, "/geo/provinces", provinces),
        )
        .route(
            "/api/v1/geo/districts",
            fixture(log, "/geo/districts", districts),
        )
        .route(
            "/api/v1/geo/communes",
            fixture(log, "/geo/communes", communes),
        )
}

/// Provinces route answering `script[n]` on the n-th call (the last one repeats).
fn scripted(script: Vec<(StatusCode, Value)>) -> (Router, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let route = get(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let (status, body) = script[n.min(script.len() - 1)].clone();
        async move { (status, Json(body)) }
    });
    (Router::new().route("/api/v1/geo/provinces", route), hits)
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/api/v1")
}

/// Short timeouts and delays so failure paths stay fast.
fn config(base_url: &str) -> PancakeConfig {
    PancakeConfig {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
        ..PancakeConfig::new(base_url, KEY)
    }
}

fn client(base_url: &str) -> PancakeClient {
    PancakeClient::new(config(base_url)).unwrap()
}

/// Display, alternate Display, Debug and every source of an error.
fn all_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{error} | {error:#} | {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause} | {cause:?}"));
        source = cause.source();
    }
    text
}

fn assert_no_key(error: &PancakeError) {
    let text = all_text(error);
    assert!(!text.contains(KEY), "API key leaked: {text}");
}

// ---------------------------------------------------------------- client

#[tokio::test]
async fn provinces_parse_and_send_api_key_and_country_code() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);

    let provinces = client.provinces(&ProvinceQuery::default()).await.unwrap();

    assert_eq!(
        provinces,
        vec![
            Province {
                id: "101".into(),
                name: "Hà Nội".into(),
                name_en: Some("ha noi".into()),
                new_id: Some("84_VN101".into()),
            },
            Province {
                id: "701".into(),
                name: "Hồ Chí Minh".into(),
                name_en: Some("ho chi minh".into()),
                new_id: Some("84_VN129".into()),
            },
        ]
    );
    let query = log.last();
    assert_eq!(param(&query, "api_key"), Some(KEY));
    assert_eq!(param(&query, "country_code"), Some("84"));
    assert_eq!(param(&query, "is_new"), None);
    assert_eq!(param(&query, "all"), None);
}

#[tokio::test]
async fn province_flags_are_sent_when_set() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);
    let query = ProvinceQuery {
        is_new: true,
        all: true,
        ..ProvinceQuery::default()
    };

    client.provinces(&query).await.unwrap();

    let sent = log.last();
    assert_eq!(param(&sent, "is_new"), Some("true"));
    assert_eq!(param(&sent, "all"), Some("true"));
}

#[tokio::test]
async fn districts_parse_integer_province_id() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);

    let districts = client.districts("101").await.unwrap();

    assert_eq!(
        districts,
        vec![District {
            id: "10101".into(),
            name: "Quận Ba Đình".into(),
            name_en: Some("ba dinh".into()),
            province_id: "101".into(),
        }]
    );
    assert_eq!(param(&log.last(), "province_id"), Some("101"));
}

#[tokio::test]
async fn communes_parse_old_and_new_format() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);

    let old = client.communes("101", Some("10101")).await.unwrap();
    assert_eq!(param(&log.last(), "district_id"), Some("10101"));
    let new = client.communes("84_VN101", None).await.unwrap();

    assert_eq!(
        old,
        vec![Commune {
            id: "1010115".into(),
            name: "Phường Cống Vị".into(),
            name_en: Some("cong vi".into()),
            district_id: Some("10101".into()),
            province_id: "101".into(),
            new_id: None,
            postcode: None,
        }]
    );
    assert_eq!(new[0].district_id, None);
    assert_eq!(new[0].name_en, None);
    assert_eq!(new[0].postcode.as_deref(), Some("100000"));
}

#[tokio::test]
async fn communes_without_district_send_province_only() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);

    client.communes("84_VN101", None).await.unwrap();

    let sent = log.last();
    assert_eq!(param(&sent, "province_id"), Some("84_VN101"));
    assert_eq!(param(&sent, "district_id"), None);
}

#[tokio::test]
async fn success_false_on_http_200_is_an_error() {
    let (app, hits) = scripted(vec![(
        StatusCode::OK,
        json!({"success": false, "message": "Không tìm thấy"}),
    )]);
    let client = client(&serve(app).await);

    let error = client
        .provinces(&ProvinceQuery::default())
        .await
        .unwrap_err();

    assert!(
        matches!(&error, PancakeError::Rejected { message } if message == "Không tìm thấy"),
        "{error:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn missing_data_is_a_decode_error() {
    let (app, _) = scripted(vec![(StatusCode::OK, json!({"success": true}))]);
    let client = client(&serve(app).await);

    let error = client
        .provinces(&ProvinceQuery::default())
        .await
        .unwrap_err();

    assert!(matches!(error, PancakeError::Decode(_)), "{error:?}");
}

#[tokio::test]
async fn service_unavailable_then_ok_is_retried() {
    let (app, hits) = scripted(vec![
        (StatusCode::SERVICE_UNAVAILABLE, json!({"message": "busy"})),
        (
            StatusCode::OK,
            json!({"data": [{"id": "101", "name": "Hà Nội"}]}),
        ),
    ]);
    let client = client(&serve(app).await);

    let provinces = client.provinces(&ProvinceQuery::default()).await.unwrap();

    assert_eq!(provinces.len(), 1);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn persistent_server_error_gives_up_after_bounded_attempts() {
    let (app, hits) = scripted(vec![(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"message": "oops"}),
    )]);
    let client = client(&serve(app).await);

    let error = client
        .provinces(&ProvinceQuery::default())
        .await
        .unwrap_err();

    assert!(
        matches!(&error, PancakeError::Status { status, message }
            if *status == StatusCode::INTERNAL_SERVER_ERROR && message == "oops"),
        "{error:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_echoed_keys_are_redacted() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    // A server that echoes the request's query string, key included.
    let echo = get(move |RawQuery(query): RawQuery| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move { (StatusCode::BAD_REQUEST, query.unwrap_or_default()) }
    });
    let app = Router::new().route("/api/v1/geo/districts", echo);
    let client = client(&serve(app).await);

    let error = client.districts("101").await.unwrap_err();

    assert!(
        matches!(&error, PancakeError::Status { status, .. } if *status == StatusCode::BAD_REQUEST)
    );
    assert!(error.to_string().contains("api_key=[redacted]"), "{error}");
    assert_no_key(&error);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn long_error_bodies_are_cut_after_redaction() {
    // The key straddles the cut, so truncating before redacting would leak its prefix.
    let body = format!("{}{KEY}{}", "x".repeat(290), "y".repeat(500));
    let long = get(move || {
        let body = body.clone();
        async move { (StatusCode::BAD_REQUEST, body) }
    });
    let client = client(&serve(Router::new().route("/api/v1/geo/provinces", long)).await);

    let error = client
        .provinces(&ProvinceQuery::default())
        .await
        .unwrap_err();

    let PancakeError::Status { message, .. } = &error else {
        panic!("{error:?}");
    };
    assert!(message.chars().count() <= 301, "{message}");
    assert!(!message.contains(&KEY[..6]), "{message}");
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error_without_the_key() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = client(&format!("http://{addr}/api/v1"));

    let error = client
        .provinces(&ProvinceQuery::default())
        .await
        .unwrap_err();

    assert!(matches!(error, PancakeError::Transport { .. }), "{error:?}");
    assert_no_key(&error);
}

#[tokio::test]
async fn slow_server_times_out() {
    let slow = get(|| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        Json(json!({"data": []}))
    });
    let base = serve(Router::new().route("/api/v1/geo/provinces", slow)).await;
    let config = PancakeConfig {
        timeout: Duration::from_millis(100),
        retry: RetryPolicy {
            max_attempts: 1,
            ..config(&base).retry
        },
        ..config(&base)
    };
    let client = PancakeClient::new(config).unwrap();

    let error = client
        .provinces(&ProvinceQuery::default())
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            PancakeError::Transport {
                kind: "timed out",
                ..
            }
        ),
        "{error:?}"
    );
    assert_no_key(&error);
}

// ---------------------------------------------------------------- configuration

fn lookup(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    }
}

#[test]
fn config_defaults_base_url_and_requires_key() {
    let config = PancakeConfig::from_lookup(lookup(&[("POS_API_KEY", KEY)])).unwrap();
    assert_eq!(config.base_url, "https://pos.pages.fm/api/v1");
    assert_eq!(config.api_key, KEY);

    let missing = PancakeConfig::from_lookup(lookup(&[])).unwrap_err();
    assert!(matches!(missing, PancakeError::NotConfigured));
    assert!(missing.to_string().contains("POS_API_KEY"));

    let blank = PancakeConfig::from_lookup(lookup(&[("POS_API_KEY", "  ")])).unwrap_err();
    assert!(matches!(blank, PancakeError::NotConfigured));
}

#[test]
fn config_rejects_a_base_url_that_is_not_http() {
    let vars = &[
        ("POS_API_KEY", KEY),
        ("POS_BASE_URL", "pos.pages.fm/api/v1"),
    ];
    let error = PancakeConfig::from_lookup(lookup(vars)).unwrap_err();
    assert!(matches!(error, PancakeError::InvalidConfig(_)));
    assert_no_key(&error);
}

#[test]
fn debug_output_redacts_the_key() {
    let config = PancakeConfig::new("https://pos.example/api/v1", KEY);
    let client = PancakeClient::new(config.clone()).unwrap();
    for text in [
        format!("{config:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
    ] {
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        assert!(text.contains("https://pos.example/api/v1"), "{text}");
    }
}

// ---------------------------------------------------------------- database

/// A migrated database of its own: on the PostgreSQL server
/// `TEST_DATABASE_URL` names, else a SQLite file in the temporary folder.
struct LocalDatabase {
    pool: AnyPool,
    server: Option<String>,
    name: String,
}

impl LocalDatabase {
    async fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("geo_{}_{count}_{nanos}", std::process::id());
        let server = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty());
        let url = match &server {
            Some(server) => {
                let pool = db::connect(server).await.unwrap();
                sqlx::query(&format!(r#"CREATE DATABASE "{name}""#))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                let (base, _) = server.rsplit_once('/').unwrap();
                format!("{base}/{name}")
            }
            None => {
                let file = std::env::temp_dir().join(format!("{name}.db"));
                format!("sqlite://{}?mode=rwc", file.display())
            }
        };
        let pool = db::connect(&url).await.unwrap();
        db::migrate(&pool).await.unwrap();
        LocalDatabase { pool, server, name }
    }

    async fn remove(self) {
        self.pool.close().await;
        match &self.server {
            Some(server) => {
                let pool = db::connect(server).await.unwrap();
                let drop = format!(r#"DROP DATABASE "{}" WITH (FORCE)"#, self.name);
                sqlx::query(&drop).execute(&pool).await.unwrap();
                pool.close().await;
            }
            None => {
                let file = std::env::temp_dir().join(format!("{}.db", self.name));
                let _ = std::fs::remove_file(file);
            }
        }
    }

    fn state(&self) -> AppState {
        AppState::new(self.pool.clone(), SalesRules::default())
    }

    async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

/// Both schemes cached from a stand-in whose base URL is returned; the
/// requests that took are forgotten.
async fn synced(log: &Log, local: &LocalDatabase) -> String {
    let base = serve(geo_mock(log)).await;
    let client = client(&base);
    for scheme in Scheme::ALL {
        cache::sync(&local.pool, &client, scheme).await.unwrap();
    }
    log.0.lock().unwrap().clear();
    base
}

// ---------------------------------------------------------------- cache

#[tokio::test]
async fn sync_fills_both_schemes_with_exact_requests_and_runs_again_in_place() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    let client = client(&serve(geo_mock(&log)).await);

    let new = cache::sync(&local.pool, &client, Scheme::New)
        .await
        .unwrap();
    let old = cache::sync(&local.pool, &client, Scheme::Old)
        .await
        .unwrap();

    assert_eq!(
        log.lines(),
        [
            "/geo/provinces?country_code=84&is_new=true",
            "/geo/communes?province_id=84_VN101",
            "/geo/communes?province_id=84_VN129",
            "/geo/provinces?country_code=84",
            "/geo/districts?province_id=101",
            "/geo/communes?province_id=101",
            "/geo/districts?province_id=701",
            "/geo/communes?province_id=701",
        ]
    );
    assert!(log
        .requests()
        .iter()
        .all(|query| param(query, "api_key") == Some(KEY)));
    assert_eq!(
        (new.provinces, new.districts, new.communes),
        (2, 0, 2),
        "new scheme"
    );
    assert_eq!(
        (old.provinces, old.districts, old.communes),
        (2, 2, 2),
        "old scheme"
    );
    let mut conn = local.pool.acquire().await.unwrap();
    let (hanoi, scheme) = cache::province(&mut conn, "101").await.unwrap().unwrap();
    assert_eq!(scheme, Scheme::Old);
    assert_eq!(hanoi.new_id.as_deref(), Some("84_VN101"));
    let (_, scheme) = cache::province(&mut conn, "84_VN101")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(scheme, Scheme::New);
    let ward = cache::commune(&mut conn, "84_VN10101")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ward.district_id, ward.postcode.as_deref()),
        (None, Some("100000"))
    );
    let commune = cache::commune(&mut conn, "7010101").await.unwrap().unwrap();
    assert_eq!(commune.district_id.as_deref(), Some("70101"));
    drop(conn);

    let again = cache::sync(&local.pool, &client, Scheme::Old)
        .await
        .unwrap();
    assert_eq!(again, old);
    assert_eq!(local.count("geo_provinces").await, 4);
    assert_eq!(local.count("geo_districts").await, 2);
    assert_eq!(local.count("geo_communes").await, 4);
    local.remove().await;
}

#[tokio::test]
async fn a_cache_hit_makes_no_request() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    let base = synced(&log, &local).await;
    let app = geo_router(&local, Some(&base));

    let (status, body) = call(app.clone(), "/api/geo/provinces").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"][0],
        json!({"id": "84_VN101", "name": "Thành phố Hà Nội", "nameEn": "ha noi", "newId": null})
    );
    let (_, body) = call(app.clone(), "/api/geo/provinces?scheme=old").await;
    assert_eq!(body["data"][0]["newId"], "84_VN101");
    let (_, body) = call(app.clone(), "/api/geo/districts?provinceId=101").await;
    assert_eq!(body["data"][0]["id"], "10101");
    let (_, body) = call(app.clone(), "/api/geo/communes?provinceId=84_VN101").await;
    assert_eq!(body["data"][0]["districtId"], Value::Null);
    let uri = "/api/geo/communes?provinceId=101&districtId=10101";
    let (_, body) = call(app, uri).await;
    assert_eq!(body["data"][0]["id"], "1010115");

    assert_eq!(log.lines(), Vec::<String>::new());
    local.remove().await;
}

#[tokio::test]
async fn a_miss_reads_through_once_and_stores_what_came() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    let base = serve(geo_mock(&log)).await;
    let app = geo_router(&local, Some(&base));

    let (status, body) = call(app.clone(), "/api/geo/communes?provinceId=84_VN129").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["name"], "Phường Sài Gòn");
    // The province list comes first, since the communes hang on their province.
    assert_eq!(
        log.lines(),
        [
            "/geo/provinces?country_code=84&is_new=true",
            "/geo/communes?province_id=84_VN129",
        ]
    );

    let (_, again) = call(app.clone(), "/api/geo/communes?provinceId=84_VN129").await;
    let (_, provinces) = call(app.clone(), "/api/geo/provinces?scheme=new").await;
    assert_eq!(again, body);
    assert_eq!(provinces["data"].as_array().unwrap().len(), 2);
    assert_eq!(log.calls().len(), 2, "{:?}", log.lines());

    let (status, body) = call(app, "/api/geo/districts?provinceId=101").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        log.lines()[2..],
        [
            "/geo/provinces?country_code=84",
            "/geo/districts?province_id=101",
            "/geo/communes?province_id=101",
        ]
    );
    local.remove().await;
}

// ---------------------------------------------------------------- router

async fn call(app: Router, uri: &str) -> (StatusCode, Value) {
    let (status, body) = call_text(app, uri).await;
    (status, serde_json::from_str(&body).unwrap())
}

async fn call_text(app: Router, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn geo_router(local: &LocalDatabase, base_url: Option<&str>) -> Router {
    geo::router_with(base_url.map(config)).with_state(local.state())
}

#[tokio::test]
async fn router_requires_province_id_and_a_known_scheme() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    let base = serve(geo_mock(&log)).await;
    let app = geo_router(&local, Some(&base));

    for (uri, field) in [
        ("/api/geo/districts", "provinceId"),
        ("/api/geo/communes?provinceId=%20", "provinceId"),
        ("/api/geo/provinces?scheme=maybe", "scheme"),
    ] {
        let (status, body) = call(app.clone(), uri).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
        assert_eq!(body["error"]["details"][0]["field"], field);
    }
    assert!(log.requests().is_empty());
    local.remove().await;
}

#[tokio::test]
async fn router_without_key_and_an_empty_cache_is_not_configured() {
    let local = LocalDatabase::new().await;
    let app = geo_router(&local, None);

    let (status, page) = call_text(app.clone(), "/geo/address").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // The fields say why they are empty and do not ask again.
    assert!(page.contains(r#"hx-trigger="change""#), "{page}");
    assert!(page.contains("pancake geo sync"), "{page}");
    // A form drawn from the empty cache asks for them once it has loaded.
    let pages = crate::web::router().with_state(local.state());
    let (_, form) = call_text(pages, "/customers/new").await;
    assert!(form.contains(r#"hx-trigger="load, change""#), "{form}");

    let (status, body) = call(app, "/api/geo/provinces").await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body,
        json!({"success": false, "error": {
            "code": "SERVICE_UNAVAILABLE",
            "message": "Pancake POS is not configured: set POS_API_KEY"}})
    );
    local.remove().await;
}

#[tokio::test]
async fn router_without_key_answers_from_the_cache() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    synced(&log, &local).await;
    let app = geo_router(&local, None);

    let (status, body) = call(app, "/api/geo/communes?provinceId=701").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["id"], "7010101");
    local.remove().await;
}

#[tokio::test]
async fn router_maps_upstream_failure_to_bad_gateway_without_the_key() {
    let (upstream, _) = scripted(vec![(
        StatusCode::OK,
        json!({"success": false, "message": format!("bad key {KEY}")}),
    )]);
    let local = LocalDatabase::new().await;
    let app = geo::router_with(Some(config(&serve(upstream).await))).with_state(local.state());

    let (status, body) = call(app, "/api/geo/provinces").await;

    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body["error"]["code"], "UPSTREAM_ERROR");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("bad key [redacted]"), "{message}");
    assert!(!body.to_string().contains(KEY));
    assert_eq!(local.count("geo_provinces").await, 0);
    local.remove().await;
}

#[tokio::test]
async fn the_address_fields_cascade_from_the_scheme_down() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    let base = serve(geo_mock(&log)).await;
    let app = geo_router(&local, Some(&base));

    // The 2025 scheme by default: provinces, and no district select.
    let (status, page) = call_text(app.clone(), "/geo/address").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(r#"<option value="84_VN101">Thành phố Hà Nội</option>"#),
        "{page}"
    );
    assert!(!page.contains(r#"name="districtId""#), "{page}");

    // A province lists its communes, read through once.
    let uri = "/geo/address?scheme=new&provinceId=84_VN101&communeId=";
    let (_, page) = call_text(app.clone(), uri).await;
    assert!(
        page.contains(r#"<option value="84_VN101" selected>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<option value="84_VN10101">Phường Ba Đình</option>"#),
        "{page}"
    );

    // The old scheme: a district, then its communes; a commune of another
    // province is dropped when the province changes.
    let uri = "/geo/address?scheme=old&provinceId=701&districtId=70101&communeId=1010115";
    let (_, page) = call_text(app, uri).await;
    assert!(
        page.contains(r#"<option value="70101" selected>Quận 1</option>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<option value="7010101">Phường Bến Nghé</option>"#),
        "{page}"
    );
    assert!(!page.contains("1010115"), "{page}");
    local.remove().await;
}

// ---------------------------------------------------------------- addresses

fn area(province: &str, district: Option<&str>, commune: Option<&str>) -> Area {
    Area {
        province_id: Some(province.into()),
        district_id: district.map(Into::into),
        commune_id: commune.map(Into::into),
    }
}

/// The field and English message of a 422.
fn refusal(err: crate::AppError) -> (String, String) {
    match err {
        crate::AppError::Validation { details, .. } => {
            (details[0].field.clone(), details[0].problem.to_string())
        }
        other => panic!("not a validation error: {other:?}"),
    }
}

#[tokio::test]
async fn an_address_must_agree_with_the_cache() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    synced(&log, &local).await;
    let mut conn = local.pool.acquire().await.unwrap();

    let checked = geo::address::check(&mut conn, &area("84_VN101", None, Some("84_VN10101")))
        .await
        .unwrap();
    assert_eq!(checked, area("84_VN101", None, Some("84_VN10101")));
    // An old commune chosen without its district gets it.
    let checked = geo::address::check(&mut conn, &area(" 101 ", None, Some("1010115")))
        .await
        .unwrap();
    assert_eq!(checked, area("101", Some("10101"), Some("1010115")));
    assert_eq!(
        geo::address::check(&mut conn, &Area::default())
            .await
            .unwrap(),
        Area::default()
    );

    let refused = [
        (
            area("84_VN101", None, Some("84_VN12901")),
            "communeId",
            GeoProblem::CommuneOfAnotherProvince,
        ),
        (
            area("101", Some("70101"), None),
            "districtId",
            GeoProblem::DistrictOfAnotherProvince,
        ),
        (
            area("701", Some("70101"), Some("1010115")),
            "communeId",
            GeoProblem::CommuneOfAnotherProvince,
        ),
        (
            area("84_VN101", Some("10101"), None),
            "districtId",
            GeoProblem::NoDistrictsInNewScheme,
        ),
        (
            area("999", None, None),
            "provinceId",
            GeoProblem::UnknownProvince,
        ),
        (
            area("101", None, Some("nowhere")),
            "communeId",
            GeoProblem::UnknownCommune,
        ),
    ];
    for (area, field, problem) in refused {
        let err = geo::address::check(&mut conn, &area).await.unwrap_err();
        assert_eq!(
            refusal(err),
            (field.to_owned(), problem.english().to_owned()),
            "{area:?}"
        );
    }
    let orphan = Area {
        commune_id: Some("84_VN10101".into()),
        ..Area::default()
    };
    let err = geo::address::check(&mut conn, &orphan).await.unwrap_err();
    assert_eq!(refusal(err), ("provinceId".into(), "is required".into()));
    drop(conn);
    local.remove().await;
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn json_request(method: &str, uri: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn form_request(uri: &str, form: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn the_customer_api_keeps_the_area_ids() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    synced(&log, &local).await;
    let app = customers::router().with_state(local.state());

    let body = json!({"name": "Lan", "phone": "0912345678",
                      "provinceId": "101", "districtId": "10101", "communeId": "1010115"});
    let (status, created) = send(app.clone(), json_request("POST", "/api/customers", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let created: Value = serde_json::from_str(&created).unwrap();
    let id = created["data"]["id"].as_i64().unwrap();
    let (_, shown) = send(
        app.clone(),
        Request::get(format!("/api/customers/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let shown: Value = serde_json::from_str(&shown).unwrap();
    for data in [&created["data"], &shown["data"]] {
        assert_eq!(
            (&data["provinceId"], &data["districtId"], &data["communeId"]),
            (&json!("101"), &json!("10101"), &json!("1010115")),
            "{data}"
        );
    }

    // A 2025 address replaces it; a commune of another province is refused.
    let body = json!({"name": "Lan", "phone": "0912345678",
                      "provinceId": "84_VN129", "communeId": "84_VN12901"});
    let (status, updated) = send(
        app.clone(),
        json_request("PUT", &format!("/api/customers/{id}"), &body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let updated: Value = serde_json::from_str(&updated).unwrap();
    assert_eq!(updated["data"]["districtId"], Value::Null);
    assert_eq!(updated["data"]["communeId"], "84_VN12901");
    let body = json!({"name": "Lan", "phone": "0912345678",
                      "provinceId": "84_VN129", "communeId": "84_VN10101"});
    let (status, refused) = send(
        app,
        json_request("PUT", &format!("/api/customers/{id}"), &body),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let refused: Value = serde_json::from_str(&refused).unwrap();
    assert_eq!(refused["error"]["details"][0]["field"], "communeId");
    let kept = customers::service::get(&local.pool, id).await.unwrap();
    assert_eq!(kept.area, area("84_VN129", None, Some("84_VN12901")));

    // Details without an area keep the one stored.
    let request = customers::CustomerRequest {
        name: Some("Lan Nguyễn".into()),
        phone: Some("0912345678".into()),
        ..customers::CustomerRequest::default()
    };
    let renamed = customers::service::update(&local.pool, id, request)
        .await
        .unwrap();
    assert_eq!(renamed.area, kept.area);
    local.remove().await;
}

#[tokio::test]
async fn the_customer_form_stores_the_ids_and_refuses_a_commune_of_another_province() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    synced(&log, &local).await;
    let app = crate::web::router().with_state(local.state());

    // The form lists the cached 2025 provinces.
    let (status, page) = send(
        app.clone(),
        Request::get("/customers/new").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"hx-get="/geo/address""#), "{page}");
    assert!(
        page.contains(r#"<option value="84_VN129">Thành phố Hồ Chí Minh</option>"#),
        "{page}"
    );

    let form = "name=Lan&phone=0912345678&scheme=new&provinceId=84_VN101&communeId=84_VN12901";
    let (status, page) = send(app.clone(), form_request("/customers", form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="f-communeId-error""#), "{page}");
    assert!(
        page.contains(GeoProblem::CommuneOfAnotherProvince.in_language(Lang::Vi)),
        "{page}"
    );
    // What was chosen stays chosen, with the province's own communes listed.
    assert!(
        page.contains(r#"<option value="84_VN101" selected>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<option value="84_VN10101">Phường Ba Đình</option>"#),
        "{page}"
    );
    assert_eq!(local.count("customers").await, 0);

    let form = "name=Lan&phone=0912345678&scheme=new&provinceId=84_VN101&communeId=84_VN10101";
    let (status, _) = send(app.clone(), form_request("/customers", form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let everyone = customers::service::CustomerFilter::default();
    let (customers, _) =
        customers::service::list(&local.pool, &everyone, Pagination::new(None, None).unwrap())
            .await
            .unwrap();
    assert_eq!(
        customers[0].area,
        area("84_VN101", None, Some("84_VN10101"))
    );

    let id = customers[0].id;
    let (_, page) = send(
        app.clone(),
        Request::get(format!("/customers/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.contains("Phường Ba Đình, Thành phố Hà Nội"), "{page}");
    let (_, page) = send(
        app,
        Request::get(format!("/customers/{id}/edit"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        page.contains(r#"<option value="84_VN10101" selected>"#),
        "{page}"
    );
    local.remove().await;
}

#[tokio::test]
async fn the_warehouse_api_and_form_keep_the_area_ids() {
    let log = Log::default();
    let local = LocalDatabase::new().await;
    synced(&log, &local).await;
    let app = crate::warehouses::router().with_state(local.state());

    let body = json!({"code": "KHO-2", "name": "Kho Quận 1",
                      "provinceId": "701", "communeId": "7010101"});
    let (status, created) = send(app.clone(), json_request("POST", "/api/warehouses", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let created: Value = serde_json::from_str(&created).unwrap();
    assert_eq!(
        (
            &created["data"]["provinceId"],
            &created["data"]["districtId"],
            &created["data"]["communeId"]
        ),
        (&json!("701"), &json!("70101"), &json!("7010101"))
    );
    let id = created["data"]["id"].as_i64().unwrap();

    let body = json!({"code": "KHO-2", "name": "Kho Quận 1",
                      "provinceId": "701", "communeId": "1010115"});
    let (status, refused) = send(
        app.clone(),
        json_request("PUT", &format!("/api/warehouses/{id}"), &body),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.contains("communeId"), "{refused}");

    let form = "code=KHO-2&name=Kho+Qu%E1%BA%ADn+1&active=on&scheme=new&provinceId=84_VN129&communeId=84_VN12901";
    let (status, page) = send(
        app.clone(),
        form_request(&format!("/warehouses/{id}"), form),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, shown) = send(
        app.clone(),
        Request::get(format!("/api/warehouses/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["data"]["provinceId"], "84_VN129");
    assert_eq!(shown["data"]["districtId"], Value::Null);
    let (_, page) = send(
        app,
        Request::get(format!("/warehouses/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("Phường Sài Gòn, Thành phố Hồ Chí Minh"),
        "{page}"
    );
    local.remove().await;
}

/// A Pancake with one warehouse: a POST adds one, a PUT replaces the first.
async fn pancake_warehouses() -> crate::pancake::testing::Pancake {
    use crate::pancake::testing::{ok, Hit, Pancake};
    let stored = Arc::new(Mutex::new(vec![json!({
        "id": "5c0ffee0-0000-4000-8000-000000000001", "name": "Kho 1",
        "province_id": 101, "district_id": "10101", "commune_id": "1010115"
    })]));
    Pancake::serve(move |hit: &Hit| {
        let mut all = stored.lock().unwrap();
        match hit.method {
            axum::http::Method::POST => {
                let mut created = hit.body.clone();
                created["id"] = json!(format!(
                    "5c0ffee0-0000-4000-8000-00000000000{}",
                    all.len() + 1
                ));
                all.push(created.clone());
                ok(created)
            }
            axum::http::Method::PUT => {
                // Pancake lists the province id as a number, as it came.
                all[0] = hit.body.clone();
                let province = all[0]["province_id"]
                    .as_str()
                    .and_then(|id| id.parse::<i64>().ok());
                if let Some(province) = province {
                    all[0]["province_id"] = json!(province);
                }
                ok(hit.body.clone())
            }
            _ => ok(json!({"success": true, "data": *all})),
        }
    })
    .await
}

#[tokio::test]
async fn pancake_warehouses_get_old_scheme_ids_and_never_2025_ones() {
    use crate::warehouses::pancake::WarehouseChange;
    let pancake = pancake_warehouses().await;
    let client = pancake.client(true);
    let in_area = |area| WarehouseChange {
        name: Some("Kho Quận 1".into()),
        area: Some(area),
        ..WarehouseChange::default()
    };

    let old = in_area(area("701", Some("70101"), Some("7010101")));
    client.create_warehouse(&old).await.unwrap();
    let new = in_area(area("84_VN129", None, Some("84_VN12901")));
    client.create_warehouse(&new).await.unwrap();

    let posts: Vec<Value> = pancake
        .hits()
        .into_iter()
        .filter(|hit| hit.method == axum::http::Method::POST)
        .map(|hit| hit.body)
        .collect();
    assert_eq!(
        posts,
        [
            json!({"name": "Kho Quận 1", "shelf_config": {}, "province_id": "701",
                   "district_id": "70101", "commune_id": "7010101"}),
            json!({"name": "Kho Quận 1", "shelf_config": {}}),
        ]
    );

    // An update sends the old ids and reads them back, numbers or strings.
    let id = "5c0ffee0-0000-4000-8000-000000000001";
    let updated = client.update_warehouse(id, &old).await.unwrap();
    assert_eq!(updated.province_id.as_deref(), Some("701"));
    let put = pancake
        .hits()
        .into_iter()
        .find(|hit| hit.method == axum::http::Method::PUT)
        .unwrap();
    assert_eq!(put.path, format!("/shops/4/warehouses/{id}"));
    assert_eq!(
        (
            &put.body["province_id"],
            &put.body["district_id"],
            &put.body["commune_id"]
        ),
        (&json!("701"), &json!("70101"), &json!("7010101"))
    );
}

// ---------------------------------------------------------------- CLI

fn parse(args: &[&str]) -> Result<PancakeArgs, clap::Error> {
    crate::pancake::cli::parse(args).map(|(_, args)| args)
}

#[tokio::test]
async fn cli_prints_an_aligned_table() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);

    let output = execute(
        &client,
        &Config::without_flags(),
        parse(&["geo", "provinces"]).unwrap(),
    )
    .await
    .unwrap();

    assert_eq!(
        output,
        "ID   NAME         ENGLISH NAME  NEW ID\n\
         101  Hà Nội       ha noi        84_VN101\n\
         701  Hồ Chí Minh  ho chi minh   84_VN129\n"
    );
}

#[tokio::test]
async fn cli_prints_json_and_passes_ids() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);
    let args = [
        "geo",
        "communes",
        "--province-id",
        "101",
        "--district-id",
        "10101",
        "--json",
    ];

    let output = execute(&client, &Config::without_flags(), parse(&args).unwrap())
        .await
        .unwrap();

    let data: Value = serde_json::from_str(&output).unwrap();
    assert_eq!(data[0]["id"], "1010115");
    assert_eq!(data[0]["districtId"], "10101");
    let sent = log.last();
    assert_eq!(param(&sent, "province_id"), Some("101"));
    assert_eq!(param(&sent, "district_id"), Some("10101"));
}

#[tokio::test]
async fn cli_lists_districts() {
    let log = Log::default();
    let client = client(&serve(geo_mock(&log)).await);

    let args = parse(&["geo", "districts", "--province-id", "101"]).unwrap();
    let output = execute(&client, &Config::without_flags(), args)
        .await
        .unwrap();

    assert_eq!(
        output,
        "ID     NAME          ENGLISH NAME\n10101  Quận Ba Đình  ba dinh\n"
    );
}

#[test]
fn cli_requires_province_id_and_a_known_scheme() {
    assert!(parse(&["geo", "districts"]).is_err());
    assert!(parse(&["geo", "communes", "--json"]).is_err());
    assert!(parse(&["geo", "provinces", "--is-new", "--all", "--json"]).is_ok());
    assert!(parse(&["geo", "sync"]).is_ok());
    assert!(parse(&["geo", "sync", "--scheme", "old"]).is_ok());
    assert!(parse(&["geo", "sync", "--scheme", "2025"]).is_err());
}
