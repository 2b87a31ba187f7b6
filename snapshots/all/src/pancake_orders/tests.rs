//! Pancake orders against a stand-in Pancake on loopback: the exact requests
//! each call makes, the guardrails on writes, and pushing and pulling with a
//! database of the app's own.

use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::AnyPool;

use super::{
    api::OrderQuery,
    sync::{self, Kept, Pulled, Pushed, PUSHED_STATUS},
    OrderStatus, PancakeOrder,
};
use crate::{
    attribution::Attribution,
    catalog::{self, ProductRequest},
    config::{Config, SalesRules},
    db,
    inventory::{self, model::StockRequest},
    orders::{
        checkout,
        model::{OrderRequest, PaymentRequest},
        payments,
    },
    pancake::{
        cli::{execute, PancakeArgs},
        testing::{Pancake, KEY, SHOP},
        PancakeError,
    },
};

/// An order as the live API sends it: floats for money, fields these types
/// do not name, an item id beyond u32.
fn order_json(id: i64, status: i64) -> Value {
    json!({
        "id": id, "system_id": id, "shop_id": SHOP,
        "status": status, "status_name": "new",
        "inserted_at": "2026-05-07T11:04:38.590469", "updated_at": "2026-05-07T11:05:00",
        "total_price": 280000.0, "total_discount": 0, "shipping_fee": 0, "cash": 0,
        "bill_full_name": "Hoàng Anh", "bill_phone_number": "0999999999",
        "customer": {"id": "96a8e283-3fba-492e-a35a-970f72a30a02", "name": "Hoàng Anh"},
        "items": [{
            "id": 12_187_295_733_i64, "product_id": "3487e126-b0d9-4dae-89a9-ee60bef2f4e9",
            "variation_id": "415040f4-ab63-465e-8699-e9ebfff4c6c7", "quantity": 2,
            "discount_each_product": 0,
            "variation_info": {"name": "Áo sơ mi nam", "retail_price": 140000, "fields": null,
                               "detail": null}
        }],
        "tags": [{"id": 3, "name": "VIP"}],
        "p_utm_source": "facebook",
        "shipping_address": {"full_name": "Hoàng Anh", "province_id": "101"}
    })
}

fn page(orders: Vec<Value>, number: u32, total_pages: u32) -> Value {
    json!({"success": true, "data": orders, "page_number": number, "page_size": 50,
           "total_entries": 0, "total_pages": total_pages})
}

#[tokio::test]
async fn orders_are_listed_with_every_filter_in_the_query() {
    let pancake = Pancake::serve(|_| (StatusCode::OK, page(vec![order_json(1418, 0)], 2, 3))).await;
    let query = OrderQuery {
        search: Some("0999999999".into()),
        statuses: vec![OrderStatus::New, OrderStatus::Confirmed],
        updated_since: Some(1_699_635_600),
        updated_until: Some(1_699_722_000),
        page: 2,
    };
    let listed = pancake.client(false).orders(&query).await.unwrap();

    let order = &listed.data[0];
    assert_eq!((order.id, order.status), (1418, OrderStatus::New));
    assert_eq!(order.total_price, Some(280_000));
    assert_eq!(order.items[0].id, Some(12_187_295_733));
    assert_eq!(
        order.items[0].variation_info.as_ref().unwrap().retail_price,
        Some(140_000)
    );
    assert_eq!(order.customer_name(), Some("Hoàng Anh"));
    assert_eq!(order.extra["p_utm_source"], "facebook");
    assert_eq!(listed.total_pages, Some(3));

    assert_eq!(pancake.calls(), ["GET /shops/4/orders"]);
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [
            ("api_key", KEY),
            ("search", "0999999999"),
            ("filter_status[]", "0"),
            ("filter_status[]", "1"),
            ("updateStatus", "updated_at"),
            ("startDateTime", "1699635600"),
            ("endDateTime", "1699722000"),
            ("page_number", "2"),
            ("page_size", "50"),
        ]
    );
}

