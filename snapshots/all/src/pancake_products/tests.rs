//! Pancake products against a mock Pancake on loopback: the requests made
//! for each call, exactly as the spec has them, and the guardrails on writes.

use std::sync::{Arc, Mutex};

use axum::http::Method;
use serde_json::{json, Value};

use super::{
    api::{NewProduct, ProductChange},
    sync::{self, Action},
};
use crate::catalog::{self, ProductRequest};
use crate::config::Config;
use crate::db;
use crate::pancake::{
    cli::{execute, parse},
    testing::{ok, Hit, Pancake, KEY},
    PancakeError,
};

/// A product as the live API sends it, with fields these types do not name.
fn shirt(price: i64) -> Value {
    json!({
        "id": "3487e126-b0d9-4dae-89a9-ee60bef2f4e9",
        "display_id": 12,
        "name": "Áo sơ mi nam",
        "custom_id": "AOSOMI",
        "weight": 200,
        "category_ids": [1290021044],
        "variations_warehouses": [{"warehouse_id": "w1", "remain_quantity": 10}],
        "variations": [
            {"id": "v-1", "custom_id": "AOSOMI-M", "barcode": "8930000000011",
             "retail_price": price, "fields": [{"name": "Size", "value": "M"}],
             "variations_warehouses": [{"warehouse_id": "w1", "remain_quantity": 4}]},
            {"id": "v-2", "custom_id": "AOSOMI-L", "barcode": null,
             "retail_price": 150000.0, "fields": [{"name": "Size", "value": "L"}]}
        ]
    })
}

#[tokio::test]
async fn products_are_listed_a_page_at_a_time() {
    let pancake = Pancake::serve(|_| {
        let page = json!({"success": true, "data": [shirt(140_000)], "page_number": 2,
                          "page_size": 30, "total_entries": 31, "total_pages": 2});
        ok(page)
    })
    .await;
    let page = pancake
        .client(false)
        .products(Some("áo sơ mi"), 2)
        .await
        .unwrap();
    assert_eq!(page.total_pages, Some(2));
    let product = &page.data[0];
    assert_eq!(product.custom_id.as_deref(), Some("AOSOMI"));
    assert_eq!(product.variations[1].retail_price, Some(150_000));
    assert_eq!(product.variations[0].label(), "Size: M");

    let hits = pancake.hits();
    assert_eq!(pancake.calls(), ["GET /shops/4/products"]);
    assert_eq!(
        hits[0].query_pairs(),
        [
            ("api_key", KEY),
            ("search", "áo sơ mi"),
            ("page_number", "2"),
            ("page_size", "30")
        ]
    );
}

#[tokio::test]
async fn a_product_is_found_by_sku_wrapped_or_bare() {
    for wrapped in [true, false] {
        let pancake = Pancake::serve(move |_| {
            let product = if wrapped {
                json!({"success": true, "data": shirt(140_000)})
            } else {
                shirt(140_000)
            };
            ok(product)
        })
        .await;
        let product = pancake.client(false).product("ÁO/01 M").await.unwrap();
        assert_eq!(product.name, "Áo sơ mi nam");
        // A SKU is one path segment, whatever it holds.
        assert_eq!(pancake.calls(), ["GET /shops/4/products/%C3%81O%2F01%20M"]);
    }
}

#[tokio::test]
async fn variations_and_categories_are_read() {
    let pancake = Pancake::serve(|hit| {
        let body = if hit.path.ends_with("/categories") {
            json!({"success": true, "data": [
                {"id": 1, "text": "Thời trang", "nodes": [{"id": 2, "text": "Áo", "nodes": []}]}
            ]})
        } else {
            json!({"success": true, "data": [
                {"id": "v-1", "custom_id": "AOSOMI-M", "retail_price": 140000, "remain_quantity": 3.0,
                 "product": {"name": "Áo sơ mi nam"}}
            ], "page_number": 1, "total_pages": 1})
        };
        ok(body)
    })
    .await;
    let client = pancake.client(false);
    let variations = client.variations(None, 1).await.unwrap();
    assert_eq!(variations.data[0].remain_quantity, Some(3));
    let categories = client.categories().await.unwrap();
    assert_eq!(categories[0].nodes[0].text, "Áo");
    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/products/variations",
            "GET /shops/4/categories"
        ]
    );
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [("api_key", KEY), ("page_number", "1"), ("page_size", "30")]
    );
}

