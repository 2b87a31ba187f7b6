//! Pancake stock against a stand-in Pancake on loopback: the exact requests
//! each call makes, the comparison with a database of the app's own, and
//! the guardrails on setting Pancake's stock.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use axum::http::Method;
use serde_json::{json, Value};
use sqlx::AnyPool;

use super::{
    api::{HistoryQuery, Period, StockKind, StockLevel},
    reconcile::{self, Row, Sides, Unmatched},
};
use crate::{
    attribution::Attribution,
    catalog::{self, ProductRequest},
    config::SalesRules,
    db,
    inventory::{self, model::StockRequest},
    pancake::{
        cli::{execute, parse},
        testing::{ok, Hit, Pancake, KEY},
        PancakeError,
    },
};

/// Pancake's warehouse in these tests.
const STORE: &str = "b4cb5897-6e56-4581-96cc-2f12677c7bd8";
/// Another Pancake warehouse, whose stock must not be mistaken for STORE's.
const DEPOT: &str = "229102e4-39c3-4523-bd57-4ed0a45a85ba";

/// A history entry as the spec's example has it, with a string quantity and
/// a decimal cost as live answers carry them.
fn history_entry() -> Value {
    json!({
        "id": 17, "type": "export", "table_name": "Order", "ref_display_id": 1042,
        "quantity": "-2", "remain_quantity": 8.0, "avg_price": 121982.75862069,
        "editor_id": "cee3c05e-5f85-43c4-b27e-889b99c50097",
        "inserted_at": "2026-05-07T11:04:38.590469",
        "warehouse": {"id": STORE, "name": "Kho Quận 1", "ffm_id": null},
        "variation_now": {"id": "v-1", "display_id": "13109", "custom_id": "AOSOMI-M",
                          "fields": [{"id": "f-1", "keyValue": "M", "name": "Size", "value": "M"}]},
        "current_inventory": [{"id": STORE, "name": "Kho Quận 1", "remain_quantity": 7,
                               "actual_remain_quantity": 8, "total_quantity": 8, "avg_price": 1.5}],
        "batch": "L01"
    })
}

#[tokio::test]
async fn histories_send_every_filter_as_the_spec_names_it() {
    let pancake = Pancake::serve(|_| {
        ok(
            json!({"success": true, "data": [history_entry()], "page_number": 2,
                  "page_size": 30, "total_entries": 31, "total_pages": 2}),
        )
    })
    .await;
    let query = HistoryQuery {
        warehouse_id: Some(STORE.into()),
        variation_ids: vec!["v-1".into(), "v-2".into()],
        since: Some(1_777_568_400),
        until: Some(1_780_246_799),
    };
    let page = pancake
        .client(false)
        .inventory_histories(&query, 2)
        .await
        .unwrap();
    let entry = &page.data[0];
    assert_eq!(
        (entry.id, entry.quantity, entry.remain_quantity),
        (17, Some(-2), Some(8))
    );
    assert_eq!(entry.ref_display_id.as_deref(), Some("1042"));
    assert_eq!(entry.current_inventory[0].actual_remain_quantity, Some(8));
    assert_eq!(entry.variation_now.as_ref().unwrap().code(), "AOSOMI-M");
    assert_eq!(entry.extra["batch"], "L01");

    assert_eq!(pancake.calls(), ["GET /shops/4/inventory_histories"]);
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [
            ("api_key", KEY),
            ("warehouse_id", STORE),
            ("variation_ids[]", "v-1"),
            ("variation_ids[]", "v-2"),
            ("startDate", "1777568400"),
            ("endDate", "1780246799"),
            ("page", "2"),
            ("page_size", "30")
        ]
    );
}

#[tokio::test]
async fn an_unfiltered_history_sends_only_the_page() {
    let pancake = Pancake::serve(|_| ok(json!({"data": [], "page_number": 1}))).await;
    let page = pancake
        .client(false)
        .inventory_histories(&HistoryQuery::default(), 1)
        .await
        .unwrap();
    assert!(page.data.is_empty());
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [("api_key", KEY), ("page", "1"), ("page_size", "30")]
    );
}

