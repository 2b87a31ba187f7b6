//! Many warehouses: their rules, transfers as paired movements that keep
//! every warehouse equal to its ledger, the till selling from the warehouse
//! it names, and the pages.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::helpers::{body_text, spawn_app, TestApp};

/// Creates a warehouse and returns its id.
async fn warehouse(app: &TestApp, code: &str) -> i64 {
    let body = json!({"code": code, "name": format!("Kho {code}"), "address": "12 Lê Lợi, Q1"});
    let (status, body) = app.post("/api/warehouses", body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["id"].as_i64().unwrap()
}

async fn main_warehouse(app: &TestApp) -> i64 {
    let (status, body) = app.get("/api/warehouses").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["isDefault"] == true)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// On hand of a product's default variant in one warehouse.
async fn on_hand(app: &TestApp, product: i64, warehouse: i64) -> i64 {
    app.count(&format!(
        "SELECT CAST(COALESCE(SUM(s.on_hand), 0) AS BIGINT) FROM stock_levels s \
           JOIN product_variants v ON v.id = s.variant_id \
          WHERE v.product_id = {product} AND s.warehouse_id = {warehouse}"
    ))
    .await
}

async fn transfer(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post("/api/transfers", body).await
}

#[tokio::test]
async fn warehouses_have_unique_codes_and_checked_fields() {
    let app = spawn_app().await;
    let body = json!({"code": " kho-2 ", "name": "Kho Thủ Đức", "phone": "0901234567",
                      "pancakeWarehouseId": "630744ef-5c4a-4b0e-9a51-6f0e1c2d3b4a"});
    let (status, created) = app.post("/api/warehouses", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let data = &created["data"];
    assert_eq!(data["code"], "KHO-2");
    assert_eq!(
        (data["active"].clone(), data["isDefault"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(
        (data["units"].clone(), data["stockedItems"].clone()),
        (json!(0), json!(0))
    );

    let (status, body) = app
        .post("/api/warehouses", json!({"code": "KHO-2", "name": "Again"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let link = json!({"code": "KHO-3", "name": "Same Pancake warehouse",
                      "pancakeWarehouseId": "630744ef-5c4a-4b0e-9a51-6f0e1c2d3b4a"});
    let (status, body) = app.post("/api/warehouses", link).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "pancakeWarehouseId");

    let (status, body) = app
        .post("/api/warehouses", json!({"code": "kho 4", "name": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<_> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "name"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM warehouses").await, 2);
}

#[tokio::test]
async fn a_transfer_moves_stock_as_paired_movements() {
    let app = spawn_app().await;
    let main = main_warehouse(&app).await;
    let branch = warehouse(&app, "KHO-2").await;
    let coffee = app.stocked_product("CF-001", 45_000, 10).await;
    let tea = app.stocked_product("TEA-01", 30_000, 4).await;

    let body = json!({
        "fromWarehouseId": main, "toWarehouseId": branch, "note": "Bổ sung quầy 2",
        "lines": [{"productId": coffee, "quantity": 3}, {"code": "TEA-01", "quantity": 4},
                  {"code": "CF-001", "quantity": 1}]
    });
    let (status, moved) = transfer(&app, body).await;
    assert_eq!(status, StatusCode::CREATED, "{moved}");
    let data = &moved["data"];
    assert!(data["number"].as_str().unwrap().starts_with("CK"));
    assert_eq!(data["units"], 8);
    // The coffee named twice (once as scanned) is one line of four.
    let lines: Vec<_> = data["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["sku"].as_str().unwrap(),
                line["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [("CF-001", 4), ("TEA-01", 4)]);

    assert_eq!(on_hand(&app, coffee, main).await, 6);
    assert_eq!(on_hand(&app, coffee, branch).await, 4);
    assert_eq!(on_hand(&app, tea, main).await, 0);
    assert_eq!(on_hand(&app, tea, branch).await, 4);
    // The shop as a whole holds what it held.
    assert_eq!(app.stock_of(coffee).await, 10);
    assert_eq!(app.stock_of(tea).await, 4);
    let pairs = app
        .count(
            "SELECT COUNT(*) FROM stock_transfer_lines l \
               JOIN stock_movements o ON o.id = l.out_movement_id \
               JOIN stock_movements i ON i.id = l.in_movement_id \
              WHERE o.kind = 'TRANSFER_OUT' AND i.kind = 'TRANSFER_IN' \
                AND o.quantity = -l.quantity AND i.quantity = l.quantity \
                AND o.variant_id = i.variant_id AND o.variant_id = l.variant_id",
        )
        .await;
    assert_eq!(pairs, 2);
    app.assert_stock_matches_ledger().await;

    let id = data["id"].as_i64().unwrap();
    let (status, shown) = app.get(&format!("/api/transfers/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["data"], *data);
    let (status, listed) = app
        .get(&format!("/api/transfers?warehouseId={branch}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["meta"]["total"], 1);
    let (status, movements) = app
        .get(&format!("/api/inventory/movements?warehouseId={branch}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{movements}");
    assert!(movements["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["kind"] == "TRANSFER_IN" && m["reason"].as_str().unwrap().contains("MAIN")));
}

#[tokio::test]
async fn a_short_transfer_moves_nothing() {
    let app = spawn_app().await;
    let main = main_warehouse(&app).await;
    let branch = warehouse(&app, "KHO-2").await;
    let coffee = app.stocked_product("CF-001", 45_000, 2).await;
    app.stocked_product("TEA-01", 30_000, 0).await;
    let before = app.count("SELECT COUNT(*) FROM stock_movements").await;

    let body = json!({"fromWarehouseId": main, "toWarehouseId": branch,
                      "lines": [{"productId": coffee, "quantity": 2},
                                {"code": "TEA-01", "quantity": 1},
                                {"productId": coffee, "quantity": 1}]});
    let (status, body) = transfer(&app, body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "INSUFFICIENT_STOCK");
    let short: Vec<_> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["sku"].as_str().unwrap(),
                s["requested"].as_i64().unwrap(),
                s["available"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(short, [("CF-001", 3, 2), ("TEA-01", 1, 0)]);

    assert_eq!(
        app.count("SELECT COUNT(*) FROM stock_movements").await,
        before
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM stock_transfers").await, 0);
    assert_eq!(on_hand(&app, coffee, main).await, 2);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn transfers_need_two_open_warehouses_and_known_items() {
    let app = spawn_app().await;
    let main = main_warehouse(&app).await;
    let branch = warehouse(&app, "KHO-2").await;
    let coffee = app.stocked_product("CF-001", 45_000, 5).await;
    let line = json!([{"productId": coffee, "quantity": 1}]);

    let cases = [
        (
            json!({"fromWarehouseId": main, "toWarehouseId": main, "lines": line}),
            "toWarehouseId",
        ),
        (
            json!({"fromWarehouseId": main, "toWarehouseId": 999, "lines": line}),
            "toWarehouseId",
        ),
        (
            json!({"fromWarehouseId": main, "toWarehouseId": branch, "lines": []}),
            "lines",
        ),
        (
            json!({"fromWarehouseId": main, "toWarehouseId": branch,
                "lines": [{"code": "NOPE", "quantity": 1}]}),
            "lines[0]",
        ),
        (
            json!({"fromWarehouseId": main, "toWarehouseId": branch,
                "lines": [{"productId": coffee, "quantity": 0}]}),
            "lines[0].quantity",
        ),
        (
            json!({"fromWarehouseId": main, "toWarehouseId": branch,
                "lines": [{"quantity": 1}]}),
            "lines[0].variantId",
        ),
        (
            json!({"toWarehouseId": branch, "lines": line}),
            "fromWarehouseId",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = transfer(&app, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body} → {answer}"
        );
        assert_eq!(
            answer["error"]["details"][0]["field"], field,
            "{body} → {answer}"
        );
    }

    // A closed warehouse takes no stock.
    let close = json!({"code": "KHO-2", "name": "Kho KHO-2", "active": false});
    let (status, body) = app.put(&format!("/api/warehouses/{branch}"), close).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = transfer(
        &app,
        json!({"fromWarehouseId": main, "toWarehouseId": branch, "lines": line}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let receipt = json!({"productId": coffee, "warehouseId": branch, "quantity": 1});
    let (status, body) = app.post("/api/inventory/receipts", receipt).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM stock_transfers").await, 0);
}

#[tokio::test]
async fn a_warehouse_holding_stock_or_the_default_cannot_be_closed() {
    let app = spawn_app().await;
    let main = main_warehouse(&app).await;
    let branch = warehouse(&app, "KHO-2").await;
    let coffee = app.stocked_product("CF-001", 45_000, 5).await;
    let (status, body) = transfer(
        &app,
        json!({"fromWarehouseId": main, "toWarehouseId": branch,
               "lines": [{"productId": coffee, "quantity": 2}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let close = json!({"code": "KHO-2", "name": "Kho 2", "active": false});
    let (status, body) = app
        .put(&format!("/api/warehouses/{branch}"), close.clone())
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let close_main = json!({"code": "MAIN", "name": "Cửa hàng", "active": false});
    let (status, body) = app
        .put(&format!("/api/warehouses/{main}"), close_main)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "active");

    // Once its stock is back, it closes, and cannot become the default.
    let (status, body) = transfer(
        &app,
        json!({"fromWarehouseId": branch, "toWarehouseId": main,
               "lines": [{"productId": coffee, "quantity": 2}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app.put(&format!("/api/warehouses/{branch}"), close).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["active"], false);
    let (status, body) = app
        .post(&format!("/api/warehouses/{branch}/default"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn the_till_sells_from_the_warehouse_it_names_or_the_default() {
    let app = spawn_app().await;
    let main = main_warehouse(&app).await;
    let branch = warehouse(&app, "KHO-2").await;
    let coffee = app.stocked_product("CF-001", 45_000, 5).await;
    let (status, body) = transfer(
        &app,
        json!({"fromWarehouseId": main, "toWarehouseId": branch,
               "lines": [{"productId": coffee, "quantity": 2}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let sale = |warehouse: Option<i64>, quantity: i64| {
        let mut body = json!({"items": [{"productId": coffee, "quantity": quantity}]});
        if let Some(id) = warehouse {
            body["warehouseId"] = json!(id);
        }
        body
    };
    let (status, order) = app.post("/api/orders", sale(Some(branch), 2)).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["data"]["warehouseId"], branch);
    assert_eq!(on_hand(&app, coffee, branch).await, 0);
    assert_eq!(on_hand(&app, coffee, main).await, 3);
    // The branch is empty even though the shop still has coffee.
    let (status, body) = app.post("/api/orders", sale(Some(branch), 1)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = app.post("/api/orders", sale(Some(999), 1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "warehouseId");

    // A new default takes the sales that name no warehouse.
    let (status, body) = app
        .post(&format!("/api/warehouses/{branch}/default"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(main_warehouse(&app).await, branch);
    let (status, body) = app.post("/api/orders", sale(None, 1)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, order) = app.post("/api/orders", sale(Some(main), 1)).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");

    // Cancelling puts the stock back where it came from.
    let id = order["data"]["id"].as_i64().unwrap();
    let (status, body) = app
        .post(&format!("/api/orders/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(on_hand(&app, coffee, main).await, 3);
    app.assert_stock_matches_ledger().await;
}

#[tokio::test]
async fn the_ledger_keeps_its_rules_after_learning_transfers() {
    let app = spawn_app().await;
    let coffee = app.stocked_product("CF-001", 45_000, 5).await;
    let variant = app
        .count(&format!(
            "SELECT id FROM product_variants WHERE product_id = {coffee}"
        ))
        .await;
    let bogus = sqlx::query(&format!(
        "INSERT INTO stock_movements (variant_id, warehouse_id, quantity, kind, reason, created_at) \
         VALUES ({variant}, 1, 1, 'BOGUS', '', '2026-01-01T00:00:00.000Z')"
    ))
    .execute(&app.state.db)
    .await;
    assert!(bogus.is_err(), "an unknown kind was stored");
    let edit = sqlx::query("UPDATE stock_movements SET quantity = 100")
        .execute(&app.state.db)
        .await;
    assert!(edit.is_err(), "a movement was edited");
    let delete = sqlx::query("DELETE FROM stock_movements")
        .execute(&app.state.db)
        .await;
    assert!(delete.is_err(), "a movement was deleted");
    app.assert_stock_matches_ledger().await;
}

/// Posts an urlencoded form the way a browser does.
async fn submit(app: &TestApp, uri: &str, body: &str) -> (StatusCode, String) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = app.send_raw(request).await;
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    (status, location.unwrap_or(body_text(response).await))
}

#[tokio::test]
async fn the_pages_add_a_warehouse_and_move_stock_to_it() {
    let app = spawn_app().await;
    let main = main_warehouse(&app).await;
    app.stocked_product("CF-001", 45_000, 5).await;

    let (status, location) = submit(
        &app,
        "/warehouses",
        "code=kho-2&name=Kho+Th%E1%BB%A7+%C4%90%E1%BB%A9c&address=&phone=&pancake_warehouse_id=&active=on",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let branch: i64 = location.trim_start_matches("/warehouses/").parse().unwrap();
    let (status, _, page) = app.get_text("/warehouses").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("KHO-2") && page.contains("Kho Thủ Đức"),
        "{page}"
    );

    // The warehouse page's "new transfer" link starts from that warehouse.
    let (status, _, page) = app.get_text(&format!("/transfers/new?from={branch}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("<option value=\"{branch}\" selected>")),
        "{page}"
    );
    assert!(
        !page.contains(&format!("<option value=\"{main}\" selected>")),
        "{page}"
    );

    // A typo in a quantity comes back with what was typed.
    let form = format!("from={main}&to={branch}&note=&lines=CF-001+2%0D%0ACF-001+x");
    let (status, page) = submit(&app, "/transfers", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("CF-001 x"), "{page}");
    let form = format!("from={main}&to={branch}&note=&lines=CF-001+9");
    let (status, page) = submit(&app, "/transfers", &form).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("CF-001"), "{page}");
    assert_eq!(app.count("SELECT COUNT(*) FROM stock_transfers").await, 0);

    // Scanned twice, then a quantity: three units.
    let form = format!("from={main}&to={branch}&note=&lines=CF-001%0D%0ACF-001+2%0D%0A");
    let (status, location) = submit(&app, "/transfers", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (status, _, page) = app.get_text(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("CF-001") && page.contains("KHO-2"), "{page}");
    let (status, _, page) = app.get_text(&format!("/warehouses/{branch}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("CF-001"), "{page}");
    let (_, _, page) = app.get_text("/pos").await;
    assert!(
        page.contains("id=\"pos-warehouse\"") && page.contains("KHO-2"),
        "{page}"
    );
    app.assert_stock_matches_ledger().await;
}
