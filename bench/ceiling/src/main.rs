//! The SQLite ceiling for `bench/run`: the statements the app issues for one
//! checkout or search, run through sqlx's `Any` driver (the app's own) in a loop
//! with nothing else around them, by `clients` connections for `seconds`.
//! Prints the transactions per second.
//!
//! Scripts use the subset of pgbench's format that the benchmark needs, so the
//! search script is shared with pgbench: `\set name random(low, high)` draws an
//! integer per transaction, `:name` uses it (bound as a parameter, as the app
//! binds), statements end with `;`, or with `\gset` to keep the integer columns
//! of their one row as variables named after the columns (an id just inserted).
//!
//! On SQLite, writers (from `BEGIN IMMEDIATE` to `COMMIT`) take turns in a
//! first-come queue, as the app's do, rather than racing in SQLite's busy
//! handler.
//!
//! Usage: ceiling <database url> <script> <clients> <seconds>

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use sqlx::{AnyConnection, Column, Connection, Executor, Row};
use tokio::sync::Mutex;

/// The pragmas the generated app sets on every SQLite connection (its `db.rs`).
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 5000",
];

/// A variable drawn anew for every transaction.
struct Random {
    name: String,
    low: i64,
    high: i64,
}

/// One statement with its `:name` uses turned into `$1`, `$2`… and the
/// variables to bind, in that order.
struct Statement {
    sql: String,
    binds: Vec<String>,
    /// Whether the columns of its row become variables.
    gset: bool,
}

struct Script {
    randoms: Vec<Random>,
    statements: Vec<Statement>,
}

fn parse(text: &str) -> anyhow::Result<Script> {
    let mut randoms = Vec::new();
    let mut statements = Vec::new();
    let mut sql = String::new();
    // Names a statement may use: the random ones and those set by `\gset` before it.
    let mut names = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("--") {
            continue;
        }
        if let Some(set) = line.strip_prefix("\\set ") {
            let (name, expression) = set.split_once(' ').context("\\set needs a name")?;
            let range = expression
                .trim()
                .strip_prefix("random(")
                .and_then(|rest| rest.strip_suffix(')'))
                .with_context(|| format!("only random(low, high) is supported: {line}"))?;
            let (low, high) = range.split_once(',').context("random needs two bounds")?;
            randoms.push(Random {
                name: name.to_owned(),
                low: low.trim().parse()?,
                high: high.trim().parse()?,
            });
            names.push(name.to_owned());
            continue;
        }
        let (line, gset) = match line.strip_suffix("\\gset") {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        sql.push_str(line);
        sql.push('\n');
        if gset {
            let statement = bind_variables(sql.trim(), &names, true)?;
            names.extend(returned_names(&statement.sql));
            statements.push(statement);
            sql.clear();
        } else if line.ends_with(';') {
            statements.push(bind_variables(
                sql.trim().trim_end_matches(';'),
                &names,
                false,
            )?);
            sql.clear();
        }
    }
    if !sql.trim().is_empty() {
        bail!("the script ends inside a statement: {sql}");
    }
    if statements.is_empty() {
        bail!("the script has no statements");
    }
    Ok(Script {
        randoms,
        statements,
    })
}

/// The names a `… RETURNING a, b` statement gives its columns.
fn returned_names(sql: &str) -> Vec<String> {
    let upper = sql.to_ascii_uppercase();
    let Some(at) = upper.rfind("RETURNING") else {
        return Vec::new();
    };
    sql[at + "RETURNING".len()..]
        .split(',')
        .map(|column| {
            let column = column.trim();
            column.rsplit(' ').next().unwrap_or(column).to_owned()
        })
        .collect()
}

/// Replaces each `:name` of a declared variable with a numbered parameter,
/// one number per variable. `::` casts and quoted text are left alone.
fn bind_variables(sql: &str, names: &[String], gset: bool) -> anyhow::Result<Statement> {
    let mut out = String::with_capacity(sql.len());
    let mut binds: Vec<String> = Vec::new();
    let mut chars = sql.char_indices().peekable();
    let mut quoted = false;
    while let Some((at, c)) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        let starts_name = !quoted
            && c == ':'
            && !sql[..at].ends_with(':')
            && chars
                .peek()
                .is_some_and(|(_, next)| next.is_ascii_alphabetic());
        if !starts_name {
            out.push(c);
            continue;
        }
        let mut name = String::new();
        while let Some(&(_, next)) = chars.peek() {
            if !(next.is_ascii_alphanumeric() || next == '_') {
                break;
            }
            name.push(next);
            chars.next();
        }
        if !names.contains(&name) {
            bail!("`:{name}` is not a declared variable");
        }
        let number = match binds.iter().position(|b| *b == name) {
            Some(index) => index + 1,
            None => {
                binds.push(name);
                binds.len()
            }
        };
        out.push_str(&format!("${number}"));
    }
    Ok(Statement {
        sql: out,
        binds,
        gset,
    })
}

async fn client(
    url: String,
    script: Arc<Script>,
    writers: Arc<Mutex<()>>,
    done: Arc<AtomicBool>,
    count: Arc<AtomicU64>,
) -> anyhow::Result<()> {
    let mut conn = AnyConnection::connect(&url).await?;
    if url.starts_with("sqlite:") {
        for pragma in SQLITE_PRAGMAS {
            conn.execute(pragma).await?;
        }
    }
    let mut values: HashMap<String, i64> = HashMap::new();
    let mut turn = None;
    while !done.load(Ordering::Relaxed) {
        for random in &script.randoms {
            values.insert(random.name.clone(), fastrand::i64(random.low..=random.high));
        }
        for statement in &script.statements {
            // Writers queue for their turn first, as the app's do on SQLite.
            if statement.sql.starts_with("BEGIN IMMEDIATE") {
                turn = Some(Arc::clone(&writers).lock_owned().await);
            }
            let mut query = sqlx::query(&statement.sql);
            for name in &statement.binds {
                query = query.bind(values[name]);
            }
            // Rows are read in full, as the app reads them.
            let rows = query
                .fetch_all(&mut conn)
                .await
                .with_context(|| format!("failed: {}", statement.sql))?;
            if statement.sql == "COMMIT" {
                turn = None;
            }
            if statement.gset {
                let row = rows.first().context("\\gset needs a row")?;
                for column in row.columns() {
                    values.insert(column.name().to_owned(), row.try_get(column.ordinal())?);
                }
            }
        }
        count.fetch_add(1, Ordering::Relaxed);
    }
    drop(turn);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, path, clients, seconds] = args.as_slice() else {
        bail!("usage: ceiling <database url> <script> <clients> <seconds>");
    };
    let script = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    let script = Arc::new(parse(&script)?);
    let clients: usize = clients.parse().context("clients must be a number")?;
    let seconds: u64 = seconds.parse().context("seconds must be a number")?;
    sqlx::any::install_default_drivers();

    let writers = Arc::new(Mutex::new(()));
    let done = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            tokio::spawn(client(
                url.clone(),
                Arc::clone(&script),
                Arc::clone(&writers),
                Arc::clone(&done),
                Arc::clone(&count),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    done.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await??;
    }
    let per_second = count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!("{per_second:.0}");
    Ok(())
}
