//! `POST /webhooks/pancake` through the app's router: the secret header,
//! each kind of record applied through the app's services, and replays.

use axum::{
    body::Body,
    http::{header::CONTENT_TYPE, Request, StatusCode},
};
use serde_json::{json, Value};
use tower::ServiceExt;

use super::TestDb;
use crate::{
    catalog,
    config::SalesRules,
    customers::{self, CustomerRequest},
    inventory::ledger,
    pagination::Pagination,
    webhooks::{routes::BODY_LIMIT, Inbound, Settings},
    AppState,
};

const SECRET: &str = "pancake-s3cret";
/// The Pancake warehouse that mirrors the app's default one.
const WAREHOUSE: &str = "630744ef-0000-4000-8000-00000000000a";
const SHOP: i64 = 4;

fn settings() -> Settings {
    Settings {
        inbound: Inbound {
            secret: Some(SECRET.into()),
            warehouse_id: Some(WAREHOUSE.into()),
            ..Inbound::default()
        },
        ..Settings::default()
    }
}

/// Posts `body` to `uri` with `headers`, through the whole router.
async fn post(
    db: &TestDb,
    settings: &Settings,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let state =
        AppState::new(db.pool.clone(), SalesRules::default()).with_webhooks(settings.clone());
    let mut request = Request::post(uri).header(CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = crate::app(state)
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body =
        serde_json::from_slice(&bytes).unwrap_or_else(|err| panic!("not JSON ({err}): {bytes:?}"));
    (status, body)
}

/// Posts `body` as Pancake would, with the secret header.
async fn deliver(db: &TestDb, body: &Value) -> (StatusCode, Value) {
    post(
        db,
        &settings(),
        "/webhooks/pancake",
        &[("X-Webhook-Secret", SECRET)],
        body.to_string(),
    )
    .await
}

/// An order as Pancake posts it: the bare Order object.
fn order(id: i64, status: i64, updated_at: &str) -> Value {
    json!({
        "id": id, "system_id": id, "shop_id": SHOP,
        "status": status, "status_name": null,
        "inserted_at": "2026-05-07T11:04:38.590469", "updated_at": updated_at,
        "total_price": 280000.0, "cash": 0,
        "bill_full_name": "Hoàng Anh", "bill_phone_number": "0999999999",
        "items": [{
            "id": 12_187_295_733_i64, "variation_id": "415040f4-ab63-465e-8699-e9ebfff4c6c7",
            "quantity": 2, "variation_info": {"name": "Áo sơ mi nam", "retail_price": 140000}
        }],
        "p_utm_source": "facebook"
    })
}

/// A customer as Pancake posts it: the bare Customer object.
fn customer(name: &str, phone: &str) -> Value {
    json!({
        "id": "96a8e283-3fba-492e-a35a-970f72a30a02", "customer_id": "c-1",
        "name": name, "phone_numbers": [phone], "emails": ["lan@example.vn"],
        "reward_point": 120, "gender": "female",
        "shop_customer_address": [{"address": "12 Lê Lợi", "full_address": "12 Lê Lợi, Quận 1"}]
    })
}

/// A product as Pancake posts it: `{"data": {"record": Product}}`.
fn product(price: i64) -> Value {
    json!({"data": {"success": true, "record": {
        "id": "3487e126-b0d9-4dae-89a9-ee60bef2f4e9", "name": "Áo sơ mi nam",
        "custom_id": "AOSOMI", "weight": 200,
        "variations": [
            {"id": "v-1", "custom_id": "AOSOMI-M", "barcode": "8930000000011",
             "retail_price": price, "fields": [{"name": "Size", "value": "M"}]},
            {"id": "v-2", "custom_id": "AOSOMI-L", "retail_price": 150000.0,
             "fields": [{"name": "Size", "value": "L"}]}
        ]
    }}})
}

/// A stock change as Pancake posts it (`variations_warehouses`).
fn stock(variation: &str, warehouse: &str, actual: i64, inserted_at: &str) -> Value {
    json!({"data": {"success": true, "record": {
        "variation_id": variation, "warehouse_id": warehouse,
        "remain_quantity": actual - 1, "actual_remain_quantity": actual,
        "change_quantity": -1, "is_actual_remain_quantity": true,
        "inserted_at": inserted_at, "type": "order"
    }}})
}

async fn order_status(db: &TestDb, id: i64) -> i64 {
    sqlx::query_scalar("SELECT status FROM pancake_orders WHERE shop_id = $1 AND pancake_id = $2")
        .bind(SHOP)
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn inbound_webhooks_are_off_without_a_secret() {
    let db = TestDb::new().await;
    let off = Settings::default();
    let (status, body) = post(
        &db,
        &off,
        "/webhooks/pancake",
        &[("X-Webhook-Secret", "")],
        order(1418, 0, "2026-05-07T11:05:00").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events")
            .await,
        0
    );
}

#[tokio::test]
async fn a_wrong_or_missing_secret_is_refused_and_nothing_is_stored() {
    let db = TestDb::new().await;
    let body = order(1418, 0, "2026-05-07T11:05:00").to_string();
    let wrong = [
        vec![],
        vec![("X-Webhook-Secret", "pancake-s3cre")],
        vec![("X-Webhook-Secret", "pancake-s3cret ")],
        vec![("X-API-KEY", SECRET)],
    ];
    for headers in wrong {
        let (status, answer) = post(
            &db,
            &settings(),
            "/webhooks/pancake",
            &headers,
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}: {answer}");
        assert_eq!(answer["success"], false);
        assert_eq!(answer["error"]["code"], "UNAUTHORIZED");
        assert!(!answer.to_string().contains(SECRET), "{answer}");
    }
    // A shop may name its own header.
    let custom = Settings {
        inbound: Inbound {
            header: axum::http::HeaderName::from_static("x-api-key"),
            ..settings().inbound
        },
        ..settings()
    };
    let (status, _) = post(
        &db,
        &custom,
        "/webhooks/pancake",
        &[("X-Webhook-Secret", SECRET)],
        body.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events")
            .await,
        0
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM pancake_orders").await, 0);

    let (status, answer) = post(
        &db,
        &custom,
        "/webhooks/pancake",
        &[("X-API-KEY", SECRET)],
        body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(db.count("SELECT COUNT(*) FROM pancake_orders").await, 1);
}

#[tokio::test]
async fn an_order_is_kept_once_and_a_replay_changes_nothing() {
    let db = TestDb::new().await;
    let sent = order(1418, 0, "2026-05-07T11:05:00");
    let (status, answer) = deliver(&db, &sent).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["success"], true);
    assert_eq!(answer["data"]["duplicate"], false);
    assert_eq!(answer["data"]["applied"], 1);
    let record = &answer["data"]["records"][0];
    assert_eq!(record["kind"], "orders");
    assert_eq!(record["recordId"], "4:1418");
    assert_eq!(record["outcome"], "applied");
    let raw: String = sqlx::query_scalar("SELECT raw FROM pancake_orders WHERE pancake_id = 1418")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&raw).unwrap(), sent);

    let (status, replay) = deliver(&db, &sent).await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    assert_eq!(replay["data"]["duplicate"], true);
    assert_eq!(replay["data"]["records"][0]["duplicate"], true);
    assert_eq!(db.count("SELECT COUNT(*) FROM pancake_orders").await, 1);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events")
            .await,
        1
    );
}

