//! Webhooks against a database of their own (SQLite, or PostgreSQL when
//! `TEST_DATABASE_URL` names a server) and, for outgoing ones, a receiver on
//! loopback.

mod admin;
mod inbound;
mod outbound;

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use super::*;
use crate::db;

/// A migrated database for one test, removed when the test ends.
struct TestDb {
    pool: AnyPool,
    place: Place,
}

enum Place {
    File(std::path::PathBuf),
    Postgres { server: String, name: String },
}

impl TestDb {
    async fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!(
            "webhooks_{}_{nanos}_{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let (url, place) = match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
        {
            Some(server) => {
                sqlx::any::install_default_drivers();
                let mut conn = AnyConnection::connect(&server).await.unwrap();
                conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                let (base, _) = server.rsplit_once('/').unwrap();
                (
                    format!("{base}/{name}"),
                    Place::Postgres {
                        server: server.clone(),
                        name,
                    },
                )
            }
            None => {
                let file = std::env::temp_dir().join(format!("{name}.db"));
                (
                    format!("sqlite://{}?mode=rwc", file.display()),
                    Place::File(file),
                )
            }
        };
        let pool = db::connect(&url).await.unwrap();
        db::migrate(&pool).await.unwrap();
        Self { pool, place }
    }

    /// Counts rows with a SQL query returning one number.
    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }
}

/// Removes the database; its server's `WITH (FORCE)` ends the pool's
/// connections, which belong to the test's runtime and cannot be closed here.
impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.place {
            Place::File(file) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut path = file.clone().into_os_string();
                    path.push(suffix);
                    let _ = std::fs::remove_file(path);
                }
            }
            Place::Postgres { server, name } => {
                let server = server.clone();
                let statement = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(async {
                        let mut conn = AnyConnection::connect(&server).await?;
                        conn.execute(statement.as_str()).await?;
                        conn.close().await
                    })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: test database {name} was not dropped");
                }
            }
        }
    }
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let delivery = Outbound {
        retry_after: Duration::from_secs(30),
        retry_max: Duration::from_secs(300),
        ..Outbound::default()
    };
    let waits: Vec<u64> = (1..=6).map(|n| delivery.backoff(n).as_secs()).collect();
    assert_eq!(waits, [30, 60, 120, 240, 300, 300]);
    assert_eq!(delivery.backoff(10_000).as_secs(), 300);
}

#[test]
fn settings_come_from_the_environment() {
    let settings = Settings::from_lookup(|name| match name {
        "PANCAKE_WEBHOOK_SECRET" => Some("s3cret".into()),
        "PANCAKE_WEBHOOK_HEADER" => Some("X-API-KEY".into()),
        "PANCAKE_WAREHOUSE_ID" => Some(" wh-1 ".into()),
        "SHOP_ID" => Some("1234567".into()),
        "WEBHOOK_MAX_ATTEMPTS" => Some("3".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(settings.inbound.header.as_str(), "x-api-key");
    assert_eq!(settings.inbound.secret.as_deref(), Some("s3cret"));
    let shown = format!("{settings:?}");
    assert!(
        !shown.contains("s3cret") && shown.contains("x-api-key"),
        "{shown}"
    );
    assert_eq!(settings.inbound.warehouse_id.as_deref(), Some("wh-1"));
    assert_eq!(settings.inbound.shop_id, Some(1_234_567));
    assert_eq!(settings.outbound.max_attempts, 3);
    assert_eq!(settings.outbound.retry_after, Duration::from_secs(30));

    let unset = Settings::from_lookup(|_| None).unwrap();
    assert_eq!(unset.inbound.header.as_str(), DEFAULT_HEADER);
    assert_eq!(unset.inbound.secret, None);

    let err =
        Settings::from_lookup(|name| (name == "WEBHOOK_RETRY_SECONDS").then(|| "soon".to_owned()))
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "WEBHOOK_RETRY_SECONDS=soon must be a whole number of at least 1"
    );
    let err = Settings::from_lookup(|name| {
        (name == "PANCAKE_WEBHOOK_HEADER").then(|| "bad header".to_owned())
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "PANCAKE_WEBHOOK_HEADER=bad header is not a valid header name"
    );
}
