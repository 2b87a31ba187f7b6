//! Test harness: a fresh, migrated database and the router for each test.

use std::{
    env,
    path::PathBuf,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Once,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    response::Response,
};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sqlx::{AnyConnection, Connection, Executor};
use tower::ServiceExt;

use shop::{
    app,
    auth::{
        tokens::{self, NewToken},
        Actor,
    },
    config::SalesRules,
    db, AppState,
};

pub struct TestApp {
    pub state: AppState,
    /// An ADMIN API token, sent with every request that brings no
    /// credentials of its own.
    pub admin_token: String,
    /// The URL of this test's own database.
    pub database_url: String,
    /// What to remove when the test ends.
    database: TestDatabase,
}

/// Where a test's database lives, so it can be removed afterwards.
enum TestDatabase {
    /// A file in the temporary directory.
    Sqlite(PathBuf),
    /// A database of its own on the server `TEST_DATABASE_URL` names.
    Postgres { server_url: String, name: String },
}

impl TestApp {
    /// Sends a GET request through the router and returns the status and JSON body.
    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// Sends a JSON body with POST.
    pub async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.send(json_request("POST", uri, &body)).await
    }

    /// Sends a JSON body with PUT.
    pub async fn put(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.send(json_request("PUT", uri, &body)).await
    }

    pub async fn delete(&self, uri: &str) -> (StatusCode, Value) {
        self.send(Request::delete(uri).body(Body::empty()).unwrap())
            .await
    }

    /// Sends a body as it is, with the given content type.
    pub async fn post_raw(&self, uri: &str, content_type: &str, body: &str) -> (StatusCode, Value) {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(request).await
    }

    /// Sends any request and returns the status and JSON body.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        self.client().send(request).await
    }

    /// A handle that sends requests to this app from spawned tasks.
    pub fn client(&self) -> Client {
        Client {
            state: self.state.clone(),
            token: self.admin_token.clone(),
        }
    }

    /// GETs a non-JSON response: status, content type and text.
    pub async fn get_text(&self, uri: &str) -> (StatusCode, String, String) {
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let response = self.send_raw(request).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            String::from_utf8(bytes.to_vec()).unwrap(),
        )
    }

    /// Creates a product and returns its `data`.
    pub async fn create_product(&self, name: &str, sku: &str, price: i64) -> Value {
        let body = json!({"name": name, "sku": sku, "price": price, "taxRate": 1000});
        let (status, body) = self.post("/api/products", body).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["data"].clone()
    }

    /// Creates a product with `stock` units received, and returns its id.
    pub async fn stocked_product(&self, sku: &str, price: i64, stock: i64) -> i64 {
        let product = self
            .create_product(&format!("Sản phẩm {sku}"), sku, price)
            .await;
        let id = product["id"].as_i64().unwrap();
        if stock > 0 {
            let receipt = json!({"productId": id, "quantity": stock, "reason": "test"});
            let (status, body) = self.post("/api/inventory/receipts", receipt).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        id
    }

    /// The product's `stock` as the API reports it.
    pub async fn stock_of(&self, product_id: i64) -> i64 {
        let (status, body) = self.get(&format!("/api/products/{product_id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"]["stock"].as_i64().unwrap()
    }

    /// Counts rows with a SQL query returning one number.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.db)
            .await
            .unwrap()
    }

    /// Checks the ledger invariant: every stock level equals the sum of its
    /// movements, and no movement lacks a level.
    pub async fn assert_stock_matches_ledger(&self) {
        let mismatched = self
            .count(
                "SELECT COUNT(*) FROM stock_levels s WHERE s.on_hand <> \
                 (SELECT CAST(COALESCE(SUM(m.quantity), 0) AS BIGINT) FROM stock_movements m \
                   WHERE m.variant_id = s.variant_id AND m.warehouse_id = s.warehouse_id)",
            )
            .await;
        assert_eq!(mismatched, 0, "stock levels differ from the ledger");
        let orphaned = self
            .count(
                "SELECT COUNT(*) FROM stock_movements m WHERE NOT EXISTS \
                 (SELECT 1 FROM stock_levels s \
                   WHERE s.variant_id = m.variant_id AND s.warehouse_id = m.warehouse_id)",
            )
            .await;
        assert_eq!(orphaned, 0, "movements without a stock level");
    }

    /// Sends any request through the router and returns the whole response.
    pub async fn send_raw(&self, request: Request<Body>) -> Response {
        self.client().send_raw(request).await
    }

    /// Sends a request exactly as given: no credentials are added.
    pub async fn send_anonymous(&self, request: Request<Body>) -> Response {
        app(self.state.clone()).oneshot(request).await.unwrap()
    }
}

/// Sends requests to one test's app; cheap to clone into spawned tasks.
#[derive(Clone)]
pub struct Client {
    state: AppState,
    token: String,
}

