//! The Pancake POS client against a mock server on loopback that records every
//! request it receives and answers from a per-route script.

use std::collections::HashMap;
use std::error::Error;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use super::cli::{execute, parse, PancakeArgs};
use super::{
    opt_number, opt_whole, or_default, whole, PageStyle, PancakeClient, PancakeConfig,
    PancakeError, RetryPolicy, Shop, WritePolicy,
};
use crate::config::Config;

/// Shaped like a real key: 32 lowercase hex characters.
const KEY: &str = "5f3c9a0d1b7e4c2a8d6f0e9b3a1c7d5e";
const SHOP: i64 = 4242;
const ORDER: &str = "/shops/4242/orders/7";
/// Where the mock mounts the API, so paths below read as the client's callers write them.
const API_PREFIX: &str = "/api/v1";
/// A base URL for tests that never send a request.
const UNUSED_BASE_URL: &str = "http://127.0.0.1:9/api/v1";

// ---------------------------------------------------------------- mock server

/// One request as the mock received it.
#[derive(Debug, Clone)]
struct Recorded {
    method: Method,
    /// Relative to the base URL.
    path: String,
    /// Query pairs in the order they were sent.
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl Recorded {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What the mock answers to one request.
#[derive(Debug, Clone)]
enum Reply {
    Text(StatusCode, String),
    /// The full request URL, as a careless error page might print it.
    EchoUrl(StatusCode),
}

fn reply(status: StatusCode, body: Value) -> Reply {
    Reply::Text(status, body.to_string())
}

fn ok(body: Value) -> Reply {
    reply(StatusCode::OK, body)
}

fn empty(status: StatusCode) -> Reply {
    Reply::Text(status, String::new())
}

/// The replies for one method and path: the n-th request gets the n-th reply,
/// and the last reply repeats.
struct Route {
    method: Method,
    path: &'static str,
    replies: Vec<Reply>,
    hits: usize,
}

fn route(method: Method, path: &'static str, replies: impl IntoIterator<Item = Reply>) -> Route {
    let replies: Vec<Reply> = replies.into_iter().collect();
    assert!(!replies.is_empty(), "route {method} {path} needs a reply");
    Route {
        method,
        path,
        replies,
        hits: 0,
    }
}

struct Script {
    routes: Vec<Route>,
    requests: Vec<Recorded>,
}

impl Script {
    fn next_reply(&mut self, method: &Method, path: &str) -> Option<Reply> {
        let route = self
            .routes
            .iter_mut()
            .find(|route| route.method == method && route.path == path)?;
        let reply = route.replies[route.hits.min(route.replies.len() - 1)].clone();
        route.hits += 1;
        Some(reply)
    }
}

type SharedScript = Arc<Mutex<Script>>;

/// The mock's only handler: records the request, then plays the route's next reply.
async fn answer(
    State(script): State<SharedScript>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let path = path.strip_prefix(API_PREFIX).unwrap_or(path).to_owned();
    let Query(query) = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .expect("the client sends a well-formed query string");
    let reply = {
        let mut script = script.lock().unwrap();
        let reply = script.next_reply(&method, &path);
        script.requests.push(Recorded {
            method: method.clone(),
            path: path.clone(),
            query,
            headers: headers.clone(),
            body,
        });
        reply
    };
    match reply {
        Some(Reply::Text(status, text)) => {
            (status, [(CONTENT_TYPE, "application/json")], text).into_response()
        }
        Some(Reply::EchoUrl(status)) => {
            let host = headers.get(HOST).and_then(|host| host.to_str().ok());
            let url = format!("http://{}{uri}", host.unwrap_or_default());
            (status, format!("internal error while serving {url}")).into_response()
        }
        None => {
            let message = format!("no mock route for {method} {path}");
            (
                StatusCode::NOT_FOUND,
                json!({ "message": message }).to_string(),
            )
                .into_response()
        }
    }
}

struct Mock {
    script: SharedScript,
    base_url: String,
}

impl Mock {
    async fn start(routes: Vec<Route>) -> Mock {
        let script = Arc::new(Mutex::new(Script {
            routes,
            requests: Vec::new(),
        }));
        let app = Router::new().fallback(answer).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock {
            script,
            base_url: format!("http://{addr}{API_PREFIX}"),
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.script.lock().unwrap().requests.clone()
    }

    /// `METHOD /path` of each request, in the order they arrived.
    fn calls(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|request| format!("{} {}", request.method, request.path))
            .collect()
    }

    fn client(&self) -> PancakeClient {
        self.client_with(|_| {})
    }

    fn client_with(&self, adjust: impl FnOnce(&mut PancakeConfig)) -> PancakeClient {
        let mut config = config(&self.base_url);
        adjust(&mut config);
        PancakeClient::new(config).unwrap()
    }
}

/// A client for shop [`SHOP`] that may write (tests of the guardrails take that
/// back), with timeouts and retry delays short enough for failure paths.
fn config(base_url: &str) -> PancakeConfig {
    PancakeConfig {
        shop_id: Some(SHOP),
        writes: WritePolicy {
            confirmed: true,
            allowed_shops: None,
        },
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..PancakeConfig::new(base_url, KEY)
    }
}

/// `PancakeConfig::from_lookup` over `POS_API_KEY` plus `vars`.
fn from_vars(vars: &[(&str, &str)]) -> Result<PancakeConfig, PancakeError> {
    let env: HashMap<&str, &str> = [("POS_API_KEY", KEY)].iter().chain(vars).copied().collect();
    PancakeConfig::from_lookup(|name| env.get(name).map(|value| value.to_string()))
}

/// Everything an error can print: Display, alternate Display and Debug, down
/// its chain of sources.
fn printed(error: &PancakeError) -> String {
    std::iter::successors(Some(error as &(dyn Error + 'static)), |&error| {
        error.source()
    })
    .map(|error| format!("{error}\n{error:#}\n{error:?}\n"))
    .collect()
}

#[derive(Debug, PartialEq, Deserialize)]
struct Order {
    id: i64,
    status: i64,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Warehouse {
    id: String,
    name: String,
}

fn order(status: i64) -> Value {
    json!({"success": true, "data": {"id": 7, "status": status}})
}

/// Accepts the object after an update only if its `status` is `expected`.
fn has_status(expected: i64) -> impl Fn(&Value) -> Result<(), String> {
    move |after| {
        if after["status"] == expected {
            Ok(())
        } else {
            Err(format!("status is {}, not {expected}", after["status"]))
        }
    }
}

/// Every route a write to order 7 touches, all answering success.
fn order_routes() -> Vec<Route> {
    vec![
        route(Method::GET, ORDER, [ok(order(1))]),
        route(Method::PUT, ORDER, [ok(json!({"success": true}))]),
        route(Method::DELETE, ORDER, [ok(json!({"success": true}))]),
        route(Method::POST, "/shops/4242/orders", [ok(order(0))]),
    ]
}

/// Each kind of write, aimed at order 7 of shop [`SHOP`].
async fn every_write(client: &PancakeClient) -> Vec<(&'static str, Result<Value, PancakeError>)> {
    let body = json!({"status": 1});
    vec![
        ("post", client.post("/shops/4242/orders", &body).await),
        ("put", client.put(ORDER, &body).await),
        ("delete_checked", client.delete_checked(ORDER, ORDER).await),
        (
            "update_verified",
            client
                .update_verified(ORDER, ORDER, &body, has_status(1))
                .await,
        ),
    ]
}

fn shops_route() -> Route {
    route(
        Method::GET,
        "/shops",
        [ok(json!({"success": true, "shops": [
            {"id": 4242, "name": "Cửa hàng Hà Nội"},
            {"id": 77, "name": "Kho Sài Gòn"}
        ]}))],
    )
}

// ---------------------------------------------------------------- configuration

#[test]
fn shop_path_without_shop_id_is_shop_not_configured() {
    let config = PancakeConfig {
        shop_id: None,
        ..config(UNUSED_BASE_URL)
    };
    let client = PancakeClient::new(config).unwrap();

    let error = client.shop_path("/orders").unwrap_err();

    assert!(
        matches!(error, PancakeError::ShopNotConfigured),
        "{error:?}"
    );
}

#[test]
fn shop_path_puts_the_shop_in_front() {
    let client = PancakeClient::new(config(UNUSED_BASE_URL)).unwrap();

    assert_eq!(client.shop_path("/orders").unwrap(), "/shops/4242/orders");
}

#[test]
fn config_reads_shop_id_as_an_i64() {
    // Beyond u32, like the order-item ids the spec warns about.
    let config = from_vars(&[("SHOP_ID", "12187295733")]).unwrap();
    assert_eq!(config.shop_id, Some(12_187_295_733));

    assert_eq!(from_vars(&[]).unwrap().shop_id, None);
}

#[test]
fn config_rejects_shop_ids_that_are_not_numbers_naming_the_variable() {
    for (name, value) in [("SHOP_ID", "shop-1"), ("POS_ALLOWED_SHOPS", "4242,main")] {
        let error = from_vars(&[(name, value)]).unwrap_err();

        let PancakeError::InvalidConfig(message) = &error else {
            panic!("{name}={value}: {error:?}");
        };
        assert!(message.contains(name), "{message}");
    }
}

#[test]
fn config_confirms_writes_only_for_exactly_yes() {
    let confirms = |value| {
        from_vars(&[("CONFIRM_WRITE", value)])
            .unwrap()
            .writes
            .confirmed
    };

    assert!(confirms("YES"));
    for value in ["yes", "Yes", "1", "true", "y"] {
        assert!(!confirms(value), "CONFIRM_WRITE={value} confirmed writes");
    }
    assert!(!from_vars(&[]).unwrap().writes.confirmed);
}

#[test]
fn config_reads_allowed_shops_as_a_comma_list() {
    let config = from_vars(&[("POS_ALLOWED_SHOPS", "4242, 77,1890171475")]).unwrap();
    assert_eq!(
        config.writes.allowed_shops,
        Some(vec![4242, 77, 1_890_171_475])
    );

    assert_eq!(from_vars(&[]).unwrap().writes.allowed_shops, None);
}

#[test]
fn config_sends_bearer_only_when_pos_send_bearer_is_true() {
    let bearer = |value| {
        from_vars(&[("POS_SEND_BEARER", value)])
            .unwrap()
            .send_bearer
    };

    assert!(bearer("true"));
    assert!(!bearer("no"));
    assert!(!from_vars(&[]).unwrap().send_bearer);
}

// ---------------------------------------------------------------- pagination

/// The query pairs `get_page` sends for page 3 of 20 with one filter.
async fn page_query(style: PageStyle) -> Vec<(String, String)> {
    let mock = Mock::start(vec![route(
        Method::GET,
        "/shops/4242/orders",
        [ok(json!({"data": [], "page_number": 3}))],
    )])
    .await;

    mock.client()
        .get_page::<Value>("/shops/4242/orders", &[("status", "1")], style, 3, 20)
        .await
        .unwrap();

    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    requests[0].query.clone()
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

#[tokio::test]
async fn get_page_sends_page_number_and_page_size_for_page_number_style() {
    assert_eq!(
        page_query(PageStyle::PageNumber).await,
        pairs(&[
            ("api_key", KEY),
            ("status", "1"),
            ("page_number", "3"),
            ("page_size", "20"),
        ])
    );
}

#[tokio::test]
async fn get_page_sends_page_and_page_size_for_page_style() {
    assert_eq!(
        page_query(PageStyle::Page).await,
        pairs(&[
            ("api_key", KEY),
            ("status", "1"),
            ("page", "3"),
            ("page_size", "20"),
        ])
    );
}

#[tokio::test]
async fn get_page_decodes_the_paginated_envelope() {
    let mock = Mock::start(vec![route(
        Method::GET,
        "/shops/4242/orders",
        [ok(json!({
            "success": true, "data": [{"id": 7, "status": 1}],
            "page_number": 2, "page_size": 1, "total_entries": 48, "total_pages": 48
        }))],
    )])
    .await;

    let page = mock
        .client()
        .get_page::<Order>("/shops/4242/orders", &[], PageStyle::PageNumber, 2, 1)
        .await
        .unwrap();

    assert_eq!(page.data, [Order { id: 7, status: 1 }]);
    assert_eq!(page.page_number, Some(2));
    assert_eq!(page.total_pages, Some(48));
    assert_eq!(page.total_entries, Some(48));
}

/// A list endpoint answering `pages` in turn, `page_number` style.
async fn list_mock(pages: Vec<Value>) -> Mock {
    Mock::start(vec![route(
        Method::GET,
        "/shops/4242/customers",
        pages.into_iter().map(ok),
    )])
    .await
}

fn page_numbers(mock: &Mock) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|request| request.param("page_number").unwrap_or("-").to_owned())
        .collect()
}

#[tokio::test]
async fn get_all_walks_pages_until_total_pages() {
    let mock = list_mock(vec![
        json!({"data": [1, 2], "total_pages": 2}),
        json!({"data": [3], "total_pages": 2}),
        json!({"data": [99], "total_pages": 2}),
    ])
    .await;

    let items: Vec<u32> = mock
        .client()
        .get_all("/shops/4242/customers", &[], PageStyle::PageNumber, 2, 10)
        .await
        .unwrap();

    assert_eq!(items, [1, 2, 3]);
    assert_eq!(page_numbers(&mock), ["1", "2"]);
}

#[tokio::test]
async fn get_all_stops_at_an_empty_page_without_total_pages() {
    let mock = list_mock(vec![
        json!({"data": [1, 2]}),
        json!({"data": [3]}),
        json!({"data": []}),
        json!({"data": [99]}),
    ])
    .await;

    let items: Vec<u32> = mock
        .client()
        .get_all("/shops/4242/customers", &[], PageStyle::PageNumber, 2, 10)
        .await
        .unwrap();

    assert_eq!(items, [1, 2, 3]);
    assert_eq!(page_numbers(&mock), ["1", "2", "3"]);
}

#[tokio::test]
async fn get_all_fails_with_too_many_pages_past_max_pages() {
    let mock = list_mock(vec![json!({"data": [1]})]).await;

    let error = mock
        .client()
        .get_all::<u32>("/shops/4242/customers", &[], PageStyle::PageNumber, 1, 3)
        .await
        .unwrap_err();

    assert!(
        matches!(error, PancakeError::TooManyPages { max_pages: 3 }),
        "{error:?}"
    );
    assert_eq!(page_numbers(&mock), ["1", "2", "3"]);
}

// ---------------------------------------------------------------- envelopes

#[tokio::test]
async fn get_object_unwraps_a_data_envelope() {
    let mock = Mock::start(vec![route(Method::GET, ORDER, [ok(order(2))])]).await;

    let found: Order = mock.client().get_object(ORDER, &[]).await.unwrap();

    assert_eq!(found, Order { id: 7, status: 2 });
}

#[tokio::test]
async fn get_object_accepts_a_bare_object() {
    let bare = json!({"id": 7, "status": 2});
    let mock = Mock::start(vec![route(Method::GET, ORDER, [ok(bare)])]).await;

    let found: Order = mock.client().get_object(ORDER, &[]).await.unwrap();

    assert_eq!(found, Order { id: 7, status: 2 });
}

#[tokio::test]
async fn get_list_reads_the_data_array() {
    let warehouses = json!({"success": true, "data": [
        {"id": "a3f1c2e4-0000-4000-8000-000000000001", "name": "Kho chính"}
    ]});
    let mock = Mock::start(vec![route(
        Method::GET,
        "/shops/4242/warehouses",
        [ok(warehouses)],
    )])
    .await;

    let found: Vec<Warehouse> = mock
        .client()
        .get_list("/shops/4242/warehouses", &[])
        .await
        .unwrap();

    assert_eq!(
        found,
        [Warehouse {
            id: "a3f1c2e4-0000-4000-8000-000000000001".into(),
            name: "Kho chính".into(),
        }]
    );
}

#[tokio::test]
async fn shops_reads_the_shops_field() {
    let mock = Mock::start(vec![shops_route()]).await;

    let shops = mock.client().shops().await.unwrap();

    assert_eq!(
        shops,
        [
            Shop {
                id: 4242,
                name: "Cửa hàng Hà Nội".into(),
            },
            Shop {
                id: 77,
                name: "Kho Sài Gòn".into(),
            },
        ]
    );
    assert_eq!(mock.requests()[0].query, pairs(&[("api_key", KEY)]));
}

#[tokio::test]
async fn success_false_on_http_200_is_rejected_with_its_message() {
    let refusal = json!({"success": false, "message": "Không tìm thấy đơn hàng"});
    let mock = Mock::start(vec![route(Method::GET, ORDER, [ok(refusal)])]).await;

    let error = mock
        .client()
        .get_object::<Order>(ORDER, &[])
        .await
        .unwrap_err();

    assert!(
        matches!(&error, PancakeError::Rejected { message } if message == "Không tìm thấy đơn hàng"),
        "{error:?}"
    );
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn non_2xx_is_a_status_error_with_status_and_message() {
    let mock = Mock::start(vec![route(
        Method::GET,
        ORDER,
        [reply(
            StatusCode::BAD_REQUEST,
            json!({"message": "invalid order id"}),
        )],
    )])
    .await;

    let error = mock
        .client()
        .get_object::<Order>(ORDER, &[])
        .await
        .unwrap_err();

    assert!(
        matches!(&error, PancakeError::Status { status, message }
            if *status == StatusCode::BAD_REQUEST && message == "invalid order id"),
        "{error:?}"
    );
}

#[tokio::test]
async fn empty_2xx_body_on_a_write_is_success() {
    let mock = Mock::start(vec![
        route(Method::POST, "/shops/4242/orders", [empty(StatusCode::OK)]),
        route(Method::PUT, ORDER, [empty(StatusCode::NO_CONTENT)]),
    ])
    .await;
    let client = mock.client();
    let body = json!({"status": 1, "note": "giao buổi sáng"});

    assert_eq!(
        client.post("/shops/4242/orders", &body).await.unwrap(),
        Value::Null
    );
    assert_eq!(client.put(ORDER, &body).await.unwrap(), Value::Null);

    let requests = mock.requests();
    assert_eq!(
        mock.calls(),
        ["POST /shops/4242/orders", "PUT /shops/4242/orders/7"]
    );
    assert!(requests.iter().all(|request| request.json() == body));
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn get_is_retried_after_500_and_429_then_succeeds() {
    let mock = Mock::start(vec![route(
        Method::GET,
        ORDER,
        [
            reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"message": "oops"}),
            ),
            reply(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"message": "slow down"}),
            ),
            ok(order(1)),
        ],
    )])
    .await;

