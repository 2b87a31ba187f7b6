use axum::http::StatusCode;

use shop::seed;

use crate::helpers::spawn_app;

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = spawn_app().await;
    let first = seed::run(&app.state.db).await.unwrap();
    assert_eq!(first.products_created, 20);
    let stock_after_first = app
        .count("SELECT CAST(SUM(on_hand) AS BIGINT) FROM stock_levels")
        .await;

    let second = seed::run(&app.state.db).await.unwrap();
    assert_eq!((second.products_created, second.products_updated), (0, 20));
    assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 20);
    assert_eq!(app.count("SELECT COUNT(*) FROM product_variants").await, 24);
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 4);
    assert_eq!(app.count("SELECT COUNT(*) FROM categories").await, 6);
    assert_eq!(
        app.count("SELECT CAST(SUM(on_hand) AS BIGINT) FROM stock_levels")
            .await,
        stock_after_first
    );
    app.assert_stock_matches_ledger().await;

    let (status, body) = app.get("/api/products?search=ca%20phe").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"][0]["name"], "Cà phê sữa đá lon 235ml");
    let (_, shirts) = app.get("/api/products?search=TT-AOTHUN-XL").await;
    assert_eq!(shirts["data"][0]["stock"], 30);
    // Seeding again updates the product but keeps its default variant a size.
    let shirt = shirts["data"][0]["id"].as_i64().unwrap();
    let (_, variants) = app.get(&format!("/api/products/{shirt}/variants")).await;
    let sizes: Vec<_> = variants["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["attributes"]["size"].as_str().unwrap())
        .collect();
    assert_eq!(sizes, ["M", "L", "XL"]);
}