#[tokio::test]
async fn writes_are_refused_without_confirmation_before_any_request() {
    let pancake = Pancake::serve(|_| ok(shirt(140_000))).await;
    let client = pancake.client(false);
    let new = NewProduct {
        weight: 150,
        ..NewProduct::single("Áo thun".into(), "AOTHUN".into(), 90_000, None)
    };
    let refused = [
        client.create_product(&new).await.unwrap_err(),
        client
            .update_product("AOSOMI", &ProductChange::default())
            .await
            .unwrap_err(),
        client.set_hidden(&["p-1".into()], true).await.unwrap_err(),
    ];
    for error in refused {
        assert!(
            matches!(error, PancakeError::WriteNotConfirmed),
            "{error:?}"
        );
    }
    // The update read the product to build its body; nothing was written.
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));
}

#[tokio::test]
async fn a_product_is_created_and_read_back_by_sku() {
    let pancake = Pancake::serve(|hit| match hit.method {
        Method::POST => ok(json!({"success": true})),
        _ => ok(
            json!({"success": true, "data": {"id": "p-9", "name": "Áo thun", "custom_id": "AOTHUN",
                   "variations": [{"custom_id": "AOTHUN", "retail_price": 90000}]}}),
        ),
    })
    .await;
    let new = NewProduct {
        weight: 150,
        ..NewProduct::single(
            "Áo thun".into(),
            "AOTHUN".into(),
            90_000,
            Some("8930000000028".into()),
        )
    };
    let created = pancake.client(true).create_product(&new).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("p-9"));
    assert_eq!(
        pancake.calls(),
        ["POST /shops/4/products", "GET /shops/4/products/AOTHUN"]
    );
    assert_eq!(
        pancake.hits()[0].body,
        json!({"product": {
            "name": "Áo thun", "custom_id": "AOTHUN", "weight": 150,
            "variations": [{"custom_id": "AOTHUN", "barcode": "8930000000028",
                            "retail_price": 90000, "weight": 150, "fields": []}]
        }})
    );
}

#[tokio::test]
async fn an_update_sends_the_whole_product_and_checks_it_took() {
    let stored = Arc::new(Mutex::new(shirt(140_000)));
    let state = stored.clone();
    let pancake = Pancake::serve(move |hit| {
        if hit.method == Method::PUT {
            let mut product = hit.body["product"].clone();
            product["variations_warehouses"] = json!([]);
            *state.lock().unwrap() = product;
            return ok(json!({"success": true}));
        }
        let product = state.lock().unwrap().clone();
        ok(json!({"success": true, "data": product}))
    })
    .await;
    let change = ProductChange {
        name: Some("Áo sơ mi nam trắng".into()),
        prices: vec![("AOSOMI-M".into(), 145_000)],
        barcodes: vec![("AOSOMI-L".into(), "8930000000059".into())],
    };
    let updated = pancake
        .client(true)
        .update_product("AOSOMI", &change)
        .await
        .unwrap();
    assert_eq!(updated.name, "Áo sơ mi nam trắng");
    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/products/AOSOMI",
            "GET /shops/4/products/AOSOMI",
            "PUT /shops/4/products/3487e126-b0d9-4dae-89a9-ee60bef2f4e9",
            "GET /shops/4/products/AOSOMI"
        ]
    );
    let sent = &pancake.hits()[2].body["product"];
    // Every variation goes back, unknown fields kept, stock left out.
    assert_eq!(sent["variations"].as_array().unwrap().len(), 2);
    assert_eq!(sent["variations"][0]["retail_price"], 145_000);
    assert_eq!(sent["variations"][1]["barcode"], "8930000000059");
    assert_eq!(sent["category_ids"], json!([1290021044]));
    assert!(sent.get("variations_warehouses").is_none());
    assert!(sent["variations"][0].get("variations_warehouses").is_none());
}

