use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn categories_form_a_tree() {
    let app = spawn_app().await;
    let (status, drinks) = app
        .post("/api/categories", json!({"name": "Đồ uống"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let drinks = drinks["data"]["id"].as_i64().unwrap();
    let (status, soft) = app
        .post(
            "/api/categories",
            json!({"name": "Nước ngọt", "parentId": drinks}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(soft["data"]["parentId"], drinks);
    let soft = soft["data"]["id"].as_i64().unwrap();

    let (_, list) = app.get("/api/categories").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);

    // A category cannot move under its own child.
    let (status, body) = app
        .put(
            &format!("/api/categories/{drinks}"),
            json!({"name": "Đồ uống", "parentId": soft}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (status, _) = app
        .post("/api/categories", json!({"name": "Đồ uống"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_category_in_use_cannot_be_deleted() {
    let app = spawn_app().await;
    let (_, category) = app
        .post("/api/categories", json!({"name": "Bánh kẹo"}))
        .await;
    let id = category["data"]["id"].as_i64().unwrap();
    let product = json!({"name": "Kẹo dừa", "sku": "KD", "price": 45000, "categoryId": id});
    let (status, product) = app.post("/api/products", product).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, body) = app.delete(&format!("/api/categories/{id}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "CONFLICT");

    let product_id = product["data"]["id"].as_i64().unwrap();
    app.delete(&format!("/api/products/{product_id}")).await;
    let (status, body) = app.delete(&format!("/api/categories/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.get(&format!("/api/categories/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
}
