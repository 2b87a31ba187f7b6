//! Fault tests for the app with every skill, on PostgreSQL: what a shop's bad day looks like
//! from outside. Two instances sell the last units of a product at once; an instance is
//! killed mid-checkout and started again while tills keep retrying; every JSON endpoint is
//! sent garbage. Each is judged by what clients were answered and by what the database
//! holds afterwards, read with `psql`, not through the app under test.
//!
//! The checks run the debug binary `cargo build` already made, against a database of their
//! own on the server of `POSCAKE_TEST_POSTGRES_URL`, dropped at the end.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::generated_apps::{apps_dir, free_port, http_request, sign_in, wait_for_health};

/// The account every check signs in with; an ADMIN may call every endpoint.
const ADMIN_EMAIL: &str = "quan.tri@shop.vn";
const ADMIN_PASSWORD: &str = "fault admin password 1";

/// One fault check, given the app and its database.
type Check = fn(&App, &Database);

/// Runs the three fault checks against the built app `name` generated in `project`.
pub(crate) fn survives_faults(project: &Path, name: &str, postgres_url: &str) {
    let binary = apps_dir().join("target/debug").join(name);
    let started = Instant::now();
    let database = Database::create(postgres_url);
    let app = App {
        binary,
        project: project.to_owned(),
        name: name.to_owned(),
        database_url: database.url.clone(),
    };
    app.run(&["migrate"], &[]);
    app.run(
        &["user", "create", "--email", ADMIN_EMAIL, "--role", "ADMIN"],
        &[("USER_PASSWORD", ADMIN_PASSWORD)],
    );
    let mut took = Vec::new();
    let checks: [(&str, Check); 3] = [
        ("race", two_instances_race_for_the_last_units),
        ("kill -9", a_killed_instance_loses_no_order),
        (
            "fuzzing",
            every_json_endpoint_answers_garbage_with_the_envelope,
        ),
    ];
    for (check, run) in checks {
        let start = Instant::now();
        run(&app, &database);
        took.push(format!("{check} {:.1?}", start.elapsed()));
    }
    eprintln!(
        "fault checks of {name} took {:.1?} ({})",
        started.elapsed(),
        took.join(", ")
    );
}