#[tokio::test]
async fn an_order_is_read_wrapped_or_bare() {
    for wrapped in [true, false] {
        let pancake = Pancake::serve(move |_| {
            let order = order_json(1418, 1);
            let body = if wrapped {
                json!({"success": true, "data": order})
            } else {
                order
            };
            (StatusCode::OK, body)
        })
        .await;
        let order = pancake.client(false).order(1418).await.unwrap();
        assert_eq!((order.id, order.status), (1418, OrderStatus::Confirmed));
        assert_eq!(pancake.calls(), ["GET /shops/4/orders/1418"]);
        assert_eq!(pancake.hits()[0].query_pairs(), [("api_key", KEY)]);
    }
}

#[tokio::test]
async fn an_undocumented_status_is_kept_as_it_came() {
    let mut odd = order_json(77, 19);
    odd["status_name"] = Value::Null;
    let order: PancakeOrder = serde_json::from_value(odd).unwrap();
    assert_eq!(order.status, OrderStatus::Unknown(19));
    assert_eq!(order.status_name, None);
    // It goes back out as the same code, and with the fields it came with.
    let again = serde_json::to_value(&order).unwrap();
    assert_eq!(again["status"], 19);
    assert_eq!(again["tags"], json!([{"id": 3, "name": "VIP"}]));

    for status in OrderStatus::DOCUMENTED {
        assert_eq!(OrderStatus::from_code(status.code()), status);
    }
    assert_eq!(OrderStatus::from_code(3), OrderStatus::Received);
}

#[tokio::test]
async fn creating_an_order_posts_once_even_when_pancake_fails() {
    let pancake = Pancake::serve(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"message": "busy"}),
        )
    })
    .await;
    let body = json!({"shop_id": SHOP, "items": []});
    let error = pancake.client(true).create_order(&body).await.unwrap_err();
    assert!(matches!(error, PancakeError::Status { .. }), "{error:?}");
    // A GET would have been tried three times; a create never is.
    assert_eq!(pancake.calls(), ["POST /shops/4/orders"]);
    assert_eq!(pancake.hits()[0].body, body);
    assert_eq!(pancake.hits()[0].query_pairs(), [("api_key", KEY)]);
}

/// Pancake keeping one order: GETs read it, a PUT replaces it unless
/// `ignore_puts`, in which case the PUT is acknowledged and dropped.
async fn pancake_with_one_order(ignore_puts: bool) -> Pancake {
    let stored = Arc::new(Mutex::new(order_json(1418, 0)));
    Pancake::serve(move |seen| {
        if seen.method == Method::PUT {
            if !ignore_puts {
                *stored.lock().unwrap() = seen.body.clone();
            }
            return (StatusCode::OK, json!({"success": true}));
        }
        let order = stored.lock().unwrap().clone();
        (StatusCode::OK, json!({"success": true, "data": order}))
    })
    .await
}

#[tokio::test]
async fn a_status_change_sends_the_whole_order_back_and_reads_it_again() {
    let pancake = pancake_with_one_order(false).await;
    let order = pancake
        .client(true)
        .update_order_status(1418, OrderStatus::Confirmed)
        .await
        .unwrap();
    assert_eq!(order.status, OrderStatus::Confirmed);
    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/orders/1418",
            "GET /shops/4/orders/1418",
            "PUT /shops/4/orders/1418",
            "GET /shops/4/orders/1418",
        ]
    );
    let mut expected = order_json(1418, 0);
    expected["status"] = json!(1);
    // Everything Pancake gave, unknown fields included, and only the status changed.
    assert_eq!(pancake.hits()[2].body, expected);
}

#[tokio::test]
async fn a_status_change_pancake_dropped_is_not_verified() {
    let pancake = pancake_with_one_order(true).await;
    let error = pancake
        .client(true)
        .update_order_status(1418, OrderStatus::Cancelled)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, PancakeError::NotVerified { reason } if reason.contains("status 0")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unconfirmed_status_change_writes_nothing() {
    let pancake = pancake_with_one_order(false).await;
    let error = pancake
        .client(false)
        .update_order_status(1418, OrderStatus::Confirmed)
        .await
        .unwrap_err();
    assert!(
        matches!(error, PancakeError::WriteNotConfirmed),
        "{error:?}"
    );
    // The order was read to build the body; nothing was sent back.
    assert!(pancake.hits().iter().all(|seen| seen.method == Method::GET));
}

/// A migrated database of its own in the temporary folder.
async fn local_database() -> (AnyPool, std::path::PathBuf) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let file =
        std::env::temp_dir().join(format!("pancake-orders-{}-{nanos}.db", std::process::id()));
    let pool = db::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    db::migrate(&pool).await.unwrap();
    (pool, file)
}

