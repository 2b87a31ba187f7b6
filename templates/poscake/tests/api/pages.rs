//! The HTML pages: each renders, speaks the chosen language, and shows what
//! the services computed.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::json;

use crate::helpers::{body_text, spawn_app, TestApp};

/// GETs a page and checks it is HTML; returns the body.
async fn page(app: &TestApp, uri: &str) -> String {
    let (status, content_type, body) = app.get_text(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    assert!(
        content_type.starts_with("text/html"),
        "{uri}: {content_type}"
    );
    body
}

/// A paid order of two units at 45 000 ₫ and one at 10 000 ₫, paid in two
/// cash payments: 50 000 ₫ and then 100 000 ₫.
async fn split_paid_order(app: &TestApp) -> i64 {
    let coffee = app.stocked_product("CF", 45_000, 10).await;
    let bread = app.stocked_product("BM", 10_000, 10).await;
    let items = json!({"items": [
        {"productId": coffee, "quantity": 2},
        {"productId": bread, "quantity": 1},
    ]});
    let (status, body) = app.post("/api/orders", items).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();
    for amount in [50_000, 100_000] {
        let payment = json!({"method": "cash", "amount": amount});
        let (status, body) = app
            .post(&format!("/api/orders/{id}/payments"), payment)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    id
}

#[tokio::test]
async fn every_page_renders_as_html() {
    let app = spawn_app().await;
    let product = app.stocked_product("PG", 12_000, 3).await;
    let order = split_paid_order(&app).await;
    let (status, body) = app
        .post(
            "/api/customers",
            json!({"name": "Chị Lan", "phone": "0901234567"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let customer = body["data"]["id"].as_i64().unwrap();

    for (uri, expected) in [
        ("/pos".to_owned(), "id=\"pos-search\""),
        ("/products".to_owned(), "PG"),
        ("/products/new".to_owned(), "name=\"sku\""),
        (format!("/products/{product}/edit"), "value=\"PG\""),
        ("/products/import".to_owned(), "name=\"csv\""),
        ("/orders".to_owned(), "HD"),
        (format!("/orders/{order}"), "/receipt"),
        ("/inventory".to_owned(), "PG"),
        (format!("/inventory/products/{product}"), "name=\"reason\""),
        ("/customers".to_owned(), "Chị Lan"),
        ("/customers/new".to_owned(), "name=\"phone\""),
        (format!("/customers/{customer}"), "0901234567"),
        (
            format!("/customers/{customer}/edit"),
            "value=\"0901234567\"",
        ),
    ] {
        let body = page(&app, &uri).await;
        assert!(body.contains(expected), "{uri} lacks {expected}");
        assert!(body.contains("<html lang=\"vi\">"), "{uri}");
        assert!(body.contains("href=\"#main\""), "{uri} has no skip link");
    }
}

#[tokio::test]
async fn root_opens_the_till() {
    let app = spawn_app().await;
    let response = app
        .send_raw(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()[header::LOCATION], "/pos");
}

#[tokio::test]
async fn pos_has_a_labelled_search_and_the_checkout_controls() {
    let app = spawn_app().await;
    let body = page(&app, "/pos").await;
    assert!(body.contains("<label for=\"pos-search\">Tìm hoặc quét mã sản phẩm"));
    assert!(body.contains("autofocus"));
    for id in [
        "pos-cart",
        "pos-tendered",
        "pos-complete",
        "pos-discount",
        "pos-phone",
    ] {
        assert!(body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(body.contains("data-tender=\"500000\""));
    assert!(body.contains("/assets/pos.js?v="));
}

#[tokio::test]
async fn language_switch_sets_the_cookie_and_english_follows() {
    let app = spawn_app().await;
    let request = Request::get("/lang/en?next=/products")
        .body(Body::empty())
        .unwrap();
    let response = app.send_raw(request).await;
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()[header::LOCATION], "/products");
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lang=en;"), "{cookie}");

    let request = Request::get("/pos")
        .header(header::COOKIE, "lang=en")
        .body(Body::empty())
        .unwrap();
    let body = body_text(app.send_raw(request).await).await;
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("Search or scan a product"));
    assert!(body.contains("Point of sale"));

    // Only paths on this site are followed back.
    let request = Request::get("/lang/vi?next=//evil.example")
        .body(Body::empty())
        .unwrap();
    let response = app.send_raw(request).await;
    assert_eq!(response.headers()[header::LOCATION], "/");
}

#[tokio::test]
async fn assets_are_served_with_types_and_long_caching() {
    let app = spawn_app().await;
    for (uri, content_type) in [
        ("/assets/app.css?v=1", "text/css"),
        ("/assets/pos.js?v=1", "text/javascript"),
        ("/assets/htmx.min.js?v=1", "text/javascript"),
    ] {
        let response = app
            .send_raw(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let headers = response.headers();
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(content_type));
        let cache = headers[header::CACHE_CONTROL].to_str().unwrap();
        assert!(cache.contains("max-age=31536000"), "{cache}");
    }
    let (status, _, _) = app.get_text("/assets/nope.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn receipt_of_a_split_cash_payment_shows_both_payments_and_the_change() {
    let app = spawn_app().await;
    let id = split_paid_order(&app).await;
    let body = page(&app, &format!("/orders/{id}/receipt")).await;
    assert!(body.contains(&format!("HD{id:06}")));
    assert!(body.contains("Sản phẩm CF"));
    assert!(body.contains("2 × 45.000 ₫"));
    assert!(body.contains("90.000 ₫"));
    assert!(body.contains("100.000 ₫") && body.contains("50.000 ₫"));
    assert!(body.contains("Tổng cộng"));
    // 100 000 ₫ total, 150 000 ₫ handed over: 50 000 ₫ back.
    assert!(body.contains("id=\"receipt-change\">50.000 ₫"), "{body}");
    assert!(body.contains("Đã gồm thuế GTGT"));
    assert!(body.contains("window.print") || body.contains("print-button"));
    assert!(!body.contains("class=\"sidebar\""));
}

#[tokio::test]
async fn receipt_shows_line_discounts_and_the_tax_of_each_rate() {
    let app = spawn_app().await;
    // 10 % VAT.
    let coffee = app.stocked_product("CF", 45_000, 10).await;
    let body = json!({"name": "Bánh quy", "sku": "BQ", "price": 20_000, "taxRate": 800});
    let (status, body) = app.post("/api/products", body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let biscuits = body["data"]["id"].as_i64().unwrap();
    let receive = json!({"productId": biscuits, "quantity": 5, "reason": "test"});
    assert_eq!(
        app.post("/api/inventory/receipts", receive).await.0,
        StatusCode::CREATED
    );
    let items = json!({"items": [
        {"productId": coffee, "quantity": 2, "discount": 10_000},
        {"productId": biscuits, "quantity": 1},
    ]});
    let (status, body) = app.post("/api/orders", items).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_i64().unwrap();

    let body = page(&app, &format!("/orders/{id}/receipt")).await;
    // Each line at its price, then what was taken off it.
    assert!(
        body.contains("2 × 45.000 ₫</td><td class=\"num\">90.000 ₫"),
        "{body}"
    );
    assert!(body.contains("-10.000 ₫"), "{body}");
    // 80 000 ₫ with 10 % in it is 7 273 ₫ of tax; 20 000 ₫ with 8 %, 1 481 ₫.
    assert!(
        body.contains("Đã gồm thuế GTGT 10%</dt><dd>7.273 ₫"),
        "{body}"
    );
    assert!(
        body.contains("Đã gồm thuế GTGT 8%</dt><dd>1.481 ₫"),
        "{body}"
    );
    assert!(body.contains("100.000 ₫"), "{body}");
}

#[tokio::test]
async fn an_unknown_order_is_a_404_page() {
    let app = spawn_app().await;
    for uri in ["/orders/424242", "/orders/424242/receipt"] {
        let (status, content_type, body) = app.get_text(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(content_type.starts_with("text/html"));
        assert!(body.contains("Không tìm thấy"), "{body}");
    }
}

#[tokio::test]
async fn a_bad_link_in_a_browser_is_a_404_page() {
    let app = spawn_app().await;
    let request = Request::get("/no/such/page")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .body(Body::empty())
        .unwrap();
    let response = app.send_raw(request).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(body_text(response).await.contains("Không tìm thấy"));
}