/// A report line by variation, as the spec's example has it.
fn analytics_row() -> Value {
    json!({
        "id": "d9005a9f", "begin_inventory": 1099, "begin_inventory_value": 109900000,
        "end_inventory": 1128.5, "end_inventory_value": "112800000", "purchase_import": 30,
        "total_import": 37, "total_import_value": 3700000, "total_export": -8,
        "variation": {"id": "d9005a9f", "custom_id": "TESTMATDOS", "display_id": 15,
                      "barcode": null,
                      "fields": [{"name": "Color", "value": "blue"}, {"name": "Size", "value": "L"}],
                      "product": {"custom_id": "ANTT", "display_id": 13038,
                                  "name": "Áo nam Pari"}}
    })
}

#[tokio::test]
async fn analytics_send_the_period_and_the_stock_they_count() {
    // One endpoint answers with `success`, the other without, as the spec's
    // examples differ from live answers.
    let pancake = Pancake::serve(|hit| {
        if hit.path.ends_with("by_product") {
            ok(json!({"data": [{"id": "p-1", "product_id": "p-1", "end_inventory": "12",
                                "product": {"id": "p-1", "name": "Áo nam Pari", "custom_id": "ANTT"}}],
                      "page_number": 1, "total_pages": 1}))
        } else {
            ok(json!({"success": true, "data": [analytics_row()], "page_number": 3,
                      "page_size": 30, "total_entries": 61, "total_pages": 3}))
        }
    })
    .await;
    let client = pancake.client(false);
    let period = Period {
        start: 1_777_568_400,
        end: 1_780_246_799,
    };
    let by_variation = client
        .inventory_analytics(period, StockKind::Actual, 3)
        .await
        .unwrap();
    let row = &by_variation.data[0];
    assert_eq!(row.code(), "TESTMATDOS");
    assert_eq!(row.name(), "Áo nam Pari (Color: blue, Size: L)");
    assert_eq!(
        (row.end_inventory, row.end_inventory_value),
        (Some(1128.5), Some(112_800_000))
    );
    assert_eq!(row.extra["purchase_import"], 30);
    let by_product = client
        .inventory_analytics_by_product(period, StockKind::Remain, 1)
        .await
        .unwrap();
    assert_eq!(by_product.data[0].code(), "ANTT");
    assert_eq!(by_product.data[0].end_inventory, Some(12.0));

    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/inventory_analytics/inventory",
            "GET /shops/4/inventory_analytics/inventory_by_product"
        ]
    );
    let hits = pancake.hits();
    for (hit, kind, page) in [(&hits[0], "actual", "3"), (&hits[1], "remain", "1")] {
        assert_eq!(
            hit.query_pairs(),
            [
                ("api_key", KEY),
                ("startDate", "1777568400"),
                ("endDate", "1780246799"),
                ("type", kind),
                ("page", page),
                ("page_size", "30")
            ]
        );
    }
}

/// A variation of the variation list with its stock in both warehouses.
fn variation(id: &str, sku: Option<&str>, store: Option<i64>, depot: i64) -> Value {
    let mut stock = vec![json!({"warehouse_id": DEPOT, "remain_quantity": depot,
                                "actual_remain_quantity": depot})];
    if let Some(store) = store {
        // Sellable stock is lower than physical: an open order holds one.
        stock.push(json!({"warehouse_id": STORE, "remain_quantity": store - 1,
                          "actual_remain_quantity": store as f64}));
    }
    json!({"id": id, "custom_id": sku, "retail_price": 25000, "fields": [],
           "product": {"id": format!("p-{id}"), "name": format!("Hàng {id}")},
           "variations_warehouses": stock})
}

