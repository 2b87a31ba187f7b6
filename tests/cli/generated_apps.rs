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

pub(crate) fn apps_dir() -> PathBuf {
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
    let project = generate(name, skills);
    cargo(&project, &["fmt", "--check"], None);
    cargo(
        &project,
        &["clippy", "--all-targets", "--", "-D", "warnings"],
        None,
    );
    cargo(&project, &["build"], None);
    serves_on_sqlite(&project, name);
    if project.join("src/notifications").is_dir() {
        notifies_by_email_and_live(&project, name);
    }
    if project.join("src/pancake_products").is_dir() {
        lists_pancake_products(&project, name);
    }
    let postgres = std::env::var("POSCAKE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    // The fault checks need every part of the app together and a real server; with the
    // app with every skill they cover what each part adds.
    if let (Some(url), "all") = (&postgres, skills) {
        crate::faults::survives_faults(&project, name, url);
    }
    cargo(&project, &["test"], None);
    if let Some(url) = postgres {
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

/// With pos-notifications: a manager watching the live feed takes the demo rice down to its
/// low-stock threshold, and the alert arrives both on the feed and, sent by the app's worker,
/// as an email at an SMTP server on loopback. With `POSCAKE_BROWSER_TESTS=1` it is then seen
/// in the bell of a real browser page too, and emailed again.
fn notifies_by_email_and_live(project: &Path, name: &str) {
    let binary = apps_dir().join("target/debug").join(name);
    let (email, password) = ("quan.ly@shop.vn", "manager password 1");
    create_account(&binary, project, email, "MANAGER", password);
    let smtp = SmtpSink::start();
    let port = free_port();
    let mut server = Command::new(&binary)
        .arg("serve")
        .current_dir(project)
        .env("PORT", port.to_string())
        .env("SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port))
        .env("MAIL_FROM", "Cửa hàng <pos@shop.vn>")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
    let outcome = std::panic::catch_unwind(|| {
        wait_for_health(port, name);
        let cookie = sign_in(port, email, password);
        let mut feed = TcpStream::connect(("127.0.0.1", port)).unwrap();
        feed.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            feed,
            "GET /api/notifications/stream HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n\r\n"
        )
        .unwrap();
        // The stream's headers arrive before anything happens.
        let mut seen = read_until(&mut feed, "text/event-stream");
        let adjusted = http_request(
            port,
            "POST",
            "/api/inventory/adjustments",
            &cookie,
            r#"{"productId": RICE, "quantity": -10, "reason": "damaged"}"#
                .replace("RICE", &product_id(port, &cookie, "MK-GAO-ST25-5"))
                .as_str(),
        );
        assert!(adjusted.starts_with("HTTP/1.1 201"), "{adjusted}");
        seen.push_str(&read_until(&mut feed, "event: notification"));
        assert!(seen.contains("Sắp hết hàng: Gạo ST25 túi 5kg"), "{seen}");
        let mail = smtp.next_message(Duration::from_secs(20));
        assert_low_rice_email(&mail, email);
        if let Some(result) = browser_bell(port, email, password) {
            result.unwrap_or_else(|failure| panic!("the bell failed in the browser:\n{failure}"));
            assert_low_rice_email(&smtp.next_message(Duration::from_secs(20)), email);
        }
    });
    server.kill().unwrap();
    server.wait().unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn assert_low_rice_email(raw: &[u8], to: &str) {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a parsable email");
    assert_eq!(message.subject(), Some("Sắp hết hàng: Gạo ST25 túi 5kg"));
    let recipient = message
        .to()
        .and_then(|to| to.first())
        .and_then(|a| a.address());
    assert_eq!(recipient, Some(to));
    let body = message.body_text(0).unwrap_or_default();
    assert!(body.contains("MK-GAO-ST25-5"), "{body}");
}

/// Runs `tests/browser/bell.mjs` when browser tests are asked for: signed in, the person
/// restocks the rice and takes it down again, and the page's bell and toast show the alert.
fn browser_bell(port: u16, email: &str, password: &str) -> Option<Result<(), String>> {
    let mut command = Command::new("node");
    command
        .env("POS_EMAIL", email)
        .env("POS_PASSWORD", password);
    run_browser_script(command, "bell.mjs", port)
}

/// Runs a script of `tests/browser/` with `command` (node, with its environment) against
/// the app on `port`, when browser tests are asked for (`POSCAKE_BROWSER_TESTS=1`).
fn run_browser_script(mut command: Command, script: &str, port: u16) -> Option<Result<(), String>> {
    if std::env::var("POSCAKE_BROWSER_TESTS").ok().as_deref() != Some("1") {
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
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

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn wait_for_health(port: u16, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while http_get(port, "/health").is_none() {
        assert!(
            Instant::now() < deadline,
            "{name} did not answer on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Signs in through the API and returns the `session=…` cookie.
pub(crate) fn sign_in(port: u16, email: &str, password: &str) -> String {
    let body = serde_json::json!({"email": email, "password": password}).to_string();
    let response = http_request(port, "POST", "/api/auth/login", "", &body);
    response
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, value)| value.trim().strip_prefix("session="))
        .map(|value| format!("session={}", value.split(';').next().unwrap()))
        .unwrap_or_else(|| panic!("no session cookie from signing in:\n{response}"))
}

/// The id of the product with `sku`, as a string.
fn product_id(port: u16, cookie: &str, sku: &str) -> String {
    let response = http_request(
        port,
        "GET",
        &format!("/api/products?search={sku}"),
        cookie,
        "",
    );
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    let listed: serde_json::Value = serde_json::from_str(body)
        .unwrap_or_else(|err| panic!("products did not come as JSON ({err}):\n{response}"));
    listed["data"][0]["id"].to_string()
}

/// One request with a JSON body and a cookie, answered in full.
pub(crate) fn http_request(
    port: u16,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Cookie: {cookie}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Reads from `stream` until what was read contains `wanted`, and returns it all.
fn read_until(stream: &mut TcpStream, wanted: &str) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0; 4096];
    while !String::from_utf8_lossy(&seen).contains(wanted) {
        let read = stream
            .read(&mut buffer)
            .unwrap_or_else(|err| panic!("waiting for `{wanted}`: {err}"));
        assert!(read > 0, "the stream ended before `{wanted}`");
        seen.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// An SMTP server on loopback that accepts every message and hands each over whole. It
/// speaks just enough of the protocol for a client without TLS or authentication.
struct SmtpSink {
    port: u16,
    messages: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl SmtpSink {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let sender = sender.clone();
                std::thread::spawn(move || {
                    // A client that hangs up early only ends its own conversation.
                    let _ = Self::converse(connection, &sender);
                });
            }
        });
        Self { port, messages }
    }

    fn converse(
        connection: TcpStream,
        sender: &std::sync::mpsc::Sender<Vec<u8>>,
    ) -> std::io::Result<()> {
        use std::io::BufRead;
        let mut reader = std::io::BufReader::new(connection.try_clone()?);
        let mut writer = connection;
        writer.write_all(b"220 sink ESMTP\r\n")?;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_ascii_uppercase();
            if command.starts_with("EHLO") {
                writer.write_all(b"250-sink\r\n250 8BITMIME\r\n")?;
            } else if command == "DATA" {
                writer.write_all(b"354 go on\r\n")?;
                let mut message = Vec::new();
                loop {
                    let mut data = Vec::new();
                    reader.read_until(b'\n', &mut data)?;
                    if data.is_empty() || data == b".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing.
                    let data = data.strip_prefix(b".").unwrap_or(&data);
                    message.extend_from_slice(data);
                }
                let _ = sender.send(message);
                writer.write_all(b"250 queued\r\n")?;
            } else if command == "QUIT" {
                writer.write_all(b"221 bye\r\n")?;
                return Ok(());
            } else {
                writer.write_all(b"250 ok\r\n")?;
            }
        }
    }

    fn next_message(&self, within: Duration) -> Vec<u8> {
        self.messages
            .recv_timeout(within)
            .expect("an email at the SMTP server")
    }
}

/// With pos-products: `<app> pancake products list` against a stand-in Pancake prints the
/// products, and a write without `CONFIRM_WRITE=YES` is refused with exit code 3 before any
/// request is made.
fn lists_pancake_products(project: &Path, name: &str) {
    let binary = apps_dir().join("target/debug").join(name);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = std::sync::Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        let page = r#"{"success":true,"data":[{"id":"p-1","name":"Cà phê sữa","custom_id":"CF-SUA",
            "variations":[{"id":"v-1","custom_id":"CF-SUA","retail_price":25000}]}],
            "page_number":1,"page_size":30,"total_entries":1,"total_pages":1}"#;
        for mut stream in listener.incoming().flatten() {
            let mut request = [0; 4096];
            let read = stream.read(&mut request).unwrap_or(0);
            let head = String::from_utf8_lossy(&request[..read]);
            seen.lock()
                .unwrap()
                .push(head.lines().next().unwrap_or_default().to_owned());
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    let pancake = |args: &[&str]| {
        Command::new(&binary)
            .arg("pancake")
            .args(args)
            .current_dir(project)
            .env("POS_BASE_URL", format!("http://127.0.0.1:{port}/api/v1"))
            .env("POS_API_KEY", "0123456789abcdef0123456789abcdef")
            .env("SHOP_ID", "4")
            .env_remove("CONFIRM_WRITE")
            .output()
            .unwrap()
    };
    let listed = pancake(&["products", "list"]);
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.status.success(),
        "`{name} pancake products list` failed:\n{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(
        stdout.contains("CF-SUA  Cà phê sữa  1           25000"),
        "{stdout}"
    );
    let created = pancake(&[
        "products", "create", "--name", "Trà", "--sku", "TRA", "--price", "1",
    ]);
    assert_eq!(created.status.code(), Some(3), "{created:?}");
    assert!(
        String::from_utf8_lossy(&created.stderr).contains("CONFIRM_WRITE=YES"),
        "{created:?}"
    );
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(
        requests[0].starts_with("GET /api/v1/shops/4/products?api_key="),
        "{requests:?}"
    );
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
    create_account(binary, project, email, "CASHIER", password);
    (email.to_owned(), password.to_owned())
}

fn create_account(binary: &Path, project: &Path, email: &str, role: &str, password: &str) {
    let created = Command::new(binary)
        .args(["user", "create", "--email", email, "--role", role])
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
    let mut command = Command::new("node");
    if let Some((email, password)) = cashier {
        command
            .env("POS_EMAIL", email)
            .env("POS_PASSWORD", password);
    }
    if bank_transfers {
        command.envs(SEPAY);
    }
    run_browser_script(command, "checkout.mjs", port)
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

/// Every skill alone with the core, built and tested. Skills together are covered by the app
/// with every skill, and more cheaply by the combinations below.
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

/// Every pair of optional skills is generated and must be rustfmt-clean: cheap, and it is
/// where rendering faults that only two skills together make (a block's whitespace control
/// gluing two items, an import only one of them needs) show first. A random pair and a
/// larger random combination are then type-checked with their tests by `cargo clippy
/// --all-targets -- -D warnings`. Building and testing every pair would outgrow CI's time;
/// the sample is drawn from a seed taken from the commit and printed, so a failure can be
/// replayed with `POSCAKE_MATRIX_SEED`.
#[test]
fn skill_combinations_render_cleanly_and_a_seeded_sample_compiles() {
    let skills = optional_skills();
    // With two optional skills or fewer, their pair is the app with every skill.
    if skills.len() < 3 {
        return;
    }
    let seed = matrix_seed();
    eprintln!("skill combinations: seed {seed} (replay with POSCAKE_MATRIX_SEED={seed})");
    let mut rng = fastrand::Rng::with_seed(seed);

    let pairs: Vec<Vec<&String>> = skills
        .iter()
        .enumerate()
        .flat_map(|(i, a)| skills[i + 1..].iter().map(move |b| vec![a, b]))
        .collect();
    for (index, pair) in pairs.iter().enumerate() {
        let project = generate(&format!("pair-{index}"), &join(pair));
        cargo(&project, &["fmt", "--check"], None);
        std::fs::remove_dir_all(&project).unwrap();
    }

    let mut combination = skills.iter().collect::<Vec<_>>();
    rng.shuffle(&mut combination);
    combination.truncate(rng.usize(3..skills.len()));
    combination.sort();
    let sample = [pairs[rng.usize(..pairs.len())].clone(), combination];
    for (index, combination) in sample.iter().enumerate() {
        eprintln!("type-checking {}", join(combination));
        let _guard = ONE_BUILD_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let project = generate(&format!("sample-{index}"), &join(combination));
        cargo(
            &project,
            &["clippy", "--all-targets", "--", "-D", "warnings"],
            None,
        );
    }
}

/// The seed for the sampled combinations: `POSCAKE_MATRIX_SEED` when replaying, else the
/// commit being tested, else the time.
fn matrix_seed() -> u64 {
    if let Ok(seed) = std::env::var("POSCAKE_MATRIX_SEED") {
        return seed
            .trim()
            .parse()
            .expect("POSCAKE_MATRIX_SEED is a number");
    }
    let commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| {
            u64::from_str_radix(&String::from_utf8_lossy(&output.stdout)[..16], 16).ok()
        });
    commit.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    })
}

fn join(skills: &[&String]) -> String {
    skills
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Generates `name` with `skills` (names separated by commas, or `all`) among the
/// generated apps, replacing any earlier one.
fn generate(name: &str, skills: &str) -> PathBuf {
    let dir = apps_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let project = dir.join(name);
    let _ = std::fs::remove_dir_all(&project);
    poscake(&dir, &["new", name, "--yes", "--skills", skills]).ok();
    project
}
