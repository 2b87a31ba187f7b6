//! A push against a stand-in shop, from the app's own database.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use clap::Parser;
use serde_json::{json, Value};
use sqlx::AnyPool;

use super::{local, shirt, variant, water, SHIRT};
use crate::catalog::{self, ProductRequest, VariantRequest};
use crate::config::Config;
use crate::db;
use crate::pancake::{
    cli::{execute, PancakeArgs},
    testing::{ok, Hit, Pancake, KEY},
    PancakeClient, PancakeError,
};
use crate::pancake_products::push;

/// A stand-in shop that keeps its products as Pancake does: it lists them,
/// finds one by id or SKU, and takes creates and whole-product updates.
async fn shop(catalogue: Vec<Value>) -> Pancake {
    let state = Arc::new(Mutex::new(catalogue));
    Pancake::serve(move |hit| answer(&mut state.lock().unwrap(), hit)).await
}

fn answer(products: &mut Vec<Value>, hit: &Hit) -> (StatusCode, Value) {
    let rest = hit.path.strip_prefix("/shops/4/products").unwrap_or("?");
    let key = rest.strip_prefix('/').unwrap_or_default();
    let position = products.iter().position(|product| {
        !key.is_empty() && (product["id"] == key || product["custom_id"] == key)
    });
    match (&hit.method, rest, position) {
        (&Method::GET, "", _) => ok(json!({"success": true, "data": *products,
                                          "page_number": 1, "total_pages": 1})),
        (&Method::GET, _, Some(at)) => ok(json!({"success": true, "data": products[at]})),
        (&Method::POST, "", _) => {
            let mut product = hit.body["product"].clone();
            product["id"] = json!(format!("p-new-{}", products.len()));
            products.push(product);
            ok(json!({"success": true}))
        }
        (&Method::PUT, _, Some(at)) => {
            products[at] = hit.body["product"].clone();
            ok(json!({"success": true}))
        }
        _ => (
            StatusCode::NOT_FOUND,
            json!({"success": false, "message": "not found"}),
        ),
    }
}

/// A migrated database of its own: on the PostgreSQL server
/// `TEST_DATABASE_URL` names, else a SQLite file in the temporary folder.
struct LocalDatabase {
    pool: AnyPool,
    url: String,
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
        let name = format!("pancake_push_{}_{count}_{nanos}", std::process::id());
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
                on_server(server, &name)
            }
            None => {
                let file = std::env::temp_dir().join(format!("{name}.db"));
                format!("sqlite://{}?mode=rwc", file.display())
            }
        };
        let pool = db::connect(&url).await.unwrap();
        db::migrate(&pool).await.unwrap();
        LocalDatabase {
            pool,
            url,
            server,
            name,
        }
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

    /// Adds a product through the catalogue's own service.
    async fn product(&self, name: &str, sku: &str, price: i64, barcode: Option<&str>) -> i64 {
        let request = ProductRequest {
            name: Some(name.into()),
            sku: Some(sku.into()),
            price: Some(price),
            barcode: barcode.map(Into::into),
            ..ProductRequest::default()
        };
        catalog::service::create(&self.pool, request)
            .await
            .unwrap()
            .product
            .id
    }

    /// `pancake products …` with these arguments, on this database.
    async fn run(&self, client: &PancakeClient, args: &[&str]) -> anyhow::Result<String> {
        let mut line = vec!["app", "--database-url", &self.url, "pancake", "products"];
        line.extend(args);
        let cli = Cli::parse_from(line);
        let Command::Pancake(pancake) = cli.command;
        execute(client, &cli.config, pancake).await
    }
}

/// The database `name` on the server `server` points at.
fn on_server(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').unwrap_or((server, ""));
    let authority = base.find("://").map_or(0, |at| at + 3);
    let root = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{root}/{name}{query}")
}

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Pancake(PancakeArgs),
}