/// Pancake's variations over two pages: coffee and cake (both sold here
/// too), tea (not sold here), a SKU two variations share, one without a SKU.
fn variations(hit: &Hit) -> Value {
    if hit.param("page_number") == Some("2") {
        return json!({"success": true, "page_number": 2, "total_pages": 2, "data": [
            variation("v-tea", Some("TRA"), Some(5), 0),
            variation("v-dup1", Some("DUP"), Some(1), 0),
            variation("v-dup2", Some("DUP"), Some(2), 0),
            variation("v-blank", Some("  "), Some(9), 0),
        ]});
    }
    json!({"success": true, "page_number": 1, "total_pages": 2, "data": [
        variation("v-cf", Some("CF-DEN"), Some(7), 40),
        variation("v-cake", Some("BANH-MI"), None, 3),
        variation("v-milk", Some("SUA"), Some(4), 0),
    ]})
}

#[tokio::test]
async fn stock_is_read_across_every_page() {
    let pancake = Pancake::serve(|hit| ok(variations(hit))).await;
    let all = pancake.client(false).stocked_variations().await.unwrap();
    assert_eq!(all.len(), 7);
    assert_eq!(all[0].actual_in(STORE), Some(7));
    assert_eq!(all[0].variations_warehouses[1].remain_quantity, Some(6));
    assert_eq!(all[1].actual_in(STORE), None);
    assert_eq!(all[0].name(), "Hàng v-cf");
    let hits = pancake.hits();
    assert_eq!(pancake.calls(), ["GET /shops/4/products/variations"; 2]);
    assert_eq!(
        hits[1].query_pairs(),
        [("api_key", KEY), ("page_number", "2"), ("page_size", "100")]
    );
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
        let name = format!("pancake_inventory_{}_{count}_{nanos}", std::process::id());
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
}

/// `server` (a `postgres://…/db?options` URL) with the database `name`.
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

/// A product with `sku` and `stock` units received, through the app's services.
async fn stocked_product(pool: &AnyPool, sku: &str, name: &str, stock: i64) -> i64 {
    let request = ProductRequest {
        name: Some(name.into()),
        sku: Some(sku.into()),
        price: Some(25_000),
        ..ProductRequest::default()
    };
    let product = catalog::service::create(pool, request).await.unwrap();
    if stock > 0 {
        let receipt = StockRequest {
            product_id: Some(product.product.id),
            quantity: Some(stock),
            ..StockRequest::default()
        };
        inventory::service::receive(
            pool,
            SalesRules::default(),
            &receipt,
            &Attribution::nobody(),
        )
        .await
        .unwrap();
    }
    product.product.id
}

/// The app's side: coffee (7, as Pancake), cake (2; Pancake has none in the
/// store), milk (10; Pancake 4), bread (only here), one of the shared SKU,
/// and a retired product with nothing on hand.
async fn shop(pool: &AnyPool) {
    stocked_product(pool, "CF-DEN", "Cà phê đen", 7).await;
    stocked_product(pool, "BANH-MI", "Bánh mì", 2).await;
    stocked_product(pool, "SUA", "Sữa tươi", 10).await;
    stocked_product(pool, "BANH-NGOT", "Bánh ngọt", 3).await;
    stocked_product(pool, "DUP", "Hàng trùng", 1).await;
    let retired = stocked_product(pool, "CU", "Hàng cũ", 1).await;
    let sold_out = StockRequest {
        product_id: Some(retired),
        quantity: Some(-1),
        reason: Some("Hỏng".into()),
        ..StockRequest::default()
    };
    inventory::service::adjust(
        pool,
        SalesRules::default(),
        &sold_out,
        &Attribution::nobody(),
    )
    .await
    .unwrap();
    // With a history, the product is retired rather than deleted.
    catalog::service::delete(pool, retired).await.unwrap();
}

fn store() -> Sides {
    Sides {
        pancake_warehouse: STORE.into(),
        warehouse: None,
    }
}