impl Client {
    /// Sends a request and returns the status and JSON body.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let uri = request.uri().clone();
        let response = self.send_raw(request).await;
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|err| panic!("{uri} did not return JSON ({err}): {bytes:?}"));
        (status, body)
    }

    /// Sends a request and returns the whole response.
    /// The test's admin token goes along unless the request brings one of its own.
    pub async fn send_raw(&self, mut request: Request<Body>) -> Response {
        let headers = request.headers_mut();
        if !headers.contains_key(header::AUTHORIZATION) {
            let bearer = format!("Bearer {}", self.token);
            headers.insert(header::AUTHORIZATION, bearer.parse().unwrap());
        }
        app(self.state.clone()).oneshot(request).await.unwrap()
    }
}

/// Reads a response body that is expected to be UTF-8 text.
pub async fn body_text(response: Response) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).expect("a UTF-8 body")
}

/// A request with a JSON body.
pub fn json_request(method: &str, uri: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Removes the test's database. A database that cannot be removed is worth a
/// warning, not a failed test.
impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.database {
            TestDatabase::Sqlite(file) => {
                // SQLite keeps the write-ahead log and its index beside the database.
                for suffix in ["", "-wal", "-shm"] {
                    let mut path = file.clone().into_os_string();
                    path.push(suffix);
                    // A file that is already gone is fine.
                    let _ = std::fs::remove_file(path);
                }
            }
            TestDatabase::Postgres { server_url, name } => {
                if let Err(err) = drop_postgres_database(server_url, name) {
                    eprintln!("warning: test database {name} was not dropped: {err}");
                }
            }
        }
    }
}

/// Drops a test database, ending any connection still open to it.
///
/// `Drop` cannot await, and the test's runtime is busy running this very
/// drop, so the work happens on a thread with a runtime of its own. The
/// test's pool is not closed first: its connections belong to the blocked
/// runtime, and `WITH (FORCE)` (PostgreSQL 13+) ends them on the server.
fn drop_postgres_database(server_url: &str, name: &str) -> Result<(), String> {
    let server_url = server_url.to_owned();
    let statement = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| err.to_string())?;
        runtime
            .block_on(async {
                let mut conn = AnyConnection::connect(&server_url).await?;
                conn.execute(statement.as_str()).await?;
                conn.close().await
            })
            .map_err(|err| err.to_string())
    })
    .join()
    .unwrap_or_else(|_| Err("the dropping thread panicked".to_owned()))
}

/// The PostgreSQL server to test against, if `TEST_DATABASE_URL` names one.
pub fn postgres_server_url() -> Option<String> {
    let url = env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())?;
    assert!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "TEST_DATABASE_URL must be a postgres:// URL"
    );
    Some(url)
}

/// Creates and migrates a database of its own for one test, with the
/// default sales rules (prices include tax, no negative stock).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(SalesRules::default()).await
}

/// Like [`spawn_app`], with the sales rules given.
pub async fn spawn_app_with(rules: SalesRules) -> TestApp {
    listen_to_every_callsite();
    let name = unique_name();
    let (database_url, database) = match postgres_server_url() {
        Some(server_url) => (
            create_postgres_database(&server_url, &name).await,
            TestDatabase::Postgres { server_url, name },
        ),
        None => {
            let file = env::temp_dir().join(format!("{name}.db"));
            (
                format!("sqlite://{}?mode=rwc", file.display()),
                TestDatabase::Sqlite(file),
            )
        }
    };

    let pool = db::connect(&database_url)
        .await
        .expect("connect to the test database");
    db::migrate(&pool).await.expect("migrate the test database");
    let admin = NewToken {
        name: Some("tests".into()),
        role: Some("ADMIN".into()),
    };
    let admin_token = tokens::create(&pool, &Actor::Operator, &admin)
        .await
        .expect("create the test's admin token")
        .secret;
    TestApp {
        state: AppState::new(pool, rules),
        admin_token,
        database_url,
        database,
    }
}

/// Installs a process-wide subscriber that records nothing but listens to
/// everything, so tests that capture logs with a subscriber of their own see
/// every event.
///
/// `tracing` decides once per callsite, for the whole process, whether anyone
/// listens, and while a single subscriber exists it asks the thread that first
/// reaches the callsite. Without this, a test thread with no subscriber could
/// settle that for a thread that has one.
fn listen_to_every_callsite() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry())
            .expect("no other global subscriber in the test binary");
    });
}

/// A name no other test, in this run or a parallel one, is using.
fn unique_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    // Short and lowercase, because PostgreSQL cuts names at 63 bytes.
    format!("test_{}_{count}_{nanos}", std::process::id())
}

async fn create_postgres_database(server_url: &str, name: &str) -> String {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(server_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await
        .expect("create a test database");
    conn.close()
        .await
        .expect("disconnect from TEST_DATABASE_URL");
    with_database(server_url, name)
}

/// Swaps the database name in a PostgreSQL URL, keeping its query options.
fn with_database(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server_url, String::new()),
    };
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[host_start..].find('/') {
        Some(slash) => &base[..host_start + slash],
        None => base,
    };
    format!("{server}/{name}{query}")
}

#[test]
fn with_database_replaces_only_the_name() {
    assert_eq!(
        with_database("postgres://u:p@host:5432/postgres?sslmode=disable", "t1"),
        "postgres://u:p@host:5432/t1?sslmode=disable"
    );
    assert_eq!(with_database("postgres://host", "t1"), "postgres://host/t1");
}
