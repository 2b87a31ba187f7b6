//! Generated apps are checked the way their owner would: `cargo fmt --check`, `cargo clippy
//! -- -D warnings`, `cargo build` and `cargo test`, on SQLite and, when
//! `POSCAKE_TEST_POSTGRES_URL` is set, on PostgreSQL too. All apps share one target
//! directory so their dependencies compile once.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::support::poscake;

/// Builds take both cores; running two at once only makes each slower.
static ONE_BUILD_AT_A_TIME: Mutex<()> = Mutex::new(());

fn apps_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-apps")
}

/// The built-in skills other than the core.
fn optional_skills() -> Vec<String> {
    let run = poscake(Path::new("."), &["skills", "--json"]).ok();
    let listed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .filter(|name| name != "poscake")
        .collect()
}

/// Generates `name` with `skills` and puts it through its owner's checks.
fn check_app(name: &str, skills: &str) {
    let _guard = ONE_BUILD_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = apps_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let project = dir.join(name);
    let _ = std::fs::remove_dir_all(&project);
    poscake(&dir, &["new", name, "--yes", "--skills", skills]).ok();

    cargo(&project, &["fmt", "--check"], None);
    cargo(
        &project,
        &["clippy", "--all-targets", "--", "-D", "warnings"],
        None,
    );
    cargo(&project, &["build"], None);
    serves_on_sqlite(&project, name);
    cargo(&project, &["test"], None);
    if let Some(url) = std::env::var("POSCAKE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        cargo(&project, &["test"], Some(&url));
    }
}

/// Seeds the demo shop and starts the built binary with no configuration, as a user would
/// after `cargo run -- seed` and `cargo run`; asks it for `/health` and `/ready` over a real
/// socket and, with `POSCAKE_BROWSER_TESTS=1`, sells at the till in headless Chromium.
fn serves_on_sqlite(project: &Path, name: &str) {
    let binary = apps_dir().join("target/debug").join(name);
    let seeded = Command::new(&binary)
        .arg("seed")
        .current_dir(project)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
    assert!(
        seeded.status.success(),
        "`{name} seed` failed:\n{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let cashier = project
        .join("src/auth")
        .is_dir()
        .then(|| create_cashier(&binary, project));
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(&binary);
    // An app that takes bank transfers is configured for them, so the till offers them.
    if project.join("src/payments").is_dir() {
        server.envs(SEPAY);
    }
    let mut server = server
        .arg("serve")
        .current_dir(project)
        .env("PORT", port.to_string())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
    let deadline = Instant::now() + Duration::from_secs(30);
    let health = loop {
        match http_get(port, "/health") {
            Some(response) => break response,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            None => {
                let _ = server.kill();
                panic!("{name} did not answer on port {port} within 30 s");
            }
        }
    };
    let ready = http_get(port, "/ready").unwrap_or_default();
    let stranger = http_get(port, "/api/orders").unwrap_or_default();
    let browser = browser_checkout(port, cashier, project.join("src/payments").is_dir());
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let expected = if project.join("src/auth").is_dir() {
        "HTTP/1.1 401"
    } else {
        "HTTP/1.1 200"
    };
    assert!(stranger.starts_with(expected), "{stranger}");
    assert!(
        project.join("data").join(format!("{name}.db")).is_file(),
        "the SQLite file was not created under ./data"
    );
    if let Some(Err(failure)) = browser {
        panic!("the till failed in the browser:\n{failure}");
    }
}

/// Bank-transfer settings for apps with pos-payments; the browser test signs its
/// simulated webhook with the same key.
const SEPAY: [(&str, &str); 3] = [
    ("SEPAY_API_KEY", "browser-test-key"),
    ("SEPAY_BANK_CODE", "970436"),
    ("SEPAY_ACCOUNT_NUMBER", "0011001234567"),
];

/// Creates a cashier account with the app's own command, as a shop owner would, and
/// returns its email and password.
fn create_cashier(binary: &Path, project: &Path) -> (String, String) {
    let (email, password) = ("thu.ngan@shop.vn", "cashier password 1");
    let created = Command::new(binary)
        .args(["user", "create", "--email", email, "--role", "CASHIER"])
        .env("USER_PASSWORD", password)
        .current_dir(project)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "`user create` failed:\n{}",
        String::from_utf8_lossy(&created.stderr)
    );
    (email.to_owned(), password.to_owned())
}

/// Runs `tests/browser/checkout.mjs` against the app when browser tests are asked for
/// (`.ci/run` installs Chromium and the script's packages and asks), signed in as
/// `cashier` when the app has accounts, and paying a second sale by bank transfer
/// when the app takes them.
fn browser_checkout(
    port: u16,
    cashier: Option<(String, String)>,
    bank_transfers: bool,
) -> Option<Result<(), String>> {
    if std::env::var("POSCAKE_BROWSER_TESTS").ok().as_deref() != Some("1") {
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/checkout.mjs");
    let mut command = Command::new("node");
    if let Some((email, password)) = cashier {
        command
            .env("POS_EMAIL", email)
            .env("POS_PASSWORD", password);
    }
    if bank_transfers {
        command.envs(SEPAY);
    }
    let output = command
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .expect("node runs (POSCAKE_BROWSER_TESTS=1 needs Node.js and Chromium)");
    Some(if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    })
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn cargo(project: &Path, args: &[&str], postgres: Option<&str>) {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", apps_dir().join("target"))
        .env_remove("TEST_DATABASE_URL")
        .env_remove("DATABASE_URL");
    if let Some(url) = postgres {
        command.env("TEST_DATABASE_URL", url);
    }
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let on = if postgres.is_some() {
        " on PostgreSQL"
    } else {
        ""
    };
    assert!(
        output.status.success(),
        "`cargo {}`{on} failed in {}:\n{}\n{stderr}",
        args.join(" "),
        project.display(),
        String::from_utf8_lossy(&output.stdout),
    );
    // Zero warnings means zero, not just none that clippy treats as errors.
    assert!(
        !stderr.contains("warning:"),
        "`cargo {}` warned in {}:\n{stderr}",
        args.join(" "),
        project.display()
    );
}

#[test]
fn the_core_app_passes_its_checks() {
    check_app("shop", "poscake");
}

#[test]
fn the_app_with_every_skill_passes_its_checks() {
    // The longest name allowed, with dashes, proves names never break formatting or paths.
    check_app("corner-shop-of-saigon-district-1", "all");
}

/// Every skill alone with the core. Skills together are covered by the app with every skill;
/// pairs would double the apps to build, and CI's time, for little more.
#[test]
fn every_skill_alone_passes_its_checks() {
    let skills = optional_skills();
    // With one optional skill, that skill alone is the app with every skill.
    if skills.len() < 2 {
        return;
    }
    for skill in &skills {
        let name = format!("shop-{}", skill.replace("pos-", ""));
        check_app(&name, skill);
    }
}