#[tokio::test]
async fn a_dry_run_reads_the_catalogue_once_and_writes_nothing() {
    let database = LocalDatabase::new().await;
    database
        .product("Cà phê sữa", "CF-SUA", 25_000, Some("8930000000042"))
        .await;
    database
        .product("Nước suối 500ml", "NS-500", 6_000, None)
        .await;
    let pancake = shop(vec![water()]).await;
    let client = pancake.client(true);

    let printed = database.run(&client, &["push"]).await.unwrap();
    assert_eq!(
        printed,
        "SKU     NAME             ACTION  DETAIL\n\
         CF-SUA  Cà phê sữa       create  CF-SUA 25000\n\
         NS-500  Nước suối 500ml  update  price of NS-500: 5000 → 6000\n\
         1 to create, 1 to update, 0 unchanged, 0 conflict(s), 0 skipped\n\
         dry run: nothing was written to Pancake; run again with --apply\n"
    );
    assert_eq!(pancake.calls(), ["GET /shops/4/products"]);
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [("api_key", KEY), ("page_number", "1"), ("page_size", "30")]
    );

    let printed = database
        .run(&client, &["push", "--json", "--sku", "NS-500"])
        .await
        .unwrap();
    let plan: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(
        plan,
        json!([{"sku": "NS-500", "name": "Nước suối 500ml", "action": "update",
                "productId": "p-water",
                "changes": [{"field": "price", "sku": "NS-500", "from": 5000, "to": 6000}]}])
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));
    database.remove().await;
}

#[tokio::test]
async fn applying_without_confirmation_is_refused_before_any_request() {
    let database = LocalDatabase::new().await;
    database.product("Cà phê sữa", "CF-SUA", 25_000, None).await;
    let pancake = shop(vec![]).await;

    let error = database
        .run(&pancake.client(false), &["push", "--apply"])
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.downcast_ref::<PancakeError>(),
            Some(PancakeError::WriteNotConfirmed)
        ),
        "{error:?}"
    );
    assert!(pancake.hits().is_empty());
    database.remove().await;
}