#[tokio::test]
async fn the_app_is_compared_with_pancake_sku_by_sku() {
    let pancake = Pancake::serve(|hit| ok(variations(hit))).await;
    let local = LocalDatabase::new().await;
    let pool = local.pool.clone();
    shop(&pool).await;

    let report = reconcile::compare(&pancake.client(false), &pool, &store())
        .await
        .unwrap();
    let row = |sku: &str, name: &str, local, pancake, variation: &str| Row {
        sku: sku.into(),
        name: name.into(),
        local,
        pancake,
        difference: local - pancake,
        variation_id: variation.into(),
        variant_id: report
            .rows
            .iter()
            .find(|row| row.sku == sku)
            .unwrap()
            .variant_id,
    };
    assert_eq!(
        report.rows,
        [
            row("BANH-MI", "Bánh mì", 2, 0, "v-cake"),
            row("CF-DEN", "Cà phê đen", 7, 7, "v-cf"),
            row("SUA", "Sữa tươi", 10, 4, "v-milk"),
        ]
    );
    assert_eq!(
        report.only_pancake,
        [Unmatched {
            sku: "TRA".into(),
            name: "Hàng v-tea".into(),
            quantity: 5
        }]
    );
    assert_eq!(
        report.only_local,
        [Unmatched {
            sku: "BANH-NGOT".into(),
            name: "Bánh ngọt".into(),
            quantity: 3
        }]
    );
    assert_eq!(report.ambiguous, ["DUP"]);
    assert_eq!(report.without_sku, 1);
    assert_eq!(report.warehouse, "MAIN");
    let totals = &report.totals;
    assert_eq!(
        (
            totals.matched,
            totals.equal,
            totals.differing,
            totals.only_pancake,
            totals.only_local
        ),
        (3, 1, 2, 1, 1)
    );
    assert_eq!((totals.local_units, totals.pancake_units), (22, 16));
    // The comparison read Pancake and wrote nothing anywhere.
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));

    let shown = report.clone().differences_only();
    assert_eq!(shown.rows.len(), 2);
    assert_eq!(shown.totals, report.totals);
    local.remove().await;
}

#[tokio::test]
async fn an_unknown_warehouse_on_either_side_is_an_error() {
    let pancake = Pancake::serve(|hit| ok(variations(hit))).await;
    let local = LocalDatabase::new().await;
    let pool = local.pool.clone();
    let client = pancake.client(false);
    let typo = Sides {
        pancake_warehouse: "kho-khong-co".into(),
        warehouse: None,
    };
    let error = reconcile::compare(&client, &pool, &typo).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "no Pancake variation lists warehouse kho-khong-co: check --pancake-warehouse"
    );
    let local_typo = Sides {
        warehouse: Some("KHO2".into()),
        ..store()
    };
    let error = reconcile::compare(&client, &pool, &local_typo)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "the app has no warehouse with code KHO2");
    local.remove().await;
}

#[tokio::test]
async fn adopting_sets_the_app_to_pancake_in_one_transaction() {
    let pancake = Pancake::serve(|hit| ok(variations(hit))).await;
    let local = LocalDatabase::new().await;
    let pool = local.pool.clone();
    shop(&pool).await;
    let report = reconcile::compare(&pancake.client(false), &pool, &store())
        .await
        .unwrap();
    assert_eq!(reconcile::adopt(&pool, &report).await.unwrap(), 2);

    let again = reconcile::compare(&pancake.client(false), &pool, &store())
        .await
        .unwrap();
    assert_eq!((again.totals.matched, again.totals.differing), (3, 0));
    let movements: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT v.sku, m.quantity, m.reason FROM stock_movements m \
         JOIN product_variants v ON v.id = m.variant_id \
         WHERE m.kind = 'ADJUSTMENT' AND m.actor = 'pancake inventory reconcile' \
         ORDER BY v.sku",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let reason = format!("Set to Pancake's stock in warehouse {STORE}");
    assert_eq!(
        movements,
        [
            ("BANH-MI".to_owned(), -2, reason.clone()),
            ("SUA".to_owned(), -6, reason)
        ]
    );
    local.remove().await;
}