/// A product with `sku` and ten units in stock, through the app's services.
async fn stocked_product(pool: &AnyPool, sku: &str, name: &str, price: i64) -> i64 {
    let request = ProductRequest {
        name: Some(name.into()),
        sku: Some(sku.into()),
        price: Some(price),
        ..ProductRequest::default()
    };
    let product = catalog::service::create(pool, request).await.unwrap();
    let receipt = StockRequest {
        product_id: Some(product.product.id),
        quantity: Some(10),
        ..StockRequest::default()
    };
    inventory::service::receive(
        pool,
        SalesRules::default(),
        &receipt,
        &Attribution::nobody(),
    )
    .await
    .unwrap();
    product.product.id
}

/// A sale at the till, through the app's own checkout, so the order is
/// priced and stock is taken as at a real till. Returns the order's id.
async fn sell(pool: &AnyPool, items: Value) -> i64 {
    let request: OrderRequest = serde_json::from_value(json!({ "items": items })).unwrap();
    let (order, _) = checkout::place(
        pool,
        SalesRules::default(),
        &request,
        None,
        &Attribution::nobody(),
    )
    .await
    .unwrap();
    order.header.id
}

async fn pay_in_full(pool: &AnyPool, order_id: i64) {
    let order = crate::orders::service::get(pool, order_id).await.unwrap();
    let payment = PaymentRequest {
        method: Some("cash".into()),
        amount: Some(order.header.total),
    };
    payments::pay(pool, order_id, &payment).await.unwrap();
}

/// A shop selling coffee (2 × 25 000) and a cake (18 000, 3 000 off).
async fn paid_sale(pool: &AnyPool) -> i64 {
    let coffee = stocked_product(pool, "CF-DEN", "Cà phê đen", 25_000).await;
    let cake = stocked_product(pool, "BANH-MI", "Bánh mì", 18_000).await;
    let order_id = sell(
        pool,
        json!([
            {"productId": coffee, "quantity": 2},
            {"productId": cake, "quantity": 1, "discount": 3_000}
        ]),
    )
    .await;
    pay_in_full(pool, order_id).await;
    order_id
}

/// Pancake's catalogue as its fuzzy search answers it: `CF-DEN` matches
/// `CF-DEN-L` too, and `BANH-MI` exists only as `BANH-MI-2`.
fn variations_for(search: &str, with_banh_mi: bool) -> Value {
    let mut found = vec![];
    if search == "CF-DEN" {
        found.push(
            json!({"id": "v-cf-l", "custom_id": "CF-DEN-L", "product_id": "p-cf",
                          "retail_price": 30000}),
        );
        found.push(
            json!({"id": "v-cf", "custom_id": "CF-DEN", "product_id": "p-cf",
                          "retail_price": 25000.0}),
        );
    }
    if search == "BANH-MI" {
        found.push(json!({"id": "v-bm-2", "custom_id": "BANH-MI-2", "product_id": "p-bm"}));
        if with_banh_mi {
            found.push(json!({"id": "v-bm", "custom_id": "BANH-MI", "product_id": "p-bm"}));
        }
    }
    json!({"success": true, "data": found, "page_number": 1, "total_pages": 1})
}

/// Pancake with a catalogue, answering a create with `created`.
async fn pancake_for_push(with_banh_mi: bool, created: Value) -> Pancake {
    pancake_answering_create(with_banh_mi, StatusCode::OK, created).await
}

async fn pancake_answering_create(
    with_banh_mi: bool,
    status: StatusCode,
    created: Value,
) -> Pancake {
    Pancake::serve(move |seen| {
        if seen.method == Method::POST {
            return (status, created.clone());
        }
        let search = seen
            .query
            .iter()
            .find(|(name, _)| name == "search")
            .map_or("", |(_, value)| value.as_str());
        (StatusCode::OK, variations_for(search, with_banh_mi))
    })
    .await
}

