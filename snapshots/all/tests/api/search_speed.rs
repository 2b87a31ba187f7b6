//! How product search holds up on a large catalog. Slow to set up, so it is
//! ignored by default: `cargo test search_speed -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use sqlx::Executor;

use crate::helpers::spawn_app;

const PRODUCTS: i64 = 100_000;

#[tokio::test]
#[ignore = "fills a database with 100 000 products"]
async fn search_stays_fast_on_a_hundred_thousand_products() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let mut tx = db.begin().await.unwrap();
    tx.execute(
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {PRODUCTS}) \
             INSERT INTO products (name, search_name, tax_rate, active, created_at, updated_at) \
             SELECT 'Hàng mẫu số ' || i, 'hang mau so ' || i, 1000, 1, \
                    '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z' FROM n"
        )
        .as_str(),
    )
    .await
    .unwrap();
    tx.execute(
        "INSERT INTO product_variants (product_id, sku, barcode, price, is_default, \
                                       created_at, updated_at) \
         SELECT id, 'SKU-' || id, '893' || id, 10000, 1, created_at, updated_at FROM products",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.create_product("Cà phê sữa đá đặc biệt", "CF-SPECIAL", 29_000)
        .await;

    for (label, uri, expected_total) in [
        ("first page", "/api/products", PRODUCTS + 1),
        ("name substring", "/api/products?search=ca%20phe", 1),
        (
            "name substring, many",
            "/api/products?search=so%2099",
            1_111,
        ),
        ("exact SKU", "/api/products?search=SKU-54321", 1),
        ("exact barcode", "/api/products?search=89354321", 1),
        (
            "deep page",
            "/api/products?page=4000&pageSize=20",
            PRODUCTS + 1,
        ),
    ] {
        // The first run warms caches; the second is the figure.
        app.get(uri).await;
        let started = Instant::now();
        let (status, body) = app.get(uri).await;
        let elapsed = started.elapsed();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["meta"]["total"], expected_total, "{label}");
        println!("{label:>22}: {elapsed:?}");
        assert!(elapsed < Duration::from_secs(1), "{label} took {elapsed:?}");
    }
}