fn levels() -> Vec<StockLevel> {
    vec![
        StockLevel {
            variation_id: "v-cake".into(),
            warehouse_id: STORE.into(),
            remain_quantity: 2,
            sku: "BANH-MI".into(),
        },
        StockLevel {
            variation_id: "v-milk".into(),
            warehouse_id: STORE.into(),
            remain_quantity: 10,
            sku: "SUA".into(),
        },
    ]
}

/// A Pancake that keeps stock: an update sets it, unless `ignore_sets`, and
/// the variation list shows it.
async fn pancake_keeping_stock(ignore_sets: bool) -> Pancake {
    let stock: Arc<Mutex<Vec<(String, i64)>>> =
        Arc::new(Mutex::new(vec![("v-cake".into(), 0), ("v-milk".into(), 4)]));
    Pancake::serve(move |hit| {
        let mut stock = stock.lock().unwrap();
        if hit.method == Method::POST {
            for level in hit.body["variations_warehouses"].as_array().unwrap() {
                let id = level["variation_id"].as_str().unwrap();
                let quantity = level["remain_quantity"].as_i64().unwrap();
                if !ignore_sets {
                    if let Some(entry) = stock.iter_mut().find(|(known, _)| known == id) {
                        entry.1 = quantity;
                    }
                }
            }
            return ok(json!({"success": true}));
        }
        let wanted: Vec<&str> = hit
            .query
            .iter()
            .filter(|(name, _)| name == "variation_ids[]")
            .map(|(_, id)| id.as_str())
            .collect();
        let data: Vec<Value> = stock
            .iter()
            .filter(|(id, _)| wanted.is_empty() || wanted.contains(&id.as_str()))
            .map(|(id, quantity)| {
                let sku = if id == "v-cake" { "BANH-MI" } else { "SUA" };
                variation(id, Some(sku), Some(*quantity), 0)
            })
            .collect();
        ok(json!({"success": true, "data": data, "page_number": 1, "total_pages": 1}))
    })
    .await
}

#[tokio::test]
async fn setting_stock_is_refused_without_confirmation_before_any_request() {
    let pancake = pancake_keeping_stock(false).await;
    let error = pancake
        .client(false)
        .set_stock(&levels())
        .await
        .unwrap_err();
    assert!(
        matches!(error, PancakeError::WriteNotConfirmed),
        "{error:?}"
    );
    assert!(pancake.hits().is_empty());
}

#[tokio::test]
async fn setting_stock_posts_the_levels_then_reads_them_back() {
    let pancake = pancake_keeping_stock(false).await;
    pancake.client(true).set_stock(&levels()).await.unwrap();
    assert_eq!(
        pancake.calls(),
        [
            "POST /shops/4/variations/update_quantity",
            "GET /shops/4/products/variations"
        ]
    );
    let hits = pancake.hits();
    assert_eq!(
        hits[0].body,
        json!({"is_actual_remain_quantity": true, "variations_warehouses": [
            {"variation_id": "v-cake", "warehouse_id": STORE, "remain_quantity": 2},
            {"variation_id": "v-milk", "warehouse_id": STORE, "remain_quantity": 10}
        ]})
    );
    assert_eq!(
        hits[1].query_pairs(),
        [
            ("api_key", KEY),
            ("variation_ids[]", "v-cake"),
            ("variation_ids[]", "v-milk"),
            ("page_number", "1"),
            ("page_size", "2")
        ]
    );
}

#[tokio::test]
async fn stock_pancake_did_not_take_is_reported_by_sku() {
    let pancake = pancake_keeping_stock(true).await;
    let error = pancake.client(true).set_stock(&levels()).await.unwrap_err();
    assert!(
        matches!(&error, PancakeError::NotVerified { reason }
            if reason == "the stock of BANH-MI, SUA does not read back as set"),
        "{error:?}"
    );
    // One POST only: a write is never retried.
    let posts = pancake
        .hits()
        .iter()
        .filter(|hit| hit.method == Method::POST)
        .count();
    assert_eq!(posts, 1);
}