#[tokio::test]
async fn an_older_order_update_does_not_overwrite_a_newer_one() {
    let db = TestDb::new().await;
    let (_, answer) = deliver(&db, &order(1418, 1, "2026-05-07T11:06:00")).await;
    assert_eq!(answer["data"]["applied"], 1, "{answer}");
    // The earlier version arrives late.
    let (status, late) = deliver(&db, &order(1418, 0, "2026-05-07T11:05:00.123")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{late}");
    assert_eq!(late["data"]["records"][0]["outcome"], "ignored");
    assert_eq!(
        late["data"]["records"][0]["detail"],
        "order 1418 of shop 4 is older than the copy held"
    );
    assert_eq!(order_status(&db, 1418).await, 1);

    let (_, newer) = deliver(&db, &order(1418, 6, "2026-05-07T11:07:00")).await;
    assert_eq!(newer["data"]["records"][0]["outcome"], "applied");
    assert_eq!(order_status(&db, 1418).await, 6);
    assert_eq!(db.count("SELECT COUNT(*) FROM pancake_orders").await, 1);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events")
            .await,
        3
    );
}

#[tokio::test]
async fn a_customer_is_matched_by_phone_and_keeps_what_pancake_leaves_out() {
    let db = TestDb::new().await;
    let existing = customers::service::create(
        &db.pool,
        CustomerRequest {
            name: Some("Lan".into()),
            phone: Some("0912 345 678".into()),
            notes: Some("Khách quen".into()),
            points: Some(50),
            ..CustomerRequest::default()
        },
    )
    .await
    .unwrap();

    let (status, answer) = deliver(&db, &customer("Nguyễn Thị Lan", "+84 912 345 678")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["data"]["records"][0]["detail"],
        format!("customer {} updated", existing.id)
    );
    let updated = customers::service::get(&db.pool, existing.id)
        .await
        .unwrap();
    assert_eq!(updated.name, "Nguyễn Thị Lan");
    assert_eq!(updated.phone, "0912345678");
    assert_eq!(updated.email.as_deref(), Some("lan@example.vn"));
    assert_eq!(updated.address, "12 Lê Lợi, Quận 1");
    // The app's own notes and points balance stay.
    assert_eq!(updated.notes, "Khách quen");
    assert_eq!(updated.points, 50);

    let mut other = customer("Trần Văn Minh", "0987654321");
    other["id"] = json!("5b0e7a8c-0000-4000-8000-000000000002");
    // An address the app would refuse is left out rather than failing it.
    other["emails"] = json!(["minh@localhost"]);
    let (_, answer) = deliver(&db, &other).await;
    assert_eq!(answer["data"]["applied"], 1, "{answer}");
    let page = Pagination::new(None, None).unwrap();
    let phone = customers::service::CustomerFilter {
        phone: Some("0987654321".into()),
        ..Default::default()
    };
    let (found, _) = customers::service::list(&db.pool, &phone, page)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Trần Văn Minh");
    assert_eq!(found[0].email, None);
    assert_eq!(db.count("SELECT COUNT(*) FROM customers").await, 2);

    // Without a phone number there is no one to match.
    let mut nameless = customer("Ẩn danh", "");
    nameless["phone_numbers"] = json!([]);
    let (status, answer) = deliver(&db, &nameless).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(
        answer["data"]["records"][0]["detail"],
        "no phone number the app can use"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM customers").await, 2);
}

#[tokio::test]
async fn a_record_the_app_refuses_fails_alone_and_is_tried_again() {
    let db = TestDb::new().await;
    let refused = customer(&"Lan".repeat(100), "0912345678");
    let batch = json!([refused, order(1418, 0, "2026-05-07T11:05:00")]);
    let (status, answer) = deliver(&db, &batch).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["failed"], 1);
    assert_eq!(answer["data"]["applied"], 1);
    assert_eq!(answer["data"]["records"][0]["outcome"], "failed");
    assert_eq!(db.count("SELECT COUNT(*) FROM customers").await, 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM pancake_orders").await, 1);

    // A failed record is no duplicate: Pancake sending it again tries again.
    let (_, again) = deliver(&db, &refused).await;
    assert_eq!(again["data"]["duplicate"], false, "{again}");
    assert_eq!(again["data"]["records"][0]["outcome"], "failed");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events WHERE outcome = 'failed'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_product_is_imported_by_sku_and_stock_follows_the_mirrored_warehouse() {
    let db = TestDb::new().await;
    let (status, answer) = deliver(&db, &product(140_000)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["data"]["records"][0]["detail"],
        "AOSOMI-M created; AOSOMI-L created"
    );
    let mut conn = db.pool.acquire().await.unwrap();
    let medium = catalog::service::find_by_sku(&mut conn, "AOSOMI-M")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (medium.name.as_str(), medium.price),
        ("Áo sơ mi nam (Size: M)", 140_000)
    );
    drop(conn);
    let (_, repriced) = deliver(&db, &product(145_000)).await;
    assert_eq!(
        repriced["data"]["records"][0]["detail"],
        "AOSOMI-M updated; AOSOMI-L unchanged"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM products").await, 2);

    let on_hand = || async {
        let mut conn = db.pool.acquire().await.unwrap();
        let warehouse = ledger::default_warehouse(&mut conn).await.unwrap();
        ledger::on_hand(&mut conn, medium.default_variant_id, warehouse)
            .await
            .unwrap()
    };
    let adjustments = || db.count("SELECT COUNT(*) FROM stock_movements WHERE kind = 'ADJUSTMENT'");

    // The stock record names only the variation: the product taught its SKU.
    let counted = stock("v-1", WAREHOUSE, 7, "2026-05-07T11:10:00");
    let (status, answer) = deliver(&db, &counted).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["data"]["records"][0]["detail"],
        "AOSOMI-M set from 0 to 7 on hand"
    );
    assert_eq!(on_hand().await, 7);
    assert_eq!(adjustments().await, 1);

    let (_, replay) = deliver(&db, &counted).await;
    assert_eq!(replay["data"]["duplicate"], true, "{replay}");
    assert_eq!(on_hand().await, 7);
    assert_eq!(adjustments().await, 1);

    let (_, same) = deliver(&db, &stock("v-1", WAREHOUSE, 7, "2026-05-07T11:11:00")).await;
    assert_eq!(
        same["data"]["records"][0]["detail"],
        "AOSOMI-M already has 7 on hand"
    );
    assert_eq!(adjustments().await, 1);
    let (_, fewer) = deliver(&db, &stock("v-1", WAREHOUSE, 4, "2026-05-07T11:12:00")).await;
    assert_eq!(fewer["data"]["applied"], 1, "{fewer}");
    assert_eq!(on_hand().await, 4);
    assert_eq!(adjustments().await, 2);

    for (ignored, reason) in [
        (
            stock("v-1", "another-warehouse", 1, "2026-05-07T11:13:00"),
            "no open warehouse of the app is linked to Pancake warehouse another-warehouse",
        ),
        (
            stock("v-9", WAREHOUSE, 1, "2026-05-07T11:13:00"),
            "variation v-9 has no known SKU; a product webhook for it teaches the app",
        ),
    ] {
        let (status, answer) = deliver(&db, &ignored).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        assert_eq!(answer["data"]["records"][0]["outcome"], "ignored");
        assert_eq!(answer["data"]["records"][0]["detail"], reason);
    }
    assert_eq!(on_hand().await, 4);
    // On hand still equals the sum of the ledger's movements.
    let ledger_sum: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM stock_movements \
         WHERE variant_id = $1",
    )
    .bind(medium.default_variant_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(ledger_sum, 4);
}

#[tokio::test]
async fn stock_follows_the_warehouse_linked_to_pancakes() {
    let db = TestDb::new().await;
    let (status, answer) = deliver(&db, &product(140_000)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let branch = crate::warehouses::model::WarehouseRequest {
        code: Some("KHO-2".into()),
        name: Some("Kho 2".into()),
        pancake_warehouse_id: Some("pancake-kho-2".into()),
        ..Default::default()
    };
    let branch = crate::warehouses::service::create(&db.pool, &branch)
        .await
        .unwrap();

    let (status, answer) = deliver(
        &db,
        &stock("v-1", "pancake-kho-2", 5, "2026-05-07T11:10:00"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let mut conn = db.pool.acquire().await.unwrap();
    let variant: i64 = sqlx::query_scalar("SELECT id FROM product_variants WHERE sku = 'AOSOMI-M'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let main = ledger::default_warehouse(&mut conn).await.unwrap();
    assert_eq!(
        ledger::on_hand(&mut conn, variant, branch.id)
            .await
            .unwrap(),
        5
    );
    assert_eq!(ledger::on_hand(&mut conn, variant, main).await.unwrap(), 0);
    // PANCAKE_WAREHOUSE_ID still names the Pancake warehouse of the default one.
    let (_, answer) = deliver(&db, &stock("v-1", WAREHOUSE, 2, "2026-05-07T11:11:00")).await;
    assert_eq!(answer["data"]["applied"], 1, "{answer}");
    assert_eq!(ledger::on_hand(&mut conn, variant, main).await.unwrap(), 2);
    assert_eq!(
        ledger::on_hand(&mut conn, variant, branch.id)
            .await
            .unwrap(),
        5
    );
}

#[tokio::test]
async fn a_batch_applies_each_record_and_wrappers_are_opened() {
    let db = TestDb::new().await;
    let batch = json!([
        order(1, 0, "2026-05-07T11:05:00"),
        {"order": order(2, 0, "2026-05-07T11:05:00")},
        {"body": {"orders": [order(3, 0, "2026-05-07T11:05:00")]}},
        {"data": [order(4, 0, "2026-05-07T11:05:00")]}
    ]);
    let (status, answer) = deliver(&db, &batch).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["applied"], 4);
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT pancake_id FROM pancake_orders ORDER BY pancake_id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(ids, [1, 2, 3, 4]);
    let (_, replay) = deliver(&db, &batch).await;
    assert_eq!(replay["data"]["duplicate"], true, "{replay}");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events")
            .await,
        4
    );
}

#[tokio::test]
async fn an_unknown_shape_is_recorded_as_ignored() {
    let db = TestDb::new().await;
    let crm = json!({"data": {"success": true, "record": {"id": 5, "table": "leads"}}});
    for body in [crm, json!("hello"), json!({"id": 9, "name": "no idea"})] {
        let (status, answer) = deliver(&db, &body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        assert_eq!(answer["data"]["ignored"], 1);
        assert_eq!(answer["data"]["records"][0]["kind"], "unknown");
    }
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events WHERE outcome = 'ignored'")
            .await,
        3
    );
}

#[tokio::test]
async fn the_type_parameter_names_the_kind() {
    let db = TestDb::new().await;
    // No shop and no status: the shape alone says nothing.
    let bare = json!({"id": 77, "items": [], "updated_at": "2026-05-07T11:05:00"});
    let shop = Settings {
        inbound: Inbound {
            shop_id: Some(9),
            ..settings().inbound
        },
        ..settings()
    };
    let secret = [("X-Webhook-Secret", SECRET)];
    let (status, _) = post(&db, &shop, "/webhooks/pancake", &secret, bare.to_string()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, answer) = post(
        &db,
        &shop,
        "/webhooks/pancake?type=orders",
        &secret,
        json!({"status": 0, "id": 77, "items": [], "updated_at": "2026-05-07T11:05:00"})
            .to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["records"][0]["recordId"], "9:77");
    let kept: i64 = sqlx::query_scalar("SELECT shop_id FROM pancake_orders WHERE pancake_id = 77")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(kept, 9);

    let (status, answer) = post(
        &db,
        &shop,
        "/webhooks/pancake?type=invoices",
        &secret,
        bare.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"]["details"][0]["field"], "type");
}

#[tokio::test]
async fn malformed_json_is_a_400_and_an_oversized_body_a_413() {
    let db = TestDb::new().await;
    let secret = [("X-Webhook-Secret", SECRET)];
    let (status, answer) = post(&db, &settings(), "/webhooks/pancake", &secret, "{\"id\": ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["code"], "BAD_REQUEST");

    let padding = "x".repeat(BODY_LIMIT);
    let huge = json!({"id": 1, "note": padding}).to_string();
    let (status, answer) = post(&db, &settings(), "/webhooks/pancake", &secret, huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(answer["success"], false);
    assert_eq!(answer["error"]["code"], "PAYLOAD_TOO_LARGE");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM pancake_webhook_events")
            .await,
        0
    );
}