#[tokio::test]
async fn an_update_pancake_ignored_is_an_error() {
    let pancake = Pancake::serve(|hit| match hit.method {
        Method::PUT => ok(json!({"success": true})),
        _ => ok(json!({"success": true, "data": shirt(140_000)})),
    })
    .await;
    let change = ProductChange {
        prices: vec![("AOSOMI-M".into(), 145_000)],
        ..ProductChange::default()
    };
    let error = pancake
        .client(true)
        .update_product("AOSOMI", &change)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, PancakeError::NotVerified { reason } if reason.contains("AOSOMI-M")),
        "{error:?}"
    );
}

#[tokio::test]
async fn products_are_hidden_after_each_is_checked() {
    let pancake = Pancake::serve(|hit| match hit.method {
        Method::PUT => ok(json!({"success": true})),
        _ => ok(json!({"success": true, "data": shirt(140_000)})),
    })
    .await;
    let ids = vec!["p-1".to_owned(), "p-2".to_owned()];
    pancake.client(true).set_hidden(&ids, true).await.unwrap();
    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/products/p-1",
            "GET /shops/4/products/p-2",
            "PUT /shops/4/products/update_hide"
        ]
    );
    assert_eq!(
        pancake.hits()[2].body,
        json!({"is_hide": true, "product_ids": ["p-1", "p-2"]})
    );
}

#[tokio::test]
async fn pancake_products_list_prints_the_products() {
    let pancake = Pancake::serve(|_| {
        let page = json!({"success": true, "data": [shirt(140_000)],
                          "page_number": 1, "total_pages": 3});
        ok(page)
    })
    .await;
    let (_, args) = parse(&["products", "list"]).unwrap();
    let printed = execute(&pancake.client(false), &Config::without_flags(), args)
        .await
        .unwrap();
    assert_eq!(
        printed,
        "SKU     NAME          VARIATIONS  PRICE\n\
         AOSOMI  Áo sơ mi nam  2           140000–150000\n\
         page 1 of 3\n"
    );
    let (_, args) = parse(&["products", "list", "--json"]).unwrap();
    let printed = execute(&pancake.client(false), &Config::without_flags(), args)
        .await
        .unwrap();
    let listed: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(listed[0]["custom_id"], "AOSOMI");
}

/// A database of its own in the temporary folder, migrated.
async fn local_catalog() -> (sqlx::AnyPool, std::path::PathBuf) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let file =
        std::env::temp_dir().join(format!("pancake-import-{}-{nanos}.db", std::process::id()));
    let pool = db::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    db::migrate(&pool).await.unwrap();
    (pool, file)
}

/// Two pages of Pancake's catalogue: a shirt in two sizes, then water (sold
/// here already, cheaper) and a gift without a price or a SKU.
fn catalogue(hit: &Hit) -> Value {
    if hit.param("page_number") != Some("2") {
        return json!({"success": true, "data": [shirt(140_000)], "page_number": 1, "total_pages": 2});
    }
    json!({"success": true, "page_number": 2, "total_pages": 2, "data": [
        {"id": "p-2", "name": "Nước suối 500ml", "custom_id": "NS-500", "variations": [
            {"custom_id": "NS-500", "retail_price": 5000, "barcode": "8930000000035"}]},
        {"id": "p-3", "name": "Quà tặng", "custom_id": "QT", "variations": [
            {"custom_id": "QT", "retail_price": 0},
            {"custom_id": null, "retail_price": 1000}]}
    ]})
}

