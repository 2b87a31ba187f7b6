//! Database connections and schema migrations, for SQLite and PostgreSQL alike.

use std::{
    collections::HashMap,
    ops::{Deref, DerefMut},
    path::Path,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use anyhow::{bail, Context};
use sqlx::{
    any::AnyPoolOptions, migrate::Migrator, Any, AnyConnection, AnyPool, Connection, Database,
    Executor, Postgres, Sqlite, Transaction,
};

/// Each backend has its own migration folder because their SQL dialects differ.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Run on every new SQLite connection, since SQLite keeps these per connection
/// (except the journal mode, which is stored in the file and harmless to repeat).
const SQLITE_PRAGMAS: [&str; 4] = [
    // SQLite ignores foreign keys unless asked to enforce them.
    "PRAGMA foreign_keys = ON",
    // Write-ahead logging lets readers carry on while one connection writes.
    "PRAGMA journal_mode = WAL",
    // With WAL, NORMAL cannot corrupt the file (a power cut may lose the last
    // commits) and saves a disk sync on every commit.
    "PRAGMA synchronous = NORMAL",
    // Wait for a competing writer instead of failing at once with SQLITE_BUSY.
    "PRAGMA busy_timeout = 5000",
];

/// How long a pooled connection may sit idle and still be handed out
/// without a ping.
const TRUSTED_IDLE: Duration = Duration::from_secs(5);

/// How long a writer waits for its turn: SQLite's busy timeout above.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a connection pool for a `sqlite:` or `postgres:` URL.
pub async fn connect(url: &str) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    if url.starts_with("sqlite:") {
        create_sqlite_dir(url)?;
    }

    let pool = AnyPoolOptions::new()
        // Fail a request after a few seconds instead of sqlx's default 30 when
        // the database is down, so `/ready` reports it while a probe still waits.
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings every connection it hands out, a round trip more for each
        // use; a checkout uses three. A connection that was working moments
        // ago is trusted; one that sat idle, as at a quiet till, is checked.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= TRUSTED_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                if conn.backend_name() == Sqlite::NAME {
                    for pragma in SQLITE_PRAGMAS {
                        conn.execute(pragma).await?;
                    }
                } else if conn.backend_name() == Postgres::NAME {
                    // PostgreSQL compiles queries it estimates as costly to
                    // machine code first; for this app's reports that takes
                    // longer than running them (1.2 s of a 1.8 s report over
                    // a million orders), and checkout queries never need it.
                    conn.execute("SET jit = off").await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .context("could not connect to the database")?;
    Ok(pool)
}

/// Brings the schema up to date; migrations already applied are skipped.
pub async fn migrate(pool: &AnyPool) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    let backend = conn.backend_name().to_owned();
    let migrator = match backend.as_str() {
        Sqlite::NAME => &SQLITE_MIGRATIONS,
        Postgres::NAME => &POSTGRES_MIGRATIONS,
        other => bail!("no migrations for database backend {other}"),
    };
    migrator
        .run(&mut *conn)
        .await
        .with_context(|| format!("could not migrate the {backend} database"))?;
    tracing::info!(%backend, "database schema is up to date");
    Ok(())
}

/// Starts a transaction that will write.
///
/// SQLite starts a plain `BEGIN` as a reader and upgrades it at the first
/// write; when two such transactions both read first, neither can upgrade and
/// one fails at once with "database is locked", whatever the busy timeout.
/// `BEGIN IMMEDIATE` takes the write lock up front, so concurrent writers queue
/// on the busy timeout instead. PostgreSQL locks rows as it writes them and
/// needs nothing special.
///
/// SQLite also leaves waiting writers to its busy handler, which sleeps and
/// retries with no order: under a rush at the tills one checkout can lose the
/// race again and again until the busy timeout fails it. So on SQLite the
/// writers of this process first queue for their turn, first come first served,
/// and only the head of the queue asks SQLite for the lock.
pub async fn begin_write(pool: &AnyPool) -> Result<WriteTx, sqlx::Error> {
    if is_sqlite(pool) {
        // A turn not given within the busy timeout fails as SQLite would.
        let turn = tokio::time::timeout(BUSY_TIMEOUT, writer_queue(pool).lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx {
            tx,
            _turn: Some(turn),
        })
    } else {
        Ok(WriteTx {
            tx: pool.begin().await?,
            _turn: None,
        })
    }
}

/// A transaction from [`begin_write`]: used like sqlx's `Transaction` (it is the
/// connection the transaction runs on until committed or rolled back), and on
/// SQLite holding this process's turn to write until it is committed, rolled
/// back or dropped.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// The queue of writers for the SQLite database behind `pool`: one per
/// database, shared by every pool of this process that opens it.
fn writer_queue(pool: &AnyPool) -> Arc<tokio::sync::Mutex<()>> {
    static QUEUES: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let database = pool.connect_options().database_url.to_string();
    let mut queues = QUEUES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(queues.entry(database).or_default())
}

/// What a worker's claim query ends with: `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL, so app instances sharing the database skip the rows another
/// one is claiming instead of queueing behind it; nothing on SQLite, where
/// one writer at a time holds the whole database anyway.
pub fn skip_locked(conn: &AnyConnection) -> &'static str {
    if conn.backend_name() == Postgres::NAME {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    }
}

/// `count` numbered placeholders from `$first` on, separated by commas, for an
/// `IN (…)` list built at run time. sqlx's `QueryBuilder` writes `?` through
/// the `Any` driver, which PostgreSQL does not take.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `VALUES` rows of a multi-row insert: `rows` groups of `columns`
/// placeholders, numbered from `$1` row by row.
pub fn values_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(row * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_sqlite(pool: &AnyPool) -> bool {
    pool.connect_options().database_url.scheme() == "sqlite"
}

/// Creates the folder of a SQLite database file, because `mode=rwc` creates
/// the file but not the folders above it.
fn create_sqlite_dir(url: &str) -> anyhow::Result<()> {
    // Strip the scheme and options the same way sqlx does to find the file path.
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create the database folder {}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn values_rows_number_placeholders_row_by_row() {
        assert_eq!(values_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_rows(1, 1), "($1)");
    }
}