/// Two instances share one database and 40 tills split between them buy a product with
/// 25 units on hand, one to three at a time, until they are refused. Stock is taken by
/// the database's conditional update, not by a count read earlier, so exactly 25 units are
/// sold whichever instance sells them; every refusal is a 409 `INSUFFICIENT_STOCK`, never a
/// server error; and afterwards nothing is on hand and the ledger agrees.
fn two_instances_race_for_the_last_units(app: &App, database: &Database) {
    const STOCK: i64 = 25;
    const CLIENTS: usize = 40;
    let servers = [app.serve(free_port()), app.serve(free_port())];
    for server in &servers {
        wait_for_health(server.port, &app.name);
    }
    let cookie = sign_in(servers[0].port, ADMIN_EMAIL, ADMIN_PASSWORD);
    let product = create_product(servers[0].port, &cookie, "FAULT-RACE", STOCK);

    let start = Barrier::new(CLIENTS);
    let answers: Vec<(u16, i64, Reply)> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let port = servers[client % 2].port;
                let (start, cookie) = (&start, &cookie);
                scope.spawn(move || {
                    start.wait();
                    let mut answers = Vec::new();
                    // Some ask for more than is left; refused, they try for one unit, and a
                    // till refused one unit has nothing left to buy.
                    let mut quantity = 1 + (client as i64 % 3);
                    for _ in 0..STOCK + 2 {
                        let body =
                            json!({"items": [{"productId": product.id, "quantity": quantity}]});
                        let reply = send_json(port, "POST", "/api/orders", cookie, &[], &body)
                            .unwrap_or_else(|err| panic!("POST /api/orders on {port}: {err}"));
                        let refused = reply.status != 201;
                        let unsellable = reply.status != 409;
                        answers.push((port, quantity, reply));
                        if refused && (quantity == 1 || unsellable) {
                            break;
                        }
                        if refused {
                            quantity = 1;
                        }
                    }
                    answers
                })
            })
            .collect();
        clients
            .into_iter()
            .flat_map(|client| client.join().unwrap())
            .collect()
    });

    let unexpected: Vec<_> = answers
        .iter()
        .filter(|(_, _, reply)| {
            reply.status != 201
                && !(reply.status == 409 && reply.json()["error"]["code"] == "INSUFFICIENT_STOCK")
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "racing for the last units, orders were answered other than 201 or 409 \
         INSUFFICIENT_STOCK (port, quantity, answer):\n{unexpected:#?}"
    );
    let sales: Vec<_> = answers.iter().filter(|(_, _, r)| r.status == 201).collect();
    let sold: i64 = sales.iter().map(|(_, quantity, _)| quantity).sum();
    assert_eq!(
        sold, STOCK,
        "the instances sold {sold} units of the {STOCK} on hand"
    );

    let variant = product.variant_id;
    let on_hand = database.query(&format!(
        "SELECT COALESCE(SUM(on_hand), 0) FROM stock_levels WHERE variant_id = {variant}"
    ));
    let ledger = database.query(&format!(
        "SELECT COALESCE(SUM(quantity), 0) FROM stock_movements WHERE variant_id = {variant}"
    ));
    let sale_movements = database.query(&format!(
        "SELECT COUNT(*) FROM stock_movements WHERE variant_id = {variant} AND kind = 'SALE'"
    ));
    assert_eq!(
        (on_hand.as_str(), ledger.as_str()),
        ("0", "0"),
        "after the race, on hand and the ledger's sum"
    );
    assert_eq!(
        sale_movements,
        sales.len().to_string(),
        "one SALE movement per order placed"
    );
}

