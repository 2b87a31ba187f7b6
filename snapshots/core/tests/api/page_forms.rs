//! The HTML forms: they go through the same services as the API, so their
//! results show up there too.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    response::Response,
};
use serde_json::json;

use crate::helpers::{body_text, spawn_app, TestApp};

/// Posts an urlencoded form the way a browser does.
async fn submit(app: &TestApp, uri: &str, fields: &[(&str, &str)]) -> Response {
    submit_with_cookie(app, None, uri, fields).await
}

/// Like [`submit`], from a browser that sends `cookie`.
async fn submit_with_cookie(
    app: &TestApp,
    cookie: Option<&str>,
    uri: &str,
    fields: &[(&str, &str)],
) -> Response {
    let body = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let mut request =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send_raw(request.body(Body::from(body)).unwrap()).await
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn location(response: &Response) -> &str {
    response.headers()[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn a_product_created_through_the_form_is_listed() {
    let app = spawn_app().await;
    let response = submit(
        &app,
        "/products",
        &[
            ("name", "Cà phê sữa đá"),
            ("sku", "CFSD"),
            ("barcode", "8930000000999"),
            ("price", "25.000"),
            ("taxRate", "8"),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/products?saved=1");

    let (_, _, list) = app.get_text("/products?q=ca%20phe").await;
    assert!(list.contains("Cà phê sữa đá"), "{list}");
    assert!(list.contains("25.000 ₫"));
    let (_, body) = app.get("/api/products?search=CFSD").await;
    assert_eq!(body["data"][0]["price"], 25_000);
    assert_eq!(body["data"][0]["taxRate"], 800);
}

/// Invalid forms answer 422 with the same page, so the browser shows the
/// messages and what was typed, and a script can tell it failed.
#[tokio::test]
async fn an_empty_name_is_shown_beside_the_field_and_the_input_is_kept() {
    let app = spawn_app().await;
    let response = submit(
        &app,
        "/products",
        &[("name", ""), ("sku", "KEEP-ME"), ("price", "12x")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(
        body.contains("id=\"f-name-error\">không được để trống"),
        "{body}"
    );
    assert!(body.contains("id=\"f-price-error\">phải là số nguyên"));
    assert!(body.contains("value=\"KEEP-ME\""));
    assert!(body.contains("value=\"12x\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 0);
}

#[tokio::test]
async fn a_duplicate_sku_is_reported_on_the_sku_field() {
    let app = spawn_app().await;
    app.create_product("Có sẵn", "DUP", 1_000).await;
    let response = submit(
        &app,
        "/products",
        &[("name", "Mới"), ("sku", "DUP"), ("price", "1000")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(body.contains("id=\"f-sku-error\""), "{body}");
}

/// The services word their problems in English for the API; the pages show
/// them in the page's language, Vietnamese unless the cookie asks otherwise.
#[tokio::test]
async fn field_problems_from_the_service_are_shown_in_the_page_language() {
    let app = spawn_app().await;
    let existing = app.create_product("Có sẵn", "DUP", 1_000).await;
    let id = existing["id"].as_i64().unwrap();
    let long_name = "a".repeat(201);
    let cases = [
        (
            None,
            format!("Mã SKU DUP đã được dùng cho sản phẩm {id}."),
            "tối đa 200 ký tự",
        ),
        (
            Some("lang=vi"),
            format!("Mã SKU DUP đã được dùng cho sản phẩm {id}."),
            "tối đa 200 ký tự",
        ),
        (
            Some("lang=en"),
            format!("SKU DUP is already used by product {id}."),
            "must be at most 200 characters",
        ),
    ];
    for (cookie, duplicate, too_long) in cases {
        let fields = [("name", "Mới"), ("sku", "DUP"), ("price", "1000")];
        let response = submit_with_cookie(&app, cookie, "/products", &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = body_text(response).await;
        assert!(
            body.contains(&format!("id=\"f-sku-error\">{duplicate}")),
            "{cookie:?}: {body}"
        );

        let fields = [
            ("name", long_name.as_str()),
            ("sku", "NEW"),
            ("price", "1000"),
        ];
        let response = submit_with_cookie(&app, cookie, "/products", &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = body_text(response).await;
        assert!(
            body.contains(&format!("id=\"f-name-error\">{too_long}")),
            "{cookie:?}: {body}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 1);
}

#[tokio::test]
async fn editing_a_product_changes_it_and_keeps_its_category() {
    let app = spawn_app().await;
    let (status, body) = app.post("/api/categories", json!({"name": "Bánh"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let category = body["data"]["id"].as_i64().unwrap();
    let product = json!({"name": "Bánh mì", "sku": "BM", "price": 10_000, "categoryId": category});
    let (status, body) = app.post("/api/products", product).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();

    let (_, _, form) = app.get_text(&format!("/products/{id}/edit")).await;
    assert!(form.contains(&format!(
        "<option value=\"{category}\" selected>Bánh</option>"
    )));

    let category = category.to_string();
    let response = submit(
        &app,
        &format!("/products/{id}"),
        &[
            ("name", "Bánh mì que"),
            ("sku", "BM"),
            ("price", "12000"),
            ("taxRate", "10"),
            ("categoryId", &category),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = app.get(&format!("/api/products/{id}")).await;
    assert_eq!(body["data"]["name"], "Bánh mì que");
    assert_eq!(body["data"]["price"], 12_000);
    assert_eq!(body["data"]["categoryId"].to_string(), category);
}

#[tokio::test]
async fn csv_import_shows_the_report() {
    let app = spawn_app().await;
    let csv = "sku,name,price\nA1,Trà đá,5000\nA2,,7000\n";
    let response = submit(&app, "/products/import", &[("csv", csv)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = body_text(response).await;
    assert!(body.contains("<strong>1</strong>"), "{body}");
    assert!(
        body.contains("<td>3</td><td>name</td><td>không được để trống</td>"),
        "{body}"
    );
}

#[tokio::test]
async fn a_file_missing_columns_is_explained_in_the_page_language() {
    let app = spawn_app().await;
    let csv = "name,price\nTrà đá,5000\n";
    let response = submit(&app, "/products/import", &[("csv", csv)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(body.contains("header: thiếu cột: sku"), "{body}");
}

#[tokio::test]
async fn cancelling_an_order_through_the_page_restocks() {
    let app = spawn_app().await;
    let product = app.stocked_product("CX", 20_000, 5).await;
    let (status, body) = app
        .post(
            "/api/orders",
            json!({"items": [{"productId": product, "quantity": 3}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    assert_eq!(app.stock_of(product).await, 2);

    let (_, _, detail) = app.get_text(&format!("/orders/{id}")).await;
    assert!(detail.contains(&format!("action=\"/orders/{id}/cancel\"")));
    assert!(detail.contains("data-confirm="));

    let response = submit(&app, &format!("/orders/{id}/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/orders/{id}"));
    assert_eq!(app.stock_of(product).await, 5);
    let (_, _, detail) = app.get_text(&format!("/orders/{id}")).await;
    assert!(detail.contains("Đã huỷ"));
    assert!(!detail.contains("/cancel\""));

    // A second cancel is refused with the service's conflict, as a page.
    let response = submit(&app, &format!("/orders/{id}/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn stock_adjustments_need_a_reason_and_are_listed() {
    let app = spawn_app().await;
    let product = app.stocked_product("ADJ", 1_000, 5).await;
    let uri = format!("/inventory/products/{product}/adjust");

    let response = submit(&app, &uri, &[("quantity", "-2"), ("reason", "")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(body.contains("id=\"f-reason-error\""), "{body}");
    assert!(body.contains("value=\"-2\""));

    let response = submit(&app, &uri, &[("quantity", "-9"), ("reason", "Hỏng")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(body_text(response).await.contains("role=\"alert\""));
    assert_eq!(app.stock_of(product).await, 5);

    let response = submit(&app, &uri, &[("quantity", "-2"), ("reason", "Hàng vỡ")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.stock_of(product).await, 3);
    let (_, _, body) = app
        .get_text(&format!("/inventory/products/{product}"))
        .await;
    assert!(body.contains("Hàng vỡ"));
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn low_stock_is_highlighted() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/products",
            json!({"name": "Sắp hết", "sku": "LOW", "price": 1000, "lowStockThreshold": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    let receipt = json!({"productId": id, "quantity": 2});
    let (status, body) = app.post("/api/inventory/receipts", receipt).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, _, body) = app.get_text("/inventory").await;
    assert!(body.contains("<tr class=\"low\">"), "{body}");
}

#[tokio::test]
async fn a_customer_created_through_the_form_has_a_page() {
    let app = spawn_app().await;
    let response = submit(
        &app,
        "/customers",
        &[("name", "Anh Tuấn"), ("phone", "0912 345 678")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let detail = location(&response).to_owned();
    let (status, _, body) = app.get_text(&detail).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Anh Tuấn"));

    let response = submit(&app, "/customers", &[("name", ""), ("phone", "")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(body.contains("id=\"f-name-error\""));
}

/// Creates a customer through the API and returns their id.
async fn customer(app: &TestApp, name: &str, phone: &str) -> i64 {
    let (status, body) = app
        .post("/api/customers", json!({"name": name, "phone": phone}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn editing_a_customer_changes_it_and_shows_it_on_the_detail_page() {
    let app = spawn_app().await;
    let id = customer(&app, "Chị Hoa", "0901111111").await;
    let detail = format!("/customers/{id}");
    let (_, _, body) = app.get_text(&detail).await;
    assert!(
        body.contains(&format!("href=\"/customers/{id}/edit\"")),
        "{body}"
    );
    let (status, _, form) = app.get_text(&format!("/customers/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"Chị Hoa\""), "{form}");
    assert!(form.contains(&format!("action=\"/customers/{id}\"")));

    let response = submit(
        &app,
        &detail,
        &[
            ("name", "Chị Hoa Nguyễn"),
            ("phone", "0902 222 222"),
            ("email", "hoa@example.vn"),
            ("address", "12 Lê Lợi, Huế"),
            ("notes", "Khách quen"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), detail);
    let (_, _, body) = app.get_text(&detail).await;
    for shown in [
        "Chị Hoa Nguyễn",
        "0902222222",
        "hoa@example.vn",
        "12 Lê Lợi, Huế",
        "Khách quen",
    ] {
        assert!(body.contains(shown), "{shown}: {body}");
    }
    let (_, body) = app.get(&format!("/api/customers/{id}")).await;
    assert_eq!(body["data"]["phone"], "0902222222");
}

#[tokio::test]
async fn a_duplicate_phone_is_reported_on_the_phone_field() {
    let app = spawn_app().await;
    customer(&app, "Anh Minh", "0903333333").await;
    let id = customer(&app, "Chị Mai", "0904444444").await;
    let response = submit(
        &app,
        &format!("/customers/{id}"),
        &[("name", "Chị Mai Trần"), ("phone", "0903333333")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(
        body.contains("id=\"f-phone-error\">Số điện thoại 0903333333 đã thuộc về khách hàng"),
        "{body}"
    );
    assert!(body.contains("value=\"Chị Mai Trần\""));
    assert!(body.contains("value=\"0903333333\""));
    let (_, body) = app.get(&format!("/api/customers/{id}")).await;
    assert_eq!(body["data"]["name"], "Chị Mai");
    assert_eq!(body["data"]["phone"], "0904444444");
}

#[tokio::test]
async fn a_variant_added_through_the_product_page_is_listed_and_sellable() {
    let app = spawn_app().await;
    let product = app.create_product("Áo thun", "AO", 120_000).await;
    let id = product["id"].as_i64().unwrap();
    let response = submit(
        &app,
        &format!("/products/{id}/variants"),
        &[
            ("name", "Size L"),
            ("sku", "AO-L"),
            ("barcode", "8930000000123"),
            ("price", "150.000"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with(&format!("/products/{id}/edit")));

    let (_, _, page) = app.get_text(&format!("/products/{id}/edit")).await;
    for shown in ["Size L", "AO-L", "8930000000123", "150.000 ₫"] {
        assert!(page.contains(shown), "{shown}: {page}");
    }

    let (_, body) = app.get(&format!("/api/products/{id}/variants")).await;
    let variant = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|variant| variant["sku"] == "AO-L")
        .expect("the new variant")["id"]
        .as_i64()
        .unwrap();
    let receipt = json!({"productId": id, "variantId": variant, "quantity": 3});
    let (status, body) = app.post("/api/inventory/receipts", receipt).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let order = json!({"items": [{"productId": id, "variantId": variant, "quantity": 2}]});
    let (status, body) = app.post("/api/orders", order).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["total"], 300_000);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn a_duplicate_variant_sku_is_reported_on_the_sku_field() {
    let app = spawn_app().await;
    let product = app.create_product("Áo sơ mi", "SM", 200_000).await;
    let id = product["id"].as_i64().unwrap();
    let uri = format!("/products/{id}/variants");

    let response = submit(
        &app,
        &uri,
        &[("name", "Size M"), ("sku", "SM"), ("price", "210000")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(body.contains("id=\"v-sku-error\""), "{body}");
    assert!(body.contains("value=\"Size M\""));
    assert!(body.contains("value=\"210000\""));

    let response = submit(&app, &uri, &[("sku", "SM-X"), ("price", "-5")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(
        body.contains("id=\"v-price-error\">không được âm"),
        "{body}"
    );
    let (_, body) = app.get(&format!("/api/products/{id}/variants")).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
}