async fn link_count(pool: &AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM pancake_order_links")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_paid_sale_is_pushed_once() {
    let (pool, file) = local_database().await;
    let order_id = paid_sale(&pool).await;
    let created = json!({"success": true, "data": {"id": 1419, "system_id": 1419, "status": 3}});
    let pancake = pancake_for_push(true, created).await;
    let client = pancake.client(true);

    let Pushed::Created { link, status } = sync::push_sale(&client, &pool, order_id).await.unwrap()
    else {
        panic!("the first push should create an order");
    };
    assert_eq!(
        (
            link.order_id,
            link.shop_id,
            link.pancake_order_id,
            link.system_id
        ),
        (order_id, SHOP, 1419, Some(1419))
    );
    assert_eq!(status, Some(PUSHED_STATUS));
    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/products/variations",
            "GET /shops/4/products/variations",
            "POST /shops/4/orders",
        ]
    );
    let received = pancake.hits();
    assert_eq!(
        received[0].query_pairs(),
        [
            ("api_key", KEY),
            ("search", "CF-DEN"),
            ("page_number", "1"),
            ("page_size", "30")
        ]
    );
    let number = format!("HD{order_id:06}");
    assert_eq!(
        received[2].body,
        json!({
            "shop_id": SHOP,
            "status": 3,
            "received_at_shop": true,
            "custom_id": number,
            "note": format!("Đơn {number} bán tại quầy (nord)"),
            "items": [
                {"variation_id": "v-cf", "product_id": "p-cf", "quantity": 2,
                 "variation_info": {"retail_price": 25000}},
                {"variation_id": "v-bm", "product_id": "p-bm", "quantity": 1,
                 "variation_info": {"retail_price": 18000}},
            ],
            "total_discount": 3000,
            "cash": 65000,
        })
    );

    // The second push finds the link and asks Pancake nothing.
    let again = sync::push_sale(&client, &pool, order_id).await.unwrap();
    assert_eq!(again, Pushed::AlreadyLinked(link));
    assert_eq!(pancake.calls().len(), 3);
    assert_eq!(link_count(&pool).await, 1);
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn an_unpaid_order_is_not_pushed() {
    let (pool, file) = local_database().await;
    let coffee = stocked_product(&pool, "CF-DEN", "Cà phê đen", 25_000).await;
    let order_id = sell(&pool, json!([{"productId": coffee, "quantity": 1}])).await;
    let pancake = pancake_for_push(true, json!({"data": {"id": 1}})).await;

    let error = sync::push_sale(&pancake.client(true), &pool, order_id)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("is pending"), "{error:#}");
    assert!(pancake.calls().is_empty());
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn an_unmatched_sku_refuses_the_push_before_any_post() {
    let (pool, file) = local_database().await;
    let order_id = paid_sale(&pool).await;
    let pancake = pancake_for_push(false, json!({"data": {"id": 1}})).await;

    let error = sync::push_sale(&pancake.client(true), &pool, order_id)
        .await
        .unwrap_err();
    let message = error.to_string();
    // BANH-MI-2 is not BANH-MI, however close Pancake's search thinks it is.
    assert!(message.contains("SKU BANH-MI"), "{message}");
    assert!(!message.contains("CF-DEN"), "{message}");
    assert!(pancake.hits().iter().all(|seen| seen.method == Method::GET));
    assert_eq!(link_count(&pool).await, 0);
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn an_unconfirmed_push_makes_no_post() {
    let (pool, file) = local_database().await;
    let order_id = paid_sale(&pool).await;
    let pancake = pancake_for_push(true, json!({"data": {"id": 1}})).await;

    let error = sync::push_sale(&pancake.client(false), &pool, order_id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.downcast_ref::<PancakeError>(),
            Some(PancakeError::WriteNotConfirmed)
        ),
        "{error:#}"
    );
    assert!(pancake.hits().iter().all(|seen| seen.method == Method::GET));
    assert_eq!(link_count(&pool).await, 0);
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn a_create_answer_without_an_id_records_nothing() {
    let (pool, file) = local_database().await;
    let order_id = paid_sale(&pool).await;
    let pancake = pancake_for_push(true, json!({"success": true})).await;

    let error = sync::push_sale(&pancake.client(true), &pool, order_id)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("before pushing it again"),
        "{error:#}"
    );
    assert_eq!(link_count(&pool).await, 0);
    let posts = pancake
        .hits()
        .iter()
        .filter(|seen| seen.method == Method::POST)
        .count();
    assert_eq!(posts, 1);
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn a_create_that_may_have_happened_says_to_look_in_pancake_first() {
    let (pool, file) = local_database().await;
    let order_id = paid_sale(&pool).await;
    let pancake = pancake_answering_create(
        true,
        StatusCode::BAD_GATEWAY,
        json!({"message": "upstream"}),
    )
    .await;

    let error = sync::push_sale(&pancake.client(true), &pool, order_id)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("may have reached Pancake"),
        "{error:#}"
    );
    assert!(matches!(
        error.downcast_ref::<PancakeError>(),
        Some(PancakeError::Status { .. })
    ));
    assert_eq!(pancake.calls().last().unwrap(), "POST /shops/4/orders");
    assert_eq!(link_count(&pool).await, 0);
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

/// Two pages of changed orders; the order 1420 as `status` says.
fn changed_orders(query: &[(String, String)], status: i64) -> Value {
    let second = query
        .iter()
        .any(|(name, value)| name == "page_number" && value == "2");
    if second {
        let mut odd = order_json(1420, status);
        odd["status_name"] = Value::Null;
        page(vec![odd], 2, 2)
    } else {
        page(vec![order_json(1418, 0), order_json(1419, 3)], 1, 2)
    }
}

#[tokio::test]
async fn pulling_twice_keeps_one_copy_per_order_and_takes_changes() {
    let (pool, file) = local_database().await;
    let status_of_1420 = Arc::new(Mutex::new(19));
    let current = status_of_1420.clone();
    let pancake = Pancake::serve(move |seen| {
        (
            StatusCode::OK,
            changed_orders(&seen.query, *current.lock().unwrap()),
        )
    })
    .await;
    let client = pancake.client(false);

    let first = sync::pull_orders(&client, &pool, 1_699_635_600, 1_699_722_000)
        .await
        .unwrap();
    assert_eq!(
        first,
        Pulled {
            created: 3,
            updated: 0,
            unchanged: 0
        }
    );
    assert_eq!(
        pancake.hits()[1].query_pairs(),
        [
            ("api_key", KEY),
            ("updateStatus", "updated_at"),
            ("startDateTime", "1699635600"),
            ("endDateTime", "1699722000"),
            ("page_number", "2"),
            ("page_size", "50"),
        ]
    );

    *status_of_1420.lock().unwrap() = 6;
    let second = sync::pull_orders(&client, &pool, 1_699_635_600, 1_699_722_000)
        .await
        .unwrap();
    assert_eq!(
        second,
        Pulled {
            created: 0,
            updated: 1,
            unchanged: 2
        }
    );

    let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT shop_id, pancake_id, status, total FROM pancake_orders ORDER BY pancake_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            (SHOP, 1418, 0, Some(280_000)),
            (SHOP, 1419, 3, Some(280_000)),
            (SHOP, 1420, 6, Some(280_000)),
        ]
    );
    // Pancake's timestamps are kept as it wrote them.
    let times: Vec<(String, String)> =
        sqlx::query_as("SELECT DISTINCT inserted_at, updated_at FROM pancake_orders")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        times,
        [(
            "2026-05-07T11:04:38.590469".to_owned(),
            "2026-05-07T11:05:00".to_owned()
        )]
    );
    let raw: String = sqlx::query_scalar("SELECT raw FROM pancake_orders WHERE pancake_id = 1419")
        .fetch_one(&pool)
        .await
        .unwrap();
    let raw: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["p_utm_source"], "facebook");
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn a_kept_order_is_only_replaced_by_the_same_or_a_later_version() {
    let (pool, file) = local_database().await;
    let version = |updated_at: Option<&str>, status: i64| {
        let mut raw = order_json(1418, status);
        match updated_at {
            Some(at) => raw["updated_at"] = json!(at),
            None => {
                raw.as_object_mut().unwrap().remove("updated_at");
            }
        }
        let order: PancakeOrder = serde_json::from_value(raw.clone()).unwrap();
        (order, raw)
    };
    let keep = |updated_at: Option<&'static str>, status: i64| {
        let pool = pool.clone();
        let (order, raw) = version(updated_at, status);
        async move {
            let mut conn = pool.acquire().await.unwrap();
            sync::keep_order(&mut conn, SHOP, &order, &raw)
                .await
                .unwrap()
        }
    };
    let status = || async {
        sqlx::query_scalar::<_, i64>("SELECT status FROM pancake_orders WHERE pancake_id = 1418")
            .fetch_one(&pool)
            .await
            .unwrap()
    };

    assert_eq!(keep(Some("2026-05-07T11:05:00"), 0).await, Kept::Created);
    assert_eq!(keep(Some("2026-05-07T11:05:00"), 0).await, Kept::Unchanged);
    // Later, with a fraction of a second Pancake sometimes sends.
    assert_eq!(keep(Some("2026-05-07T11:05:00.5"), 1).await, Kept::Updated);
    assert_eq!(status().await, 1);
    // An earlier delivery arriving late changes nothing, with or without Z.
    assert_eq!(keep(Some("2026-05-07T11:05:00Z"), 6).await, Kept::Stale);
    assert_eq!(
        keep(Some("2026-05-07T11:04:59.999999"), 6).await,
        Kept::Stale
    );
    assert_eq!(keep(None, 6).await, Kept::Stale);
    assert_eq!(status().await, 1);
    // The same version again is taken: Pancake changed it without a new time.
    assert_eq!(
        keep(Some("2026-05-07T11:05:00.500000"), 2).await,
        Kept::Updated
    );
    assert_eq!(status().await, 2);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pancake_orders")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    pool.close().await;
    let _ = std::fs::remove_file(file);
}