#[tokio::test]
async fn applying_creates_and_updates_then_nothing_is_left_to_push() {
    let database = LocalDatabase::new().await;
    database
        .product("Cà phê sữa", "CF-SUA", 25_000, Some("8930000000042"))
        .await;
    database
        .product("Nước suối 500ml", "NS-500", 6_000, Some("8930000000035"))
        .await;
    // The shirt as the import brought it in, one product per size, renamed
    // and repriced here since.
    database
        .product("Áo sơ mi nam trắng (Size: M)", "AOSOMI-M", 145_000, None)
        .await;
    database
        .product("Áo sơ mi nam trắng (Size: L)", "AOSOMI-L", 150_000, None)
        .await;
    let tshirt = database.product("Áo thun", "AOTHUN-M", 90_000, None).await;
    let large = VariantRequest {
        sku: Some("AOTHUN-L".into()),
        price: Some(95_000),
        attributes: Some(BTreeMap::from([("size".to_owned(), "L".to_owned())])),
        ..VariantRequest::default()
    };
    catalog::create_variant(&database.pool, tshirt, large)
        .await
        .unwrap();
    let pancake = shop(vec![shirt(), water()]).await;
    let client = pancake.client(true);

    let printed = database.run(&client, &["push", "--apply"]).await.unwrap();
    assert!(
        printed.ends_with(
            "2 to create, 3 to update, 0 unchanged, 0 conflict(s), 0 skipped\n\
             created 2 and updated 3 product(s) in Pancake\n"
        ),
        "{printed}"
    );
    let shirt_path = format!("/shops/4/products/{SHIRT}");
    let calls = pancake.calls();
    assert_eq!(
        calls,
        [
            "GET /shops/4/products".to_owned(),
            "POST /shops/4/products".to_owned(),
            "GET /shops/4/products/CF-SUA".to_owned(),
            // Built from the product as it is now, checked, sent, read back.
            "GET /shops/4/products/p-water".to_owned(),
            "GET /shops/4/products/p-water".to_owned(),
            "PUT /shops/4/products/p-water".to_owned(),
            "GET /shops/4/products/p-water".to_owned(),
            // Both sizes of the shirt in one update.
            format!("GET {shirt_path}"),
            format!("GET {shirt_path}"),
            format!("PUT {shirt_path}"),
            format!("GET {shirt_path}"),
            "POST /shops/4/products".to_owned(),
            "GET /shops/4/products/AOTHUN-M".to_owned(),
        ]
    );
    let hits = pancake.hits();
    assert_eq!(
        hits[1].body,
        json!({"product": {
            "name": "Cà phê sữa", "custom_id": "CF-SUA", "weight": 0,
            "variations": [{"custom_id": "CF-SUA", "retail_price": 25000, "weight": 0,
                            "barcode": "8930000000042", "fields": []}]
        }})
    );
    assert_eq!(
        hits[11].body,
        json!({"product": {
            "name": "Áo thun", "custom_id": "AOTHUN-M", "weight": 0,
            "product_attributes": [{"name": "size", "values": ["L"]}],
            "variations": [
                {"custom_id": "AOTHUN-M", "retail_price": 90000, "weight": 0, "fields": []},
                {"custom_id": "AOTHUN-L", "retail_price": 95000, "weight": 0,
                 "fields": [{"name": "size", "value": "L"}]}
            ]
        }})
    );
    // Updates send the whole product back with the change, Pancake's other
    // fields kept and the read-only stock left out.
    assert_eq!(
        hits[5].body,
        json!({"product": {
            "id": "p-water", "name": "Nước suối 500ml", "custom_id": "NS-500", "weight": 500,
            "note_product": "Thùng 24 chai",
            "variations": [{"id": "v-w", "custom_id": "NS-500", "retail_price": 6000,
                            "barcode": "8930000000035", "fields": []}]
        }})
    );
    let sent = &hits[9].body["product"];
    assert_eq!(sent["name"], "Áo sơ mi nam trắng");
    assert_eq!(sent["category_ids"], json!([1290021044]));
    assert!(sent.get("variations_warehouses").is_none());
    let prices: Vec<(&str, &Value)> = sent["variations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variation| {
            (
                variation["custom_id"].as_str().unwrap(),
                &variation["retail_price"],
            )
        })
        .collect();
    assert_eq!(
        prices,
        [("AOSOMI-M", &json!(145000)), ("AOSOMI-L", &json!(150000))]
    );

    let again = database.run(&client, &["push", "--json"]).await.unwrap();
    let plan: Value = serde_json::from_str(&again).unwrap();
    let plan = plan.as_array().unwrap();
    assert_eq!(plan.len(), 5);
    assert!(
        plan.iter().all(|item| item["action"] == "unchanged"),
        "{again}"
    );
    assert_eq!(pancake.calls().len(), calls.len() + 1);
    database.remove().await;
}

#[tokio::test]
async fn a_push_stops_at_the_first_failure_and_says_what_it_did() {
    let state = Arc::new(Mutex::new(vec![water()]));
    let pancake = Pancake::serve(move |hit| {
        if hit.method == Method::POST && hit.body["product"]["custom_id"] == "BAD" {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"success": false, "message": "invalid product"}),
            );
        }
        answer(&mut state.lock().unwrap(), hit)
    })
    .await;
    let local = [
        local("Cà phê sữa", vec![variant("CF-SUA", 25_000, None)]),
        local("Hỏng", vec![variant("BAD", 1_000, None)]),
        local("Nước suối 500ml", vec![variant("NS-500", 6_000, None)]),
    ];
    let client = pancake.client(true);
    let plan = push::plan_push(&local, &client.all_products().await.unwrap());

    let stopped = push::apply_push(&client, &plan).await.unwrap_err();
    assert_eq!(stopped.sku, "BAD");
    assert_eq!(stopped.done.created, ["CF-SUA"]);
    assert!(stopped.done.updated.is_empty());
    assert!(matches!(
        stopped.source,
        PancakeError::Status { status, .. } if status == StatusCode::UNPROCESSABLE_ENTITY
    ));
    assert_eq!(
        stopped.to_string(),
        "push stopped at BAD after creating 1 and updating 0 product(s) in Pancake"
    );
    // Nothing after the failure was sent.
    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/products",
            "POST /shops/4/products",
            "GET /shops/4/products/CF-SUA",
            "POST /shops/4/products"
        ]
    );
}
