use axum::http::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_bad_row_is_reported_and_the_good_rows_are_imported() {
    let app = spawn_app().await;
    let csv = "\u{feff}sku,name,price,barcode,taxRate,category\n\
               CF-01,Cà phê sữa,25000,8930000000011,800,Đồ uống\n\
               BAD-1,,abc,,,\n\
               TRA-01,\"Trà đào, cam sả\",30000,,800,Đồ uống\n\
               NEG-1,Âm,-5,,,\n";
    let (status, body) = app.post_raw("/api/products/import", "text/csv", csv).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report = &body["data"];
    assert_eq!(report["created"], 2);
    assert_eq!(report["updated"], 0);
    let errors = report["errors"].as_array().unwrap();
    let rows: Vec<_> = errors
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [(3, "price"), (3, "name"), (5, "price")]);

    let (_, list) = app.get("/api/products?search=tra%20dao").await;
    assert_eq!(list["data"][0]["name"], "Trà đào, cam sả");
    let (_, categories) = app.get("/api/categories").await;
    assert_eq!(categories["data"].as_array().unwrap().len(), 1);

    // Importing again updates by SKU; columns left out keep their values.
    let (_, body) = app
        .post_raw(
            "/api/products/import",
            "text/csv",
            "sku,name,price\nCF-01,Cà phê sữa đá,27000\n",
        )
        .await;
    assert_eq!(body["data"]["updated"], 1);
    let (_, list) = app.get("/api/products?search=CF-01").await;
    assert_eq!(list["data"][0]["price"], 27000);
    assert_eq!(list["data"][0]["barcode"], "8930000000011");
    assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 2);
}

#[tokio::test]
async fn a_file_without_the_required_columns_is_refused() {
    let app = spawn_app().await;
    let (status, body) = app
        .post_raw("/api/products/import", "text/csv", "name,price\nA,1\n")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "header");
}

#[tokio::test]
async fn duplicate_barcodes_are_row_errors() {
    let app = spawn_app().await;
    let csv = "sku,name,price,barcode\nA,Một,1000,555\nB,Hai,2000,555\n";
    let (_, body) = app.post_raw("/api/products/import", "text/csv", csv).await;
    assert_eq!(body["data"]["created"], 1);
    assert_eq!(body["data"]["errors"][0]["row"], 3);
    assert_eq!(body["data"]["errors"][0]["field"], "barcode");
}

#[tokio::test]
async fn export_round_trips_through_import() {
    let app = spawn_app().await;
    let product = app.stocked_product("EXP-1", 12_000, 7).await;
    app.create_product("Kẹo \"dẻo\", vị cam", "EXP-2", 3_000)
        .await;

    let (status, content_type, csv) = app.get_text("/api/products/export").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    // A byte order mark first, so that spreadsheets read the file as UTF-8.
    let mut lines = csv
        .strip_prefix('\u{feff}')
        .expect("a byte order mark")
        .lines();
    assert_eq!(
        lines.next(),
        Some("sku,name,price,barcode,costPrice,taxRate,category,description,active,lowStockThreshold,stock")
    );
    assert!(
        csv.contains("EXP-1,Sản phẩm EXP-1,12000,,0,1000,,,true,0,7"),
        "{csv}"
    );

    let (_, body) = app.post_raw("/api/products/import", "text/csv", &csv).await;
    assert_eq!(body["data"]["updated"], 2, "{body}");
    assert_eq!(body["data"]["errors"], serde_json::json!([]));
    // Stock is not imported: only the ledger changes it.
    assert_eq!(app.stock_of(product).await, 7);
}