/// `pancake orders …` parsed as the app's command line does.
fn parse(words: &[&str]) -> Result<PancakeArgs, clap::Error> {
    let line: Vec<&str> = ["orders"].iter().chain(words).copied().collect();
    crate::pancake::cli::parse(&line).map(|(_, args)| args)
}

fn pancake_args(words: &[&str]) -> PancakeArgs {
    parse(words).unwrap()
}

#[tokio::test]
async fn pancake_orders_list_prints_a_table() {
    let pancake =
        Pancake::serve(|_| (StatusCode::OK, page(vec![order_json(1418, 19)], 1, 4))).await;
    let args = pancake_args(&["list", "--status", "19", "--status", "0"]);
    let printed = execute(&pancake.client(false), &Config::without_flags(), args)
        .await
        .unwrap();
    assert_eq!(
        printed,
        "ID    NUMBER  STATUS       TOTAL   CUSTOMER   UPDATED\n\
         1418  1418    19 không rõ  280000  Hoàng Anh  2026-05-07T11:05:00\n\
         page 1 of 4\n"
    );
    let received = pancake.hits();
    let statuses: Vec<(&str, &str)> = received[0]
        .query_pairs()
        .into_iter()
        .filter(|(name, _)| *name == "filter_status[]")
        .collect();
    assert_eq!(
        statuses,
        [("filter_status[]", "19"), ("filter_status[]", "0")]
    );
}

#[tokio::test]
async fn pancake_orders_status_refuses_an_undocumented_code() {
    let pancake = pancake_with_one_order(false).await;
    let args = pancake_args(&["status", "1418", "19"]);
    let error = execute(&pancake.client(true), &Config::without_flags(), args)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("19 is not a documented"),
        "{error:#}"
    );
    assert!(pancake.calls().is_empty());
}

#[test]
fn pull_days_are_read_as_utc_dates() {
    assert_eq!(super::cli::day_start("2023-11-10"), Ok(1_699_574_400));
    for bad in [
        "10/11/2023",
        "2023-11-1",
        "2023-13-01",
        "2023-11-10T00:00:00Z",
        "tomorrow",
    ] {
        assert!(super::cli::day_start(bad).is_err(), "{bad}");
    }
    assert!(parse(&["pull", "--since", "10/11/2023"]).is_err());
}