    let found: Order = mock.client().get_object(ORDER, &[]).await.unwrap();

    assert_eq!(found, Order { id: 7, status: 1 });
    assert_eq!(mock.calls(), vec![format!("GET {ORDER}"); 3]);
}

#[tokio::test]
async fn put_is_retried_after_503() {
    let mock = Mock::start(vec![route(
        Method::PUT,
        ORDER,
        [
            reply(StatusCode::SERVICE_UNAVAILABLE, json!({"message": "busy"})),
            ok(json!({"success": true})),
        ],
    )])
    .await;
    let body = json!({"status": 1});

    mock.client().put(ORDER, &body).await.unwrap();

    let requests = mock.requests();
    assert_eq!(mock.calls(), vec![format!("PUT {ORDER}"); 2]);
    assert!(requests.iter().all(|request| request.json() == body));
}

#[tokio::test]
async fn post_is_never_retried_even_after_500() {
    let mock = Mock::start(vec![route(
        Method::POST,
        "/shops/4242/orders",
        [
            reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"message": "oops"}),
            ),
            ok(order(0)),
        ],
    )])
    .await;

    let error = mock
        .client()
        .post("/shops/4242/orders", &json!({"status": 0}))
        .await
        .unwrap_err();

    assert!(
        matches!(&error, PancakeError::Status { status, .. } if *status == StatusCode::INTERNAL_SERVER_ERROR),
        "{error:?}"
    );
    assert_eq!(mock.calls(), ["POST /shops/4242/orders"]);
}

