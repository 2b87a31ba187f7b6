use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn create_then_read_a_product_with_its_default_variant() {
    let app = spawn_app().await;
    let body = json!({
        "name": "Cà phê sữa đá lon", "sku": "CF-01", "price": 15000,
        "barcode": "8930000000059", "costPrice": 10000, "taxRate": 800,
    });
    let (status, created) = app.post("/api/products", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["data"]["id"].as_i64().unwrap();

    let (status, body) = app.get(&format!("/api/products/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let product = &body["data"];
    assert_eq!(product["name"], "Cà phê sữa đá lon");
    assert_eq!(product["sku"], "CF-01");
    assert_eq!(product["barcode"], "8930000000059");
    assert_eq!(product["price"], 15000);
    assert_eq!(product["costPrice"], 10000);
    assert_eq!(product["taxRate"], 800);
    assert_eq!(product["stock"], 0);
    assert_eq!(product["active"], true);
    let variants = product["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 1);
    assert_eq!(variants[0]["isDefault"], true);
    assert_eq!(variants[0]["sku"], "CF-01");
}

#[tokio::test]
async fn update_replaces_the_fields() {
    let app = spawn_app().await;
    let id = app.create_product("Bánh mì", "BM-01", 15000).await["id"]
        .as_i64()
        .unwrap();
    let body = json!({"name": "Bánh mì thịt", "sku": "BM-02", "price": 20000, "barcode": "123"});
    let (status, body) = app.put(&format!("/api/products/{id}"), body).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["name"], "Bánh mì thịt");
    assert_eq!(body["data"]["sku"], "BM-02");
    assert_eq!(body["data"]["price"], 20000);

    let (status, _) = app
        .put(
            "/api/products/9999",
            json!({"name": "x", "sku": "X", "price": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_finds_by_name_without_accents_sku_or_barcode() {
    let app = spawn_app().await;
    app.create_product("Cà phê sữa đá", "CF-SUA", 25000).await;
    app.create_product("Trà đào cam sả", "TRA-DAO", 30000).await;
    let body =
        json!({"name": "Nước suối", "sku": "NS-500", "price": 5000, "barcode": "8930000000035"});
    assert_eq!(app.post("/api/products", body).await.0, StatusCode::CREATED);

    let names = |body: serde_json::Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    for (query, expected) in [
        ("ca%20phe", vec!["Cà phê sữa đá"]),
        ("C%C3%80%20PH%C3%8A", vec!["Cà phê sữa đá"]),
        ("%C4%91%C3%A0o", vec!["Trà đào cam sả"]),
        ("TRA-DAO", vec!["Trà đào cam sả"]),
        ("8930000000035", vec!["Nước suối"]),
        ("sua", vec!["Cà phê sữa đá"]),
        ("xyz", vec![]),
    ] {
        let (status, body) = app.get(&format!("/api/products?search={query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(names(body), expected, "search={query}");
    }
}

#[tokio::test]
async fn list_items_carry_the_contract_fields_and_page_meta() {
    let app = spawn_app().await;
    for n in 1..=5 {
        app.create_product(&format!("Kẹo số {n}"), &format!("KEO-{n}"), 1000 * n)
            .await;
    }
    let (status, body) = app.get("/api/products?page=2&pageSize=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["meta"], json!({"page": 2, "pageSize": 2, "total": 5}));
    let items = body["data"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "Kẹo số 3");
    for field in ["id", "name", "sku", "barcode", "price", "stock"] {
        assert!(items[0].get(field).is_some(), "missing {field}");
    }

    let (status, body) = app.get("/api/products?page=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "page");
    let (status, _) = app.get("/api/products?page=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn invalid_fields_are_listed_with_their_names() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/products",
            json!({"name": " ", "sku": "X-1", "price": -5}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
    assert_eq!(
        body["error"]["details"],
        json!([
            {"field": "name", "message": "is required"},
            {"field": "price", "message": "must not be negative"},
        ])
    );

    let (status, body) = app
        .post(
            "/api/products",
            json!({"name": "A", "sku": "A", "price": "cheap"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "price");
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app().await;
    let (status, body) = app
        .post_raw("/api/products", "application/json", "{\"name\": ")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "BAD_REQUEST");

    let (status, body) = app.post_raw("/api/products", "text/plain", "{}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["success"], false);
}

#[tokio::test]
async fn duplicate_sku_or_barcode_is_a_conflict() {
    let app = spawn_app().await;
    let body = json!({"name": "A", "sku": "DUP", "price": 1, "barcode": "111"});
    assert_eq!(app.post("/api/products", body).await.0, StatusCode::CREATED);

    let (status, body) = app
        .post(
            "/api/products",
            json!({"name": "B", "sku": "DUP", "price": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "CONFLICT");
    assert_eq!(body["error"]["details"][0]["field"], "sku");

    let (status, body) = app
        .post(
            "/api/products",
            json!({"name": "C", "sku": "OTHER", "price": 1, "barcode": "111"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["details"][0]["field"], "barcode");
    assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 1);
}

#[tokio::test]
async fn delete_removes_an_unused_product_and_deactivates_a_sold_one() {
    let app = spawn_app().await;
    let unused = app.create_product("Chưa bán", "UNUSED", 1000).await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = app.delete(&format!("/api/products/{unused}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["outcome"], "deleted");
    assert_eq!(
        app.get(&format!("/api/products/{unused}")).await.0,
        StatusCode::NOT_FOUND
    );

    let sold = app.stocked_product("SOLD", 1000, 5).await;
    let order = json!({"items": [{"productId": sold, "quantity": 1}]});
    let (status, order) = app.post("/api/orders", order).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.delete(&format!("/api/products/{sold}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["outcome"], "deactivated");

    // Hidden from the till, still readable, and the old order is intact.
    let (_, list) = app.get("/api/products").await;
    assert_eq!(list["meta"]["total"], 0);
    let (_, list) = app.get("/api/products?includeInactive=true").await;
    assert_eq!(list["meta"]["total"], 1);
    let (status, old) = app
        .get(&format!("/api/orders/{}", order["data"]["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(old["data"]["items"][0]["sku"], "SOLD");
    let again = json!({"items": [{"productId": sold, "quantity": 1}]});
    let (status, body) = app.post("/api/orders", again).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn variants_have_their_own_codes_and_prices() {
    let app = spawn_app().await;
    let id = app.create_product("Áo thun", "AO-M", 150000).await["id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/products/{id}/variants");
    let body = json!({"sku": "AO-L", "price": 160000, "attributes": {"size": "L"}});
    let (status, created) = app.post(&uri, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["data"]["name"], "L");
    assert_eq!(created["data"]["attributes"], json!({"size": "L"}));
    let variant_id = created["data"]["id"].as_i64().unwrap();

    let (status, body) = app.post(&uri, json!({"sku": "AO-M", "price": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let update = json!({"sku": "AO-L", "price": 165000, "attributes": {"size": "L"}});
    let (status, body) = app.put(&format!("{uri}/{variant_id}"), update).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["price"], 165000);

    let (_, list) = app.get(&uri).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    // Searching a variant's SKU finds its product.
    let (_, found) = app.get("/api/products?search=AO-L").await;
    assert_eq!(found["data"][0]["id"], id);

    let default_id = list["data"][0]["id"].as_i64().unwrap();
    let (status, _) = app.delete(&format!("{uri}/{default_id}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app.delete(&format!("{uri}/{variant_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["outcome"], "deleted");
}

#[tokio::test]
async fn unknown_category_is_a_validation_error() {
    let app = spawn_app().await;
    let body = json!({"name": "A", "sku": "A", "price": 1, "categoryId": 42});
    let (status, body) = app.post("/api/products", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "categoryId");
}

#[tokio::test]
async fn a_nul_character_in_a_search_is_the_clients_mistake() {
    let app = spawn_app().await;
    // SQLite stores U+0000 and finds nothing; PostgreSQL cannot store it at all,
    // and says so as a bad request rather than a failure of the server.
    let (status, body) = app.get("/api/products?search=ca%00phe").await;
    if status == StatusCode::OK {
        assert_eq!(body["data"], json!([]), "{body}");
    } else {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "BAD_REQUEST");
    }
}

#[tokio::test]
async fn name_search_takes_wildcards_literally_and_follows_renames() {
    let app = spawn_app().await;
    let juice = app.create_product("Nước cam 100%", "NC-100", 30000).await["id"]
        .as_i64()
        .unwrap();
    app.create_product("Nước 1000 ml", "N-1000", 10000).await;
    app.create_product("Bánh [đặc biệt]", "B-DB", 20000).await;
    app.create_product("Mứt \"dẻo\"", "M-DEO", 15000).await;
    let gone = app.create_product("Kẹo * sao", "K-SAO", 5000).await["id"]
        .as_i64()
        .unwrap();

    let search = |query: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app.get(&format!("/api/products?search={query}")).await;
            assert_eq!(status, StatusCode::OK, "search={query}");
            let mut names: Vec<String> = body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(search("100%25").await, ["Nước cam 100%"]);
    assert_eq!(search("1_0").await, Vec::<String>::new());
    assert_eq!(search("%5Bdac").await, ["Bánh [đặc biệt]"]);
    assert_eq!(search("*").await, ["Kẹo * sao"]);
    assert_eq!(search("?").await, Vec::<String>::new());
    assert_eq!(search("%22deo%22").await, ["Mứt \"dẻo\""]);
    assert_eq!(search("deo%22%20x").await, Vec::<String>::new());
    // Shorter than the index's three characters: still found, by a scan.
    assert_eq!(search("nu").await, ["Nước 1000 ml", "Nước cam 100%"]);

    let body = json!({"name": "Nước ép táo", "sku": "NC-100", "price": 30000});
    let (status, _) = app.put(&format!("/api/products/{juice}"), body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(search("cam").await, Vec::<String>::new());
    assert_eq!(search("ep%20tao").await, ["Nước ép táo"]);

    let (status, _) = app.delete(&format!("/api/products/{gone}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(search("keo").await, Vec::<String>::new());
    assert_eq!(search("nuoc").await, ["Nước 1000 ml", "Nước ép táo"]);
}

#[tokio::test]
async fn lookup_answers_the_variant_a_code_names_with_its_product() {
    let app = spawn_app().await;
    let body = json!({"name": "Áo thun", "sku": "T-1", "price": 100, "barcode": "555000100"});
    let (_, created) = app.post("/api/products", body).await;
    let id = created["data"]["id"].as_i64().unwrap();
    let body =
        json!({"sku": "T-1-L", "barcode": "555000111", "price": 150, "attributes": {"size": "L"}});
    let (status, large) = app
        .post(&format!("/api/products/{id}/variants"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{large}");
    let large_id = large["data"]["id"].as_i64().unwrap();

    for code in ["555000111", "T-1-L", "%20T-1-L%20"] {
        let (status, body) = app.get(&format!("/api/products/lookup?code={code}")).await;
        assert_eq!(status, StatusCode::OK, "{code}: {body}");
        let found = &body["data"];
        assert_eq!(found["variant"]["id"], large_id, "{code}");
        assert_eq!(found["variant"]["sku"], "T-1-L");
        assert_eq!(found["variant"]["name"], "L");
        assert_eq!(found["variant"]["price"], 150);
        assert_eq!(found["product"]["id"], id);
        assert_eq!(found["product"]["name"], "Áo thun");
    }
    let (_, body) = app.get("/api/products/lookup?code=555000100").await;
    assert_eq!(body["data"]["variant"]["isDefault"], true);
    assert_eq!(body["data"]["variant"]["price"], 100);

    // The product list still answers a variant's code with the product as it
    // always has, its default variant's SKU and price included.
    let (_, listed) = app.get("/api/products?search=555000111").await;
    assert_eq!(listed["data"][0]["id"], id);
    assert_eq!(listed["data"][0]["sku"], "T-1");

    // A SKU wins over another variant's barcode that happens to be equal.
    let body = json!({"name": "Khác", "sku": "K-1", "price": 1, "barcode": "T-1-L"});
    assert_eq!(app.post("/api/products", body).await.0, StatusCode::CREATED);
    let (_, body) = app.get("/api/products/lookup?code=T-1-L").await;
    assert_eq!(body["data"]["variant"]["id"], large_id);
    let (_, body) = app.get("/api/products/lookup?code=K-1").await;
    assert_eq!(body["data"]["product"]["name"], "Khác");

    let (status, body) = app.get("/api/products/lookup?code=555").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    assert_eq!(
        app.get("/api/products/lookup").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn lookup_shows_a_variant_no_longer_for_sale_as_inactive() {
    let app = spawn_app().await;
    let id = app.create_product("Áo mưa", "AM-M", 85_000).await["id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/products/{id}/variants");
    let body = json!({"sku": "AM-XL", "barcode": "555000222", "price": 90_000, "active": false});
    assert_eq!(app.post(&uri, body).await.0, StatusCode::CREATED);
    let (status, body) = app.get("/api/products/lookup?code=555000222").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["variant"]["active"], false);
    assert_eq!(body["data"]["product"]["active"], true);
}