/// One instance takes orders from 16 tills, each order with its own `Idempotency-Key`,
/// and is killed with SIGKILL a second in, then started again on the same port. Tills
/// retry an order with the same key while the app is down, as a real till would, until it
/// is placed. A transaction cut off by the kill must leave nothing behind and a committed
/// one must be answered from the key: every key made exactly one order, the one the till
/// was given and was paid exactly once by the cash it carried; every order has lines and
/// SALE movements matching them; every stock level is still the sum of its ledger; and no
/// answer was a server error.
fn a_killed_instance_loses_no_order(app: &App, database: &Database) {
    const CLIENTS: usize = 16;
    const PRODUCTS: usize = 4;
    let port = free_port();
    let mut server = app.serve(port);
    wait_for_health(port, &app.name);
    let cookie = sign_in(port, ADMIN_EMAIL, ADMIN_PASSWORD);
    let products: Vec<Product> = (0..PRODUCTS)
        .map(|i| create_product(port, &cookie, &format!("FAULT-KILL-{i}"), 100_000))
        .collect();
    let prefix = format!("fault-kill-{}", std::process::id());

    let stop = AtomicBool::new(false);
    let outcomes: Vec<TillOutcome> = std::thread::scope(|scope| {
        let tills: Vec<_> = (0..CLIENTS)
            .map(|till| {
                let (stop, cookie, products, prefix) = (&stop, &cookie, &products, &prefix);
                scope.spawn(move || {
                    let mut outcome = TillOutcome::default();
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let lines = 1 + (till + n) % 3;
                        let items: Vec<Value> = (0..lines)
                            .map(|line| {
                                let product = &products[(till + n + line) % PRODUCTS];
                                json!({"productId": product.id, "quantity": 1 + (till + line) % 3})
                            })
                            .collect();
                        let key = format!("{prefix}-{till}-{n}");
                        // Paid at the till in the same request: a retry must not take
                        // the cash twice any more than the stock.
                        let cash = json!({"method": "cash", "amount": 500_000});
                        place_until_answered(
                            port,
                            cookie,
                            &key,
                            &json!({"items": items, "payment": cash}),
                            &mut outcome,
                        );
                        n += 1;
                    }
                    outcome
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs(1));
        server.kill();
        std::thread::sleep(Duration::from_millis(500));
        server = app.serve(port);
        wait_for_health(port, &app.name);
        std::thread::sleep(Duration::from_secs(1));
        stop.store(true, Ordering::Relaxed);
        tills.into_iter().map(|till| till.join().unwrap()).collect()
    });
    drop(server);

    let failures: Vec<&String> = outcomes.iter().flat_map(|o| &o.failures).collect();
    assert!(
        failures.is_empty(),
        "tills were answered with errors around the kill:\n{failures:#?}"
    );
    let retries: usize = outcomes.iter().map(|o| o.retries).sum();
    assert!(
        retries > 0,
        "no till noticed the instance being killed; the check proved nothing"
    );
    let given: BTreeMap<String, i64> = outcomes.into_iter().flat_map(|o| o.orders).collect();

    let duplicated = database.query(&format!(
        "SELECT idempotency_key, COUNT(*) FROM orders WHERE idempotency_key LIKE '{prefix}-%' \
         GROUP BY idempotency_key HAVING COUNT(*) > 1"
    ));
    assert_eq!(duplicated, "", "keys with more than one order");
    let stored: BTreeMap<String, i64> = database
        .query(&format!(
            "SELECT idempotency_key, id FROM orders WHERE idempotency_key LIKE '{prefix}-%'"
        ))
        .lines()
        .map(|row| {
            let (key, id) = row.split_once('|').unwrap();
            (key.to_owned(), id.parse().unwrap())
        })
        .collect();
    assert_eq!(
        stored, given,
        "the orders in the database by key differ from the orders the tills were given"
    );
    let not_paid_once = database.query(&format!(
        "SELECT o.id, o.status, o.paid, o.total, COUNT(p.id) FROM orders o \
         LEFT JOIN payments p ON p.order_id = o.id \
         WHERE o.idempotency_key LIKE '{prefix}-%' GROUP BY o.id, o.status, o.paid, o.total \
         HAVING COUNT(p.id) <> 1 OR o.status <> 'paid' OR o.paid <> o.total \
             OR SUM(p.amount) <> o.total"
    ));
    assert_eq!(
        not_paid_once, "",
        "orders not paid exactly once (id, status, paid, total, payments)"
    );

    assert_ledger_intact(database, "after the kill");
}

/// Asserts what must hold in the database whatever happened to the app: every order has
/// lines, each line's stock went out as SALE movements of its order and no SALE movement
/// belongs to no line, and each stock level is the sum of its ledger.
fn assert_ledger_intact(database: &Database, when: &str) {
    let integrity = [
        (
            "orders without lines",
            "SELECT o.id FROM orders o \
             WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)",
        ),
        (
            "order lines whose SALE movements do not take their quantity (order, variant)",
            "SELECT l.order_id, l.variant_id FROM order_lines l GROUP BY l.order_id, l.variant_id \
             HAVING -SUM(l.quantity) <> (SELECT COALESCE(SUM(m.quantity), 0) \
                 FROM stock_movements m WHERE m.order_id = l.order_id \
                 AND m.variant_id = l.variant_id AND m.kind = 'SALE')",
        ),
        (
            "SALE movements not of an order's line",
            "SELECT m.id FROM stock_movements m WHERE m.kind = 'SALE' AND NOT EXISTS \
             (SELECT 1 FROM order_lines l WHERE l.order_id = m.order_id \
              AND l.variant_id = m.variant_id)",
        ),
        (
            "stock levels other than the sum of their movements (variant, warehouse, on hand, sum)",
            "SELECT variant_id, warehouse_id, COALESCE(l.on_hand, 0), COALESCE(m.total, 0) \
             FROM stock_levels l FULL JOIN (SELECT variant_id, warehouse_id, \
                 SUM(quantity) AS total FROM stock_movements GROUP BY variant_id, warehouse_id) m \
             USING (variant_id, warehouse_id) \
             WHERE COALESCE(l.on_hand, 0) <> COALESCE(m.total, 0)",
        ),
    ];
    for (what, sql) in integrity {
        let rows = database.query(sql);
        assert_eq!(rows, "", "{when}, {what}");
    }
}

/// What one till saw: the order id it was given for each key, how often it had to retry
/// because the app was unreachable, and every answer that was an error.
#[derive(Default)]
struct TillOutcome {
    orders: Vec<(String, i64)>,
    retries: usize,
    failures: Vec<String>,
}

/// Places one order, sending it again with the same key while the app cannot be reached
/// or its answer was cut off, until it is answered.
fn place_until_answered(
    port: u16,
    cookie: &str,
    key: &str,
    order: &Value,
    outcome: &mut TillOutcome,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let headers = [("Idempotency-Key", key)];
        match send_json(port, "POST", "/api/orders", cookie, &headers, order) {
            Ok(reply) if reply.status == 201 || reply.status == 200 => {
                let id = reply.json()["data"]["id"].as_i64();
                match id {
                    Some(id) => outcome.orders.push((key.to_owned(), id)),
                    None => outcome
                        .failures
                        .push(format!("{key}: an order without an id: {reply:?}")),
                }
                return;
            }
            Ok(reply) => {
                outcome.failures.push(format!("{key}: {order} → {reply:?}"));
                return;
            }
            Err(_) if Instant::now() < deadline => {
                outcome.retries += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(err) => {
                outcome
                    .failures
                    .push(format!("{key}: unreachable for 60 s: {err}"));
                return;
            }
        }
    }
}

/// Signed in as an ADMIN, sends every JSON endpoint of the app, found in its own source so
/// new endpoints are covered without listing them here, malformed and hostile bodies:
/// broken JSON, the wrong top-level type, wrong types and extreme values for common
/// fields, control characters, nesting thousands deep, a body over the limit, a wrong or
/// missing Content-Type. None may be a server error, and every refusal must be the API's
/// error envelope, `{"success":false,"error":{"code":…,"message":…}}`.
///
/// Not sent: `POST /api/products/import`, which takes CSV; `POST
/// /api/payments/webhooks/sepay`, which answers in the format SePay documents; and the
/// pages' form posts and the signed Pancake webhook, outside `/api/`, which take no JSON.
fn every_json_endpoint_answers_garbage_with_the_envelope(app: &App, database: &Database) {
    const NOT_JSON: [&str; 2] = ["/api/products/import", "/api/payments/webhooks/sepay"];
    // `/api/users/{id}` is sent another account's id: a body that happens to be a valid
    // new password for the admin would end the session the requests are signed in with.
    const TARGET_EMAIL: &str = "nhan.vien@shop.vn";
    app.run(
        &["user", "create", "--email", TARGET_EMAIL, "--role", "STAFF"],
        &[("USER_PASSWORD", "fault staff password 1")],
    );
    let port = free_port();
    let _server = app.serve(port);
    wait_for_health(port, &app.name);
    let cookie = sign_in(port, ADMIN_EMAIL, ADMIN_PASSWORD);
    let product = create_product(port, &cookie, "FAULT-FUZZ", 50);
    let ids = PathIds {
        product: product.id,
        variant: product.variant_id,
        order: database
            .query("SELECT MAX(id) FROM orders")
            .parse()
            .unwrap_or(1),
        user: database
            .query(&format!(
                "SELECT id FROM users WHERE email = '{TARGET_EMAIL}'"
            ))
            .parse()
            .unwrap(),
    };

    let mut endpoints: Vec<(String, String)> = json_endpoints(&app.project)
        .into_iter()
        .filter(|(_, path)| !NOT_JSON.contains(&path.as_str()))
        .collect();
    // Deleting would take away what later endpoints are sent to, and signing out the
    // session they are sent with: those go last, signing out very last.
    endpoints.sort_by_key(|(method, path)| (path.ends_with("/logout"), method == "DELETE"));
    assert!(
        endpoints.len() > 10,
        "too few JSON endpoints found in the source: {endpoints:?}"
    );
    let payloads = payloads(&product);
    let mut problems = Vec::new();
    let mut sent = 0;
    for (method, route) in &endpoints {
        let path = ids.fill(route);
        for payload in &payloads {
            sent += 1;
            let headers: Vec<(&str, &str)> = payload
                .content_type
                .iter()
                .map(|value| ("Content-Type", *value))
                .collect();
            let shown = payload.shown();
            match send(port, method, &path, &cookie, &headers, &payload.body) {
                Err(err) => problems.push(format!("{method} {path} {shown}: no answer: {err}")),
                Ok(reply) if reply.status >= 500 => {
                    problems.push(format!("{method} {path} {shown}: {reply:?}"))
                }
                Ok(reply) if !(200..300).contains(&reply.status) && !reply.is_envelope() => {
                    problems.push(format!(
                        "{method} {path} {shown}: not the error envelope: {reply:?}"
                    ))
                }
                Ok(_) => {}
            }
        }
        // Requests refused for want of a session would prove nothing about the rest.
        let me = http_request(port, "GET", "/api/auth/me", &cookie, "");
        assert!(
            path.ends_with("/logout") || me.starts_with("HTTP/1.1 200"),
            "the session ended while {method} {path} was sent garbage:\n{me}"
        );
    }
    assert_ledger_intact(database, "after the garbage");
    assert!(
        problems.is_empty(),
        "{} of {sent} hostile requests were mishandled:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The `(method, path)` of every `/api/…` route with a body-taking method, as the
/// project's `src` declares them: `.route("/api/…", get(a).post(b))`, on one line or several.
fn json_endpoints(project: &Path) -> Vec<(String, String)> {
    let mut endpoints = Vec::new();
    for entry in walkdir::WalkDir::new(project.join("src")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(entry.path()).unwrap();
        for (at, _) in source.match_indices(".route(") {
            let call = balanced(&source[at + ".route".len()..]);
            let Some(path) = call
                .split('"')
                .nth(1)
                .filter(|path| path.starts_with("/api/"))
            else {
                continue;
            };
            for method in ["post", "put", "patch", "delete"] {
                let called = call
                    .match_indices(&format!("{method}("))
                    .any(|(i, _)| !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                if called {
                    endpoints.push((method.to_uppercase(), path.to_owned()));
                }
            }
        }
    }
    endpoints
}

/// The parenthesised text at the start of `text`, up to its matching `)`.
fn balanced(text: &str) -> &str {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return &text[..=i],
            ')' => depth -= 1,
            _ => {}
        }
    }
    text
}

/// Real ids to put in paths, so requests reach the handler's body checks instead of
/// stopping at a missing record.
struct PathIds {
    product: i64,
    variant: i64,
    order: i64,
    user: i64,
}

impl PathIds {
    fn fill(&self, route: &str) -> String {
        let resource = route.split('/').nth(2).unwrap_or_default();
        route
            .split('/')
            .map(|segment| match segment {
                "{variant_id}" => self.variant.to_string(),
                "{id}" if resource == "products" => self.product.to_string(),
                "{id}" if resource == "orders" => self.order.to_string(),
                "{id}" if resource == "users" => self.user.to_string(),
                s if s.starts_with('{') => "1".to_owned(),
                s => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// A hostile request body, with the Content-Type it is sent with (none when `None`).
struct Payload {
    body: Vec<u8>,
    content_type: Option<&'static str>,
}

impl Payload {
    fn json(body: impl Into<Vec<u8>>) -> Self {
        Self {
            body: body.into(),
            content_type: Some("application/json"),
        }
    }

    /// The payload as an error message shows it, cut short when long.
    fn shown(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let cut: String = text.chars().take(160).collect();
        let more = if cut.len() < text.len() {
            format!("… ({} bytes)", self.body.len())
        } else {
            String::new()
        };
        format!(
            "[{}] {cut:?}{more}",
            self.content_type.unwrap_or("no Content-Type")
        )
    }
}

/// Field names the app's requests use, with whether each holds text (otherwise a number
/// or a list), for bodies that are right except for one field.
const FIELDS: [(&str, bool); 30] = [
    ("name", true),
    ("sku", true),
    ("barcode", true),
    ("email", true),
    ("password", true),
    ("currentPassword", true),
    ("newPassword", true),
    ("role", true),
    ("method", true),
    ("status", true),
    ("note", true),
    ("reason", true),
    ("phone", true),
    ("address", true),
    ("code", true),
    ("url", true),
    ("price", false),
    ("costPrice", false),
    ("quantity", false),
    ("amount", false),
    ("discount", false),
    ("productId", false),
    ("variantId", false),
    ("warehouseId", false),
    ("toWarehouseId", false),
    ("customerId", false),
    ("categoryId", false),
    ("counted", false),
    ("openingFloat", false),
    ("lowStockThreshold", false),
];

/// Every body sent to every endpoint.
fn payloads(product: &Product) -> Vec<Payload> {
    let mut payloads: Vec<Payload> = [
        "",
        "{",
        "{\"a\":",
        "}",
        "null",
        "[]",
        "\"x\"",
        "1e400",
        "{}",
        "99999999999999999999",
        "-9223372036854775808",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "{\"name\":\"\\ud800\"}",
    ]
    .into_iter()
    .map(Payload::json)
    .collect();
    payloads.push(Payload::json(b"{\"name\":\"\xff\xfe\"}".to_vec()));
    let depth = 5_000;
    payloads.push(Payload::json("[".repeat(depth) + &"]".repeat(depth)));
    payloads.push(Payload::json(
        "{\"items\":".repeat(depth) + "1" + &"}".repeat(depth),
    ));
    payloads.push(Payload::json(
        json!({"name": "x".repeat(4 << 20)}).to_string(),
    ));
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        payloads.push(Payload {
            body: b"{\"name\":\"x\"}".to_vec(),
            content_type,
        });
    }

    // One field of the wrong type, negative, or beyond what a 64-bit integer holds (or
    // what negating one does), in an otherwise empty body.
    for (field, text) in FIELDS {
        let swapped = if text { json!(1) } else { json!("1") };
        for value in [swapped, json!(-1), json!(i64::MIN)] {
            payloads.push(Payload::json(json!({ field: value }).to_string()));
        }
        payloads.push(Payload::json(format!(
            "{{\"{field}\":99999999999999999999}}"
        )));
    }

    // Every field at once, each of a plausible type, with hostile values throughout.
    let texts = [
        "\u{0}".to_owned(),
        "😀🇻🇳".to_owned(),
        "\u{202e}gnp.exe\u{202c} مرحبا".to_owned(),
        "\r\n\t\u{7}\u{1b}[31m".to_owned(),
        " ".to_owned(),
        "x".repeat(100_000),
    ];
    let numbers = [json!(0), json!(-1), json!(i64::MIN), json!(i64::MAX)];
    let whole = |text: &str, number: &Value| {
        let mut object = serde_json::Map::new();
        for (field, is_text) in FIELDS {
            let value = if is_text { json!(text) } else { number.clone() };
            object.insert(field.to_owned(), value);
        }
        object
    };
    for text in &texts {
        payloads.push(Payload::json(
            Value::Object(whole(text, &json!(1))).to_string(),
        ));
    }
    for number in &numbers {
        let mut object = whole("fuzz", number);
        object.insert("email".into(), json!("fuzz@shop.vn"));
        payloads.push(Payload::json(Value::Object(object).to_string()));
    }

    // Lists of lines, as orders, transfers, refunds and counts take them.
    for list in ["items", "lines", "counts"] {
        for quantity in [
            json!(0),
            json!(-1),
            json!(i64::MIN),
            json!(i64::MAX),
            json!("1"),
        ] {
            let line = json!({
                "productId": product.id, "variantId": product.variant_id,
                "quantity": quantity, "counted": quantity, "discount": quantity,
            });
            payloads.push(Payload::json(json!({ list: [line] }).to_string()));
        }
        let line = json!({"productId": product.id, "quantity": 1});
        payloads.push(Payload::json(
            json!({ list: vec![line.clone(); 10_000] }).to_string(),
        ));
        payloads.push(Payload::json(
            json!({ list: [line], "discount": i64::MAX }).to_string(),
        ));
        payloads.push(Payload::json(
            json!({ list: [null, 1, "x", []] }).to_string(),
        ));
    }
    payloads
}

/// The generated app built for this test, run against the test's own database.
struct App {
    binary: PathBuf,
    project: PathBuf,
    name: String,
    database_url: String,
}

impl App {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .current_dir(&self.project)
            .env("DATABASE_URL", &self.database_url);
        command
    }

    /// Runs a one-off command of the app, such as `migrate`, and insists it succeeds.
    fn run(&self, args: &[&str], envs: &[(&str, &str)]) {
        let output = self
            .command()
            .args(args)
            .envs(envs.iter().copied())
            .output()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", self.binary.display()));
        assert!(
            output.status.success(),
            "`{} {}` failed:\n{}",
            self.name,
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts `serve` on `port`; its output goes to a file printed if the test fails.
    fn serve(&self, port: u16) -> Server {
        let log = tempfile::NamedTempFile::new().unwrap();
        let output = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap();
        let child = self
            .command()
            .arg("serve")
            .env("PORT", port.to_string())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", self.binary.display()));
        Server {
            child: Some(child),
            port,
            log,
        }
    }
}

/// How many of the app's last log lines a failure shows.
const LOG_TAIL: usize = 40;

/// A running `serve` process, killed when dropped.
struct Server {
    child: Option<Child>,
    port: u16,
    log: tempfile::NamedTempFile,
}

impl Server {
    /// Kills the process with SIGKILL, as the kernel's OOM killer or a pulled plug would:
    /// no graceful shutdown, transactions cut off mid-way.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.log.path()).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(LOG_TAIL)..].join("\n");
            eprintln!(
                "--- the end of the app's log on port {} ---\n{tail}",
                self.port
            );
        }
    }
}

/// A database of the test's own on the PostgreSQL server, dropped when this is.
struct Database {
    psql: PathBuf,
    /// The server's URL, for creating and dropping.
    server_url: String,
    name: String,
    url: String,
}

impl Database {
    fn create(server_url: &str) -> Self {
        let name = format!("poscake_faults_{}", std::process::id());
        let database = Self {
            psql: find_psql(),
            server_url: server_url.to_owned(),
            url: with_database(server_url, &name),
            name,
        };
        database.drop_database();
        database.psql(server_url, &format!("CREATE DATABASE {}", database.name));
        database
    }

    /// Runs `sql` in the test's database and returns its rows, unaligned, `|` between
    /// columns and one row a line.
    fn query(&self, sql: &str) -> String {
        self.psql(&self.url, sql)
    }

    fn psql(&self, url: &str, sql: &str) -> String {
        let output = Command::new(&self.psql)
            .args([url, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", self.psql.display()));
        assert!(
            output.status.success(),
            "psql failed on `{sql}`:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .trim_end()
            .to_owned()
    }

    fn drop_database(&self) {
        let _ = Command::new(&self.psql)
            .args([&self.server_url, "-X", "-q", "-c"])
            .arg(format!("DROP DATABASE IF EXISTS {}", self.name))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.drop_database();
    }
}

/// `psql` from PATH or, where the server's packages keep it off PATH, from the newest
/// `/usr/lib/postgresql/*/bin`.
fn find_psql() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut packaged: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().map(|dir| dir.path().join("bin")).collect())
        .unwrap_or_default();
    packaged.sort_by_key(|dir| {
        let version = dir.parent().and_then(|d| d.file_name()).unwrap_or_default();
        version.to_string_lossy().parse::<u32>().unwrap_or(0)
    });
    on_path
        .into_iter()
        .chain(packaged.into_iter().rev())
        .map(|dir| dir.join("psql"))
        .find(|psql| psql.is_file())
        .expect("psql, to check what the database holds, on PATH or in /usr/lib/postgresql")
}

/// `url` naming the database `name` instead of its own, query string kept.
fn with_database(url: &str, name: &str) -> String {
    let authority = url.find("://").map_or(0, |i| i + 3);
    let (base, rest) = match url[authority..].find('/') {
        Some(slash) => url.split_at(authority + slash),
        None => match url[authority..].find('?') {
            Some(question) => url.split_at(authority + question),
            None => (url, ""),
        },
    };
    let query = rest.find('?').map_or("", |i| &rest[i..]);
    format!("{base}/{name}{query}")
}

/// A product made for a check, with its default variant.
struct Product {
    id: i64,
    variant_id: i64,
}

/// Creates a product through the API and receives `stock` units of it.
fn create_product(port: u16, cookie: &str, sku: &str, stock: i64) -> Product {
    let body = json!({"name": format!("Fault {sku}"), "sku": sku, "price": 12_000}).to_string();
    let created = http_request(port, "POST", "/api/products", cookie, &body);
    assert!(created.starts_with("HTTP/1.1 201"), "{created}");
    let data = &Reply::parse(created.as_bytes()).unwrap().json()["data"];
    let product = Product {
        id: data["id"].as_i64().unwrap(),
        variant_id: data["defaultVariantId"].as_i64().unwrap(),
    };
    let body = json!({"productId": product.id, "quantity": stock, "reason": "fault test"});
    let received = http_request(
        port,
        "POST",
        "/api/inventory/receipts",
        cookie,
        &body.to_string(),
    );
    assert!(received.starts_with("HTTP/1.1 201"), "{received}");
    product
}

/// An HTTP answer: its status and its body, decoded.
#[derive(Debug)]
struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    /// Parses a whole answer; one cut short (its connection dropped mid-way) is an error.
    fn parse(raw: &[u8]) -> std::io::Result<Self> {
        let cut = |what: &str| std::io::Error::new(ErrorKind::UnexpectedEof, what.to_owned());
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| cut("no complete head"))?;
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let mut body = raw[split + 4..].to_vec();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| cut("no status"))?;
        let header = |name: &str| {
            head.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(n, _)| n.trim() == name)
                .map(|(_, v)| v.trim().to_owned())
        };
        if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            body = dechunk(&body).ok_or_else(|| cut("a chunked body cut short"))?;
        } else if let Some(length) = header("content-length").and_then(|v| v.parse().ok()) {
            if body.len() < length {
                return Err(cut("a body shorter than its Content-Length"));
            }
        }
        Ok(Self {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// Whether the body is the API's error envelope.
    fn is_envelope(&self) -> bool {
        let body = self.json();
        body["success"] == json!(false)
            && body["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
            && body["error"]["message"].is_string()
    }
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

fn send_json(
    port: u16,
    method: &str,
    path: &str,
    cookie: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> std::io::Result<Reply> {
    let mut headers = headers.to_vec();
    headers.push(("Content-Type", "application/json"));
    send(
        port,
        method,
        path,
        cookie,
        &headers,
        body.to_string().as_bytes(),
    )
}

/// Sends one request on a new connection and reads the whole answer. The body is sent
/// even if the app answers before reading it all (as it does to one over the limit).
fn send(
    port: u16,
    method: &str,
    path: &str,
    cookie: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Cookie: {cookie}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let written = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body));
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    match (Reply::parse(&raw), written, read) {
        (Ok(reply), _, _) => Ok(reply),
        (Err(_), Err(err), _) | (Err(_), _, Err(err)) => Err(err),
        (Err(err), _, _) => Err(err),
    }
}