#[tokio::test]
async fn importing_plans_first_then_writes_through_the_catalogue() {
    let pancake = Pancake::serve(|hit| ok(catalogue(hit))).await;
    let (pool, file) = local_catalog().await;
    let water = ProductRequest {
        name: Some("Nước suối".into()),
        sku: Some("NS-500".into()),
        price: Some(4000),
        tax_rate: Some(800),
        low_stock_threshold: Some(24),
        ..ProductRequest::default()
    };
    catalog::service::create(&pool, water).await.unwrap();
    let client = pancake.client(false);

    let plan = sync::plan_import(&client, &pool).await.unwrap();
    let actions: Vec<(&str, &Action)> = plan
        .iter()
        .map(|item| (item.sku.as_str(), &item.action))
        .collect();
    assert_eq!(
        actions,
        [
            ("AOSOMI-M", &Action::Create),
            ("AOSOMI-L", &Action::Create),
            (
                "NS-500",
                &Action::Update {
                    changes: vec![
                        "name: Nước suối → Nước suối 500ml".into(),
                        "price: 4000 → 5000".into(),
                        "barcode: - → 8930000000035".into(),
                    ]
                }
            ),
            (
                "QT",
                &Action::Skip {
                    reason: "no retail price in Pancake".into()
                }
            ),
        ]
    );
    assert_eq!(plan[0].name, "Áo sơ mi nam (Size: M)");
    // Planning read Pancake page by page and wrote nothing anywhere.
    assert_eq!(pancake.calls(), ["GET /shops/4/products"; 2]);
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM products")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 1);

    let applied = sync::apply_import(&pool, &plan).await.unwrap();
    assert_eq!((applied.created, applied.updated), (2, 1));
    assert_eq!(count().await, 3);
    assert!(applied.failed.is_empty(), "{:?}", applied.failed);
    let mut conn = pool.acquire().await.unwrap();
    let water = catalog::service::find_by_sku(&mut conn, "NS-500")
        .await
        .unwrap()
        .unwrap();
    // What Pancake does not know stays as the shop set it.
    assert_eq!(
        (water.price, water.tax_rate, water.low_stock_threshold),
        (5000, 800, 24)
    );
    drop(conn);

    let again = sync::plan_import(&client, &pool).await.unwrap();
    assert!(again
        .iter()
        .all(|item| matches!(item.action, Action::Unchanged | Action::Skip { .. })));
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn one_product_is_planned_and_written_in_the_callers_transaction() {
    let (pool, file) = local_catalog().await;
    let product: super::Product = serde_json::from_value(shirt(140_000)).unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM products")
            .fetch_one(&pool)
            .await
            .unwrap()
    };

    let mut tx = db::begin_write(&pool).await.unwrap();
    let plan = sync::plan_product(&mut tx, &product).await.unwrap();
    let skus: Vec<(&str, &Action)> = plan
        .iter()
        .map(|item| (item.sku.as_str(), &item.action))
        .collect();
    assert_eq!(
        skus,
        [("AOSOMI-M", &Action::Create), ("AOSOMI-L", &Action::Create)]
    );
    for item in &plan {
        let outcome = sync::import_planned(&mut tx, item).await.unwrap();
        assert_eq!(outcome, catalog::UpsertOutcome::Created);
    }
    // Rolled back, the caller's transaction leaves the catalogue as it was.
    tx.rollback().await.unwrap();
    assert_eq!(count().await, 0);

    let mut tx = db::begin_write(&pool).await.unwrap();
    for item in &sync::plan_product(&mut tx, &product).await.unwrap() {
        sync::import_planned(&mut tx, item).await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(count().await, 2);
    let mut conn = pool.acquire().await.unwrap();
    let plan = sync::plan_product(&mut conn, &product).await.unwrap();
    assert!(plan.iter().all(|item| item.action == Action::Unchanged));
    drop(conn);
    pool.close().await;
    let _ = std::fs::remove_file(file);
}