// ---------------------------------------------------------------- guardrails

#[tokio::test]
async fn unconfirmed_writes_are_refused_before_any_request() {
    let mock = Mock::start(order_routes()).await;
    let client = mock.client_with(|config| config.writes.confirmed = false);

    for (write, result) in every_write(&client).await {
        assert!(
            matches!(result, Err(PancakeError::WriteNotConfirmed)),
            "{write}: {result:?}"
        );
    }
    assert_eq!(mock.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn writes_to_a_shop_outside_the_allow_list_are_refused_before_any_request() {
    let mock = Mock::start(order_routes()).await;
    let client = mock.client_with(|config| config.writes.allowed_shops = Some(vec![77]));

    for (write, result) in every_write(&client).await {
        assert!(
            matches!(result, Err(PancakeError::ShopNotAllowed { shop: SHOP })),
            "{write}: {result:?}"
        );
    }
    assert_eq!(mock.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn writes_to_an_allowed_shop_are_sent() {
    let mock = Mock::start(order_routes()).await;
    let client = mock.client_with(|config| config.writes.allowed_shops = Some(vec![77, SHOP]));

    for (write, result) in every_write(&client).await {
        assert!(result.is_ok(), "{write}: {result:?}");
    }
    assert_eq!(
        mock.calls(),
        [
            "POST /shops/4242/orders",
            "PUT /shops/4242/orders/7",
            "GET /shops/4242/orders/7",
            "DELETE /shops/4242/orders/7",
            "GET /shops/4242/orders/7",
            "PUT /shops/4242/orders/7",
            "GET /shops/4242/orders/7",
        ]
    );
}

#[tokio::test]
async fn allow_list_also_guards_a_shop_path_with_a_query_string() {
    let mock = Mock::start(vec![route(
        Method::PUT,
        "/shops/4242",
        [ok(json!({"success": true}))],
    )])
    .await;
    let client = mock.client_with(|config| config.writes.allowed_shops = Some(vec![77]));
    let webhook = json!({"shop": {"webhook_enable": false}});

    let result = client.put("/shops/4242?notify=false", &webhook).await;

    assert!(
        matches!(result, Err(PancakeError::ShopNotAllowed { shop: SHOP })),
        "{result:?}"
    );
    assert_eq!(mock.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn update_verified_gets_puts_and_gets_again_then_returns_the_object_after() {
    let mock = Mock::start(vec![
        route(Method::GET, ORDER, [ok(order(0)), ok(order(1))]),
        route(Method::PUT, ORDER, [ok(json!({"success": true}))]),
    ])
    .await;
    let body = json!({"status": 1});

    let after = mock
        .client()
        .update_verified(ORDER, ORDER, &body, has_status(1))
        .await
        .unwrap();

    assert_eq!(after, json!({"id": 7, "status": 1}));
    assert_eq!(
        mock.calls(),
        [
            "GET /shops/4242/orders/7",
            "PUT /shops/4242/orders/7",
            "GET /shops/4242/orders/7"
        ]
    );
    assert_eq!(mock.requests()[1].json(), body);
}

#[tokio::test]
async fn update_verified_is_not_verified_when_the_change_was_dropped() {
    // Pancake answers the PUT with success but silently keeps the old status.
    let mock = Mock::start(vec![
        route(Method::GET, ORDER, [ok(order(0))]),
        route(Method::PUT, ORDER, [ok(json!({"success": true}))]),
    ])
    .await;

    let error = mock
        .client()
        .update_verified(ORDER, ORDER, &json!({"status": 1}), has_status(1))
        .await
        .unwrap_err();

    assert!(
        matches!(&error, PancakeError::NotVerified { reason } if reason == "status is 0, not 1"),
        "{error:?}"
    );
}

#[tokio::test]
async fn delete_checked_gets_the_check_path_before_deleting() {
    let mock = Mock::start(order_routes()).await;

    mock.client().delete_checked(ORDER, ORDER).await.unwrap();

    assert_eq!(
        mock.calls(),
        ["GET /shops/4242/orders/7", "DELETE /shops/4242/orders/7"]
    );
}

#[tokio::test]
async fn delete_checked_does_not_delete_when_the_check_fails() {
    let mock = Mock::start(vec![
        route(
            Method::GET,
            ORDER,
            [reply(
                StatusCode::NOT_FOUND,
                json!({"message": "not found"}),
            )],
        ),
        route(Method::DELETE, ORDER, [ok(json!({"success": true}))]),
    ])
    .await;

    let error = mock
        .client()
        .delete_checked(ORDER, ORDER)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, PancakeError::Status { status, .. } if *status == StatusCode::NOT_FOUND),
        "{error:?}"
    );
    assert_eq!(mock.calls(), ["GET /shops/4242/orders/7"]);
}

// ---------------------------------------------------------------- the API key

#[tokio::test]
async fn bearer_header_is_sent_only_when_send_bearer_is_set() {
    let mock = Mock::start(vec![shops_route()]).await;

    mock.client().shops().await.unwrap();
    mock.client_with(|config| config.send_bearer = true)
        .shops()
        .await
        .unwrap();

    let requests = mock.requests();
    let authorization: Vec<Option<&str>> = requests
        .iter()
        .map(|request| {
            let header = request.headers.get(AUTHORIZATION)?;
            Some(header.to_str().unwrap())
        })
        .collect();
    assert_eq!(
        authorization,
        [None, Some(format!("Bearer {KEY}").as_str())]
    );
    assert!(requests
        .iter()
        .all(|request| request.param("api_key") == Some(KEY)));
}

#[test]
fn debug_output_never_shows_the_key() {
    let config = config(UNUSED_BASE_URL);
    let client = PancakeClient::new(config.clone()).unwrap();

    for text in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
    ] {
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
}

/// The error `shops()` returns when Pancake answers 500 with the request URL,
/// `api_key` included, in its body.
async fn error_echoing_the_url(api_key: &str) -> PancakeError {
    let mock = Mock::start(vec![route(
        Method::GET,
        "/shops",
        [Reply::EchoUrl(StatusCode::INTERNAL_SERVER_ERROR)],
    )])
    .await;
    let client = mock.client_with(|config| config.api_key = api_key.to_owned());
    client.shops().await.unwrap_err()
}

#[tokio::test]
async fn status_error_redacts_the_key_from_an_echoed_url() {
    let error = error_echoing_the_url(KEY).await;

    let PancakeError::Status { status, message } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*status, StatusCode::INTERNAL_SERVER_ERROR);
    // The echo did arrive, with the key cut out of it.
    assert!(
        message.contains("/api/v1/shops?api_key=[redacted]"),
        "{message}"
    );
    assert!(!printed(&error).contains(KEY), "{}", printed(&error));
}

#[tokio::test]
async fn status_error_redacts_a_percent_encoded_key() {
    let error = error_echoing_the_url("Ab+Cd/Ef=Gh").await;

    let text = printed(&error);
    assert!(!text.contains("Ab%2BCd%2FEf%3DGh"), "{text}");
}

#[tokio::test]
async fn transport_error_does_not_show_the_key() {
    // A port that was free a moment ago: nothing listens there any more.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = PancakeClient::new(config(&format!("http://{addr}/api/v1"))).unwrap();

    let error = client.shops().await.unwrap_err();

    assert!(
        matches!(
            error,
            PancakeError::Transport {
                kind: "connection failed",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!printed(&error).contains(KEY), "{}", printed(&error));
}

// ---------------------------------------------------------------- CLI

fn pancake_args(args: &[&str]) -> PancakeArgs {
    parse(args).unwrap().1
}

#[tokio::test]
async fn cli_shops_prints_an_id_name_table() {
    let mock = Mock::start(vec![shops_route()]).await;

    let output = execute(
        &mock.client(),
        &Config::without_flags(),
        pancake_args(&["shops"]),
    )
    .await
    .unwrap();

    assert_eq!(
        output,
        "ID    NAME\n\
         4242  Cửa hàng Hà Nội\n\
         77    Kho Sài Gòn\n"
    );
}

#[tokio::test]
async fn cli_shops_json_prints_the_shops_as_json() {
    let mock = Mock::start(vec![shops_route()]).await;

    let output = execute(
        &mock.client(),
        &Config::without_flags(),
        pancake_args(&["shops", "--json"]),
    )
    .await
    .unwrap();

    let printed: Value = serde_json::from_str(&output).unwrap();
    assert_eq!(
        printed,
        json!([
            {"id": 4242, "name": "Cửa hàng Hà Nội"},
            {"id": 77, "name": "Kho Sài Gòn"}
        ])
    );
}

/// The lenient field readers the resource types use, on the shapes the live
/// API sends.
#[derive(Debug, Deserialize)]
struct Numbers {
    #[serde(deserialize_with = "whole")]
    id: i64,
    #[serde(default, deserialize_with = "opt_whole")]
    price: Option<i64>,
    #[serde(default, deserialize_with = "opt_number")]
    points: Option<f64>,
    #[serde(default, deserialize_with = "or_default")]
    tags: Vec<String>,
}

fn numbers(body: Value) -> Result<Numbers, String> {
    serde_json::from_value(body).map_err(|error| error.to_string())
}

#[test]
fn numbers_read_as_integers_floats_strings_or_nothing() {
    let live = json!({"id": 12_187_295_733_i64, "price": 140000.0, "points": "2.5", "tags": null});
    let read = numbers(live).unwrap();
    assert_eq!(read.id, 12_187_295_733);
    assert_eq!(read.price, Some(140_000));
    assert_eq!(read.points, Some(2.5));
    assert!(read.tags.is_empty());

    let read = numbers(json!({"id": "7", "price": " 99000 ", "points": ""})).unwrap();
    assert_eq!((read.id, read.price, read.points), (7, Some(99_000), None));
    let read = numbers(json!({"id": 7, "price": null})).unwrap();
    assert_eq!((read.price, read.points), (None, None));

    for bad in [
        json!({"id": null}),
        json!({"id": "seven"}),
        json!({"id": 1, "price": "free"}),
        json!({"id": 1, "price": [1]}),
        json!({"id": 1, "points": true}),
    ] {
        assert!(numbers(bad.clone()).is_err(), "{bad} was read");
    }
}