/// Parses the words after `pancake` and runs them against `pancake`.
async fn run(pancake: &Pancake, confirmed: bool, words: &[&str]) -> anyhow::Result<String> {
    let (config, command) = parse(words).unwrap();
    execute(&pancake.client(confirmed), &config, command).await
}

#[tokio::test]
async fn pancake_inventory_histories_prints_a_table_or_json() {
    let pancake = Pancake::serve(|hit| {
        if hit.path.ends_with("/products/variations") {
            return ok(
                json!({"success": true, "page_number": 1, "total_pages": 1, "data": [
                    {"id": "v-9", "custom_id": "AOSOMI-ML", "retail_price": 1},
                    {"id": "v-1", "custom_id": "AOSOMI-M", "retail_price": 1}
                ]}),
            );
        }
        ok(json!({"success": true, "data": [history_entry()], "page_number": 1, "total_pages": 4}))
    })
    .await;
    let args = [
        "inventory",
        "histories",
        "--sku",
        "AOSOMI-M",
        "--since",
        "2026-05-01",
        "--until",
        "2026-05-31",
    ];
    let printed = run(&pancake, false, &args).await.unwrap();
    assert_eq!(
        printed,
        "TIME (UTC)                  SKU       TYPE    REFERENCE   WAREHOUSE   CHANGE  AFTER\n\
         2026-05-07T11:04:38.590469  AOSOMI-M  export  Order 1042  Kho Quận 1  -2      8\n\
         page 1 of 4\n"
    );
    // The SKU was looked up by search, then matched exactly.
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [
            ("api_key", KEY),
            ("search", "AOSOMI-M"),
            ("page_number", "1"),
            ("page_size", "30")
        ]
    );
    assert_eq!(
        pancake.hits()[1].query_pairs(),
        [
            ("api_key", KEY),
            ("variation_ids[]", "v-1"),
            ("startDate", "1777568400"),
            ("endDate", "1780246799"),
            ("page", "1"),
            ("page_size", "30")
        ]
    );

    let printed = run(&pancake, false, &["inventory", "histories", "--json"])
        .await
        .unwrap();
    let listed: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(listed[0]["type"], "export");
    assert_eq!(listed[0]["quantity"], -2);
    assert_eq!(listed[0]["batch"], "L01");
}

#[tokio::test]
async fn a_bad_day_is_a_one_line_error_before_any_request() {
    let pancake = Pancake::serve(|_| ok(json!({"data": []}))).await;
    let args = [
        "inventory",
        "analytics",
        "--since",
        "2026-02-30",
        "--until",
        "2026-03-01",
    ];
    let error = run(&pancake, false, &args).await.unwrap_err();
    assert_eq!(
        format!("{error:#}"),
        "--since takes a day as YYYY-MM-DD, not \"2026-02-30\""
    );
    let args = [
        "inventory",
        "analytics",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-01",
    ];
    let error = run(&pancake, false, &args).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "--until 2026-03-01 is before --since 2026-03-02"
    );
    assert!(pancake.hits().is_empty());
}

