use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn customers_are_found_by_name_or_phone() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/customers",
            json!({"name": "Nguyễn Văn An", "phone": "+84 901 234 567", "email": "an@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["phone"], "0901234567");
    app.post(
        "/api/customers",
        json!({"name": "Trần Thị Bích", "phone": "0912345678"}),
    )
    .await;

    for (query, expected) in [("nguyen", "Nguyễn Văn An"), ("2345678", "Trần Thị Bích")] {
        let (_, body) = app.get(&format!("/api/customers?search={query}")).await;
        assert_eq!(body["meta"]["total"], 1, "{query}");
        assert_eq!(body["data"][0]["name"], expected);
    }
    let (_, all) = app.get("/api/customers").await;
    assert_eq!(all["meta"]["total"], 2);
}

#[tokio::test]
async fn one_phone_number_is_one_customer() {
    let app = spawn_app().await;
    let (status, _) = app
        .post(
            "/api/customers",
            json!({"name": "A", "phone": "0901 234 567"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .post(
            "/api/customers",
            json!({"name": "B", "phone": "84901234567"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["details"][0]["field"], "phone");

    let (status, body) = app
        .post(
            "/api/customers",
            json!({"name": "", "phone": "12", "email": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "phone", "email"]);
}

#[tokio::test]
async fn update_keeps_points_unless_given_and_history_lists_orders() {
    let app = spawn_app().await;
    let (_, created) = app
        .post(
            "/api/customers",
            json!({"name": "Lê Minh", "phone": "0987654321", "points": 10}),
        )
        .await;
    let id = created["data"]["id"].as_i64().unwrap();
    let update = json!({"name": "Lê Hoàng Minh", "phone": "0987654321", "address": "Huế"});
    let (status, body) = app.put(&format!("/api/customers/{id}"), update).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["points"], 10);
    assert_eq!(body["data"]["address"], "Huế");

    let product = app.stocked_product("CUS", 10_000, 5).await;
    let sale = json!({"items": [{"productId": product, "quantity": 1}], "customerId": id});
    assert_eq!(app.post("/api/orders", sale).await.0, StatusCode::CREATED);
    app.post(
        "/api/orders",
        json!({"items": [{"productId": product, "quantity": 1}]}),
    )
    .await;
    let (status, history) = app.get(&format!("/api/customers/{id}/orders")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history["meta"]["total"], 1);
    assert_eq!(history["data"][0]["customerId"], id);

    assert_eq!(
        app.get("/api/customers/999/orders").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn phone_finds_only_the_whole_number_in_any_form() {
    let app = spawn_app().await;
    for (name, phone) in [
        ("Trần Thị Bích", "0912 345 678"),
        ("Nguyễn Văn An", "0901 234 567"),
        ("Phạm Thu Hà", "0934 567 890"),
    ] {
        let body = json!({"name": name, "phone": phone});
        assert_eq!(
            app.post("/api/customers", body).await.0,
            StatusCode::CREATED
        );
    }

    for phone in [
        "0912345678",
        "%2B84912345678",
        "%2B84%20912%20345%20678",
        "0912.345.678",
    ] {
        let (status, body) = app.get(&format!("/api/customers?phone={phone}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["meta"]["total"], 1, "{phone}");
        assert_eq!(body["data"][0]["name"], "Trần Thị Bích", "{phone}");
    }
    // Part of a number is nobody's number, though a search finds all three.
    for phone in ["345", "091234567", "0999999999"] {
        let (status, body) = app.get(&format!("/api/customers?phone={phone}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"], json!([]), "{phone}");
        assert_eq!(body["meta"]["total"], 0, "{phone}");
    }
    let (_, body) = app.get("/api/customers?search=345").await;
    assert_eq!(body["meta"]["total"], 3);
}
