//! Pancake client and `pos-geo` skill against a mock Pancake server on loopback.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, RawQuery};
use axum::http::{Request, StatusCode};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use clap::Parser;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::config::Config;
use crate::geo::{self, Commune, District, Province, ProvinceQuery};
use crate::pancake::cli::{execute, PancakeArgs};
use crate::pancake::{PancakeClient, PancakeConfig, PancakeError, RetryPolicy};

const KEY: &str = "9bfa8af5000000000000000000c0ffee";

// ---------------------------------------------------------------- mock server

type Pairs = Vec<(String, String)>;

/// Query strings received by the mock, one entry per request.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Pairs>>>);

impl Log {
    fn requests(&self) -> Vec<Pairs> {
        self.0.lock().unwrap().clone()
    }

    fn last(&self) -> Pairs {
        self.requests().pop().expect("no request reached the mock")
    }
}

fn param<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// A route that records each query string and answers `body` with HTTP 200.
fn fixture(log: &Log, body: Value) -> MethodRouter {
    let log = log.clone();
    get(move |Query(pairs): Query<Pairs>| {
        log.0.lock().unwrap().push(pairs);
        let body = body.clone();
        async move { Json(body) }
    })
}

/// Shaped like the spec examples, plus the quirks seen live: `success`, extra
/// fields, integer ids and a new-format commune without district.
fn geo_mock(log: &Log) -> Router {
    let provinces = json!({"success": true, "data": [
        {"id": "101", "name": "Hà Nội", "name_en": "ha noi", "new_id": "84_VN101",
         "country_code": 84, "region_type": 1},
        {"id": 701, "name": "Hồ Chí Minh", "name_en": "ho chi minh", "new_id": "84_VN129"}
    ]});
    let districts = json!({"success": true, "data": [
        {"id": "10101", "name": "Quận Ba Đình", "name_en": "ba dinh", "province_id": 101}
    ]});
    let communes = json!({"success": true, "data": [
        {"district_id": "10101", "id": "1010115", "name": "Phường Cống Vị", "name_en": "cong vi",
         "new_id": null, "postcode": null, "province_id": "101"},
        {"district_id": null, "id": "84_VN10101", "name": "Phường Ba Đình",
         "province_id": "84_VN101", "postcode": 100000}
    ]});
    Router::new()
        .route("/api/v1/geo/provinces", fixture(log, provinces))
        .route("/api/v1/geo/districts", fixture(log, districts))
        .route("/api/v1/geo/communes", fixture(log, communes))
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

    let communes = client.communes("101", Some("10101")).await.unwrap();

    assert_eq!(
        communes[0],
        Commune {
            id: "1010115".into(),
            name: "Phường Cống Vị".into(),
            name_en: Some("cong vi".into()),
            district_id: Some("10101".into()),
            province_id: "101".into(),
            new_id: None,
            postcode: None,
        }
    );
    assert_eq!(communes[1].district_id, None);
    assert_eq!(communes[1].name_en, None);
    assert_eq!(communes[1].postcode.as_deref(), Some("100000"));
    assert_eq!(param(&log.last(), "district_id"), Some("10101"));
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

// ---------------------------------------------------------------- router

async fn call(app: Router, uri: &str) -> (StatusCode, Value) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn mocked_router(log: &Log) -> Router {
    let base = serve(geo_mock(log)).await;
    geo::router_with(Some(config(&base)))
}

#[tokio::test]
async fn router_answers_provinces_in_camel_case_envelope() {
    let log = Log::default();
    let app = mocked_router(&log).await;

    let (status, body) = call(app, "/api/geo/provinces?isNew=true").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["success"], true);
    assert_eq!(
        body["data"][1],
        json!({"id": "701", "name": "Hồ Chí Minh", "nameEn": "ho chi minh", "newId": "84_VN129"})
    );
    assert_eq!(param(&log.last(), "is_new"), Some("true"));
}

#[tokio::test]
async fn router_answers_districts_and_communes() {
    let log = Log::default();
    let app = mocked_router(&log).await;

    let (status, body) = call(app.clone(), "/api/geo/districts?provinceId=101").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"][0]["provinceId"], "101");

    let uri = "/api/geo/communes?provinceId=101&districtId=10101";
    let (status, body) = call(app, uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"][0]["districtId"], "10101");
    assert_eq!(body["data"][1]["districtId"], Value::Null);
    assert_eq!(param(&log.last(), "district_id"), Some("10101"));
}

#[tokio::test]
async fn router_requires_province_id() {
    let log = Log::default();
    let app = mocked_router(&log).await;

    for uri in ["/api/geo/districts", "/api/geo/communes?provinceId=%20"] {
        let (status, body) = call(app.clone(), uri).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
        assert_eq!(body["error"]["details"][0]["field"], "provinceId");
    }
    assert!(log.requests().is_empty());
}

#[tokio::test]
async fn router_rejects_malformed_flags() {
    let app = geo::router_with(None);

    let (status, body) = call(app, "/api/geo/provinces?isNew=maybe").await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn router_without_key_is_not_configured() {
    #[derive(Clone)]
    struct HostState;
    // Merged into a host router with its own state, as the app does.
    let app = Router::new()
        .merge(geo::router_with::<HostState>(None))
        .with_state(HostState);

    let (status, body) = call(app, "/api/geo/provinces").await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body,
        json!({"success": false, "error": {
            "code": "SERVICE_UNAVAILABLE",
            "message": "Pancake POS is not configured: set POS_API_KEY"}})
    );
}

#[tokio::test]
async fn router_maps_upstream_failure_to_bad_gateway_without_the_key() {
    let (upstream, _) = scripted(vec![(
        StatusCode::OK,
        json!({"success": false, "message": format!("bad key {KEY}")}),
    )]);
    let app = geo::router_with(Some(config(&serve(upstream).await)));

    let (status, body) = call(app, "/api/geo/provinces").await;

    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body["error"]["code"], "UPSTREAM_ERROR");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("bad key [redacted]"), "{message}");
    assert!(!body.to_string().contains(KEY));
}

// ---------------------------------------------------------------- CLI

#[derive(Parser)]
struct HostCli {
    #[command(subcommand)]
    command: HostCommand,
}

#[derive(clap::Subcommand)]
enum HostCommand {
    Pancake(PancakeArgs),
}

fn parse(args: &[&str]) -> Result<PancakeArgs, clap::Error> {
    let argv = [env!("CARGO_PKG_NAME"), "pancake"].iter().chain(args);
    HostCli::try_parse_from(argv).map(|cli| match cli.command {
        HostCommand::Pancake(args) => args,
    })
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
fn cli_requires_province_id() {
    assert!(parse(&["geo", "districts"]).is_err());
    assert!(parse(&["geo", "communes", "--json"]).is_err());
    assert!(parse(&["geo", "provinces", "--is-new", "--all", "--json"]).is_ok());
}