#[tokio::test]
async fn pancake_inventory_reconcile_prints_the_differences() {
    let pancake = Pancake::serve(|hit| ok(variations(hit))).await;
    let local = LocalDatabase::new().await;
    shop(&local.pool).await;
    let url = local.url.clone();
    let args = [
        "--database-url",
        &url,
        "inventory",
        "reconcile",
        "--pancake-warehouse",
        STORE,
    ];
    let printed = run(&pancake, false, &args).await.unwrap();
    assert_eq!(
        printed,
        format!(
            "app warehouse MAIN against Pancake warehouse {STORE}\n\
             SKU      NAME      APP  PANCAKE  DIFFERENCE\n\
             BANH-MI  Bánh mì   2    0        +2\n\
             SUA      Sữa tươi  10   4        +6\n\
             only in Pancake:\n\
             SKU  NAME        STOCK\n\
             TRA  Hàng v-tea  5\n\
             only in the app:\n\
             SKU        NAME       STOCK\n\
             BANH-NGOT  Bánh ngọt  3\n\
             left out, as several Pancake variations share the SKU: DUP\n\
             3 SKU(s) on both sides: 1 equal, 2 differing; 1 only in Pancake, 1 only in the app; \
             1 Pancake variation(s) without a SKU\n\
             units: app 22, Pancake 16\n\
             nothing was written; --adopt sets the app's stock to Pancake's, \
             `push` sets Pancake's to the app's\n"
        )
    );
    let mut json_args = args.to_vec();
    json_args.extend(["--all", "--json"]);
    let printed = run(&pancake, false, &json_args).await.unwrap();
    let report: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(report["rows"].as_array().unwrap().len(), 3);
    assert_eq!(report["rows"][1]["sku"], "CF-DEN");
    assert_eq!(report["onlyPancake"][0]["quantity"], 5);
    assert_eq!(report["totals"]["differing"], 2);
    local.remove().await;
}

#[tokio::test]
async fn reconcile_compares_with_the_linked_pancake_warehouse_by_default() {
    let pancake = Pancake::serve(|hit| ok(variations(hit))).await;
    let local = LocalDatabase::new().await;
    shop(&local.pool).await;
    let url = local.url.clone();
    let args = ["inventory", "reconcile", "--database-url", &url];
    let unlinked = run(&pancake, false, &args).await.unwrap_err();
    assert!(
        unlinked
            .to_string()
            .contains("pancake warehouses link MAIN"),
        "{unlinked:#}"
    );
    let main = &crate::warehouses::service::list(&local.pool).await.unwrap()[0];
    let link = crate::warehouses::model::WarehouseRequest {
        code: Some(main.code.clone()),
        name: Some(main.name.clone()),
        pancake_warehouse_id: Some(STORE.into()),
        ..Default::default()
    };
    crate::warehouses::service::update(&local.pool, main.id, &link)
        .await
        .unwrap();
    let printed = run(&pancake, false, &args).await.unwrap();
    assert!(
        printed.starts_with(&format!(
            "app warehouse MAIN against Pancake warehouse {STORE}\n"
        )),
        "{printed}"
    );
    local.remove().await;
}

#[tokio::test]
async fn pancake_inventory_push_is_a_dry_run_until_applied_and_confirmed() {
    let pancake = pancake_keeping_stock(false).await;
    let local = LocalDatabase::new().await;
    shop(&local.pool).await;
    let url = local.url.clone();
    let mut args = vec!["inventory", "push", "--database-url", &url];
    args.extend(["--pancake-warehouse", STORE]);

    let printed = run(&pancake, true, &args).await.unwrap();
    assert_eq!(
        printed,
        "SKU      NAME      PANCAKE NOW  APP (TO SET)\n\
         BANH-MI  Bánh mì   0            2\n\
         SUA      Sữa tươi  4            10\n\
         dry run: nothing was written; run again with --apply\n"
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));

    args.push("--apply");
    let error = run(&pancake, false, &args).await.unwrap_err();
    assert!(
        matches!(error.downcast_ref(), Some(PancakeError::WriteNotConfirmed)),
        "{error:?}"
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));

    let printed = run(&pancake, true, &args).await.unwrap();
    assert!(
        printed.ends_with("set the stock of 2 SKU(s) in Pancake, checked\n"),
        "{printed}"
    );
    let posts: Vec<Hit> = pancake
        .hits()
        .into_iter()
        .filter(|hit| hit.method == Method::POST)
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/shops/4/variations/update_quantity");
    assert_eq!(
        posts[0].body["variations_warehouses"][1],
        json!({"variation_id": "v-milk", "warehouse_id": STORE, "remain_quantity": 10})
    );
    // Now nothing differs, and a push has nothing to send.
    let printed = run(&pancake, true, &args).await.unwrap();
    assert_eq!(printed, "nothing to set: Pancake has the app's stock\n");
    local.remove().await;
}
