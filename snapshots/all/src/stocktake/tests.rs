//! Stock counts against a database of their own (SQLite, or PostgreSQL when
//! `TEST_DATABASE_URL` names a server), and Pancake stocktakings against a
//! stand-in Pancake on loopback.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use super::{
    model::{CountMode, CountRequest, StartRequest, Status, Stocktake},
    pancake::{push, NewItem, NewStocktaking, StocktakingChange, StocktakingStatus},
    service,
};
use crate::{
    attribution::Attribution,
    catalog::{self, ProductRequest},
    config::{Config, SalesRules},
    db,
    inventory::{self, model::StockRequest},
    orders::{
        checkout,
        model::{ItemRequest, OrderRequest},
    },
    pagination::Pagination,
    pancake::{
        cli::{execute, PancakeArgs},
        testing::{ok, Hit, Pancake, KEY, SHOP},
        PancakeError,
    },
    AppError,
};

/// A migrated database for one test, removed when the test ends.
struct TestDb {
    pool: AnyPool,
    place: Place,
}

enum Place {
    File(std::path::PathBuf),
    Postgres { server: String, name: String },
}

impl TestDb {
    async fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!(
            "stocktake_{}_{nanos}_{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let (url, place) = match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
        {
            Some(server) => {
                sqlx::any::install_default_drivers();
                let mut conn = AnyConnection::connect(&server).await.unwrap();
                conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                let (base, _) = server.rsplit_once('/').unwrap();
                (
                    format!("{base}/{name}"),
                    Place::Postgres {
                        server: server.clone(),
                        name,
                    },
                )
            }
            None => {
                let file = std::env::temp_dir().join(format!("{name}.db"));
                (
                    format!("sqlite://{}?mode=rwc", file.display()),
                    Place::File(file),
                )
            }
        };
        let pool = db::connect(&url).await.unwrap();
        db::migrate(&pool).await.unwrap();
        Self { pool, place }
    }

    async fn number(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    /// Rows where on hand differs from the sum of the variant's movements in
    /// that warehouse: the ledger balances when there are none.
    async fn unbalanced(&self) -> i64 {
        self.number(
            "SELECT COUNT(*) FROM stock_levels s \
              WHERE s.on_hand <> COALESCE((SELECT SUM(m.quantity) FROM stock_movements m \
                                            WHERE m.variant_id = s.variant_id \
                                              AND m.warehouse_id = s.warehouse_id), 0)",
        )
        .await
    }

    async fn on_hand(&self, variant_id: i64) -> i64 {
        let mut conn = self.pool.acquire().await.unwrap();
        let warehouse = inventory::ledger::default_warehouse(&mut conn)
            .await
            .unwrap();
        inventory::ledger::on_hand(&mut conn, variant_id, warehouse)
            .await
            .unwrap()
    }

    /// The stock count's ADJUSTMENT movements as (variant, quantity).
    async fn adjustments(&self, number: &str) -> Vec<(i64, i64)> {
        sqlx::query_as(
            "SELECT variant_id, quantity FROM stock_movements \
              WHERE kind = 'ADJUSTMENT' AND reason = $1 ORDER BY variant_id",
        )
        .bind(number)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }

    /// A category, under `parent` if given.
    async fn category(&self, name: &str, parent: Option<i64>) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO categories (parent_id, name, created_at, updated_at) \
             VALUES ($1, $2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
        )
        .bind(parent)
        .bind(name)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// A product with `sku` (and barcode `8930000` + sku) and `stock` units
    /// received into the default warehouse; its variant's id.
    async fn stocked(&self, sku: &str, category_id: Option<i64>, stock: i64) -> Item {
        let request = ProductRequest {
            name: Some(format!("Hàng {sku}")),
            sku: Some(sku.into()),
            barcode: Some(format!("8930000{sku}")),
            price: Some(20_000),
            category_id,
            ..ProductRequest::default()
        };
        let product = catalog::service::create(&self.pool, request).await.unwrap();
        let item = Item {
            product_id: product.product.id,
            variant_id: product.variants[0].id,
        };
        if stock > 0 {
            let receipt = StockRequest {
                product_id: Some(item.product_id),
                quantity: Some(stock),
                ..StockRequest::default()
            };
            inventory::service::receive(&self.pool, rules(), &receipt, &by())
                .await
                .unwrap();
        }
        item
    }

    /// Sells one unit of `item` at the till.
    async fn sell(&self, item: &Item) {
        let order = OrderRequest {
            items: Some(vec![ItemRequest {
                product_id: Some(item.product_id),
                quantity: Some(1),
                ..ItemRequest::default()
            }]),
            ..OrderRequest::default()
        };
        checkout::place(&self.pool, rules(), &order, None, &by())
            .await
            .unwrap();
    }
}

/// Removes the database; its server's `WITH (FORCE)` ends the pool's
/// connections, which belong to the test's runtime and cannot be closed here.
impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.place {
            Place::File(file) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut path = file.clone().into_os_string();
                    path.push(suffix);
                    let _ = std::fs::remove_file(path);
                }
            }
            Place::Postgres { server, name } => {
                let server = server.clone();
                let statement = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(async {
                        let mut conn = AnyConnection::connect(&server).await?;
                        conn.execute(statement.as_str()).await?;
                        conn.close().await
                    })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: test database {name} was not dropped");
                }
            }
        }
    }
}

struct Item {
    product_id: i64,
    variant_id: i64,
}

fn rules() -> SalesRules {
    SalesRules::default()
}

fn by() -> Attribution {
    Attribution::named("lan@shop.vn")
}

fn manager() -> Attribution {
    Attribution::named("minh@shop.vn")
}

async fn start(pool: &AnyPool, category_id: Option<i64>) -> Stocktake {
    let request = StartRequest {
        category_id,
        note: Some("Kiểm cuối ngày".into()),
        ..StartRequest::default()
    };
    service::start(pool, &request, &by()).await.unwrap()
}

fn scan(code: &str) -> CountRequest {
    CountRequest {
        code: Some(code.into()),
        ..CountRequest::default()
    }
}

fn set(code: &str, quantity: i64) -> CountRequest {
    CountRequest {
        code: Some(code.into()),
        quantity: Some(quantity),
        mode: Some(CountMode::Set),
        ..CountRequest::default()
    }
}

async fn count(pool: &AnyPool, id: i64, request: CountRequest) -> Result<i64, AppError> {
    service::count(pool, id, &request, &by())
        .await
        .map(|line| line.counted)
}

/// The message of a refusal naming one field, with the field.
fn refusal(err: AppError) -> (String, String) {
    match err {
        AppError::Validation { details, .. } => {
            (details[0].field.clone(), details[0].problem.to_string())
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_applied_count_posts_each_variance_and_the_ledger_balances() {
    let db = TestDb::new().await;
    let coffee = db.stocked("CF-1", None, 10).await;
    let tea = db.stocked("TRA-1", None, 5).await;
    let sugar = db.stocked("DUONG-1", None, 3).await;
    let milk = db.stocked("SUA-1", None, 4).await;

    let stocktake = start(&db.pool, None).await;
    assert_eq!(stocktake.status, Status::Counting);
    assert_eq!(stocktake.number, format!("KK{:06}", stocktake.id));
    assert_eq!(stocktake.started_by.as_deref(), Some("lan@shop.vn"));
    let id = stocktake.id;
    // Scanned twice, then recounted by hand.
    assert_eq!(count(&db.pool, id, scan("CF-1")).await.unwrap(), 1);
    assert_eq!(count(&db.pool, id, scan("8930000CF-1")).await.unwrap(), 2);
    assert_eq!(count(&db.pool, id, set("CF-1", 8)).await.unwrap(), 8);
    let by_id = CountRequest {
        variant_id: Some(tea.variant_id),
        quantity: Some(7),
        mode: Some(CountMode::Set),
        ..CountRequest::default()
    };
    assert_eq!(count(&db.pool, id, by_id).await.unwrap(), 7);
    assert_eq!(count(&db.pool, id, set("SUA-1", 4)).await.unwrap(), 4);

    let submitted = service::submit(&db.pool, id, &by()).await.unwrap();
    assert_eq!(submitted.status, Status::Submitted);
    assert_eq!(submitted.counted_items, 3);
    assert_eq!(submitted.variance, 0);
    let uncounted: Vec<_> = submitted.uncounted.iter().map(|u| &u.sku).collect();
    assert_eq!(uncounted, ["DUONG-1"]);
    assert_eq!(submitted.uncounted[0].on_hand, 3);

    let applied = service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap();
    assert_eq!(applied.status, Status::Applied);
    assert_eq!(applied.applied_by.as_deref(), Some("minh@shop.vn"));
    assert_eq!(
        db.adjustments(&applied.number).await,
        [(coffee.variant_id, -2), (tea.variant_id, 2)]
    );
    let moved: Vec<_> = applied
        .lines
        .iter()
        .map(|line| (line.sku.as_str(), line.variance, line.movement_id.is_some()))
        .collect();
    assert_eq!(
        moved,
        [("CF-1", -2, true), ("SUA-1", 0, false), ("TRA-1", 2, true)]
    );
    assert_eq!(db.on_hand(coffee.variant_id).await, 8);
    assert_eq!(db.on_hand(tea.variant_id).await, 7);
    assert_eq!(db.on_hand(milk.variant_id).await, 4);
    // Not counted, so left as it was.
    assert_eq!(db.on_hand(sugar.variant_id).await, 3);
    assert_eq!(db.unbalanced().await, 0);
    let actors = db
        .number("SELECT COUNT(*) FROM stock_movements WHERE actor = 'minh@shop.vn'")
        .await;
    assert_eq!(actors, 2);
}

#[tokio::test]
async fn a_sale_during_the_count_is_not_taken_off_twice() {
    let db = TestDb::new().await;
    let coffee = db.stocked("CF-1", None, 10).await;
    let tea = db.stocked("TRA-1", None, 5).await;
    let id = start(&db.pool, None).await.id;

    // Counted as the books say, then one is sold before the manager approves.
    count(&db.pool, id, set("CF-1", 10)).await.unwrap();
    // One is missing from the shelf; then one more is sold.
    count(&db.pool, id, set("TRA-1", 4)).await.unwrap();
    db.sell(&coffee).await;
    db.sell(&tea).await;
    assert_eq!(db.on_hand(coffee.variant_id).await, 9);
    assert_eq!(db.on_hand(tea.variant_id).await, 4);

    service::submit(&db.pool, id, &by()).await.unwrap();
    let applied = service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap();
    // Only the missing unit is adjusted; each sale stays taken off once.
    assert_eq!(
        db.adjustments(&applied.number).await,
        [(tea.variant_id, -1)]
    );
    assert_eq!(db.on_hand(coffee.variant_id).await, 9);
    assert_eq!(db.on_hand(tea.variant_id).await, 3);
    assert_eq!(db.unbalanced().await, 0);

    // A count entered after a sale compares with on hand after it.
    let id = start(&db.pool, None).await.id;
    count(&db.pool, id, scan("CF-1")).await.unwrap();
    db.sell(&coffee).await;
    count(&db.pool, id, set("CF-1", 8)).await.unwrap();
    let line = service::get(&db.pool, id).await.unwrap().lines.remove(0);
    assert_eq!((line.expected, line.counted, line.variance), (8, 8, 0));
}

#[tokio::test]
async fn a_count_is_applied_once() {
    let db = TestDb::new().await;
    let coffee = db.stocked("CF-1", None, 10).await;
    let id = start(&db.pool, None).await.id;
    count(&db.pool, id, set("CF-1", 6)).await.unwrap();
    service::submit(&db.pool, id, &by()).await.unwrap();

    // Two managers approve at the same moment.
    let (minh, lan) = (manager(), by());
    let (first, second) = tokio::join!(
        service::apply(&db.pool, rules(), id, &minh),
        service::apply(&db.pool, rules(), id, &lan),
    );
    let refused = match (first, second) {
        (Ok(_), Err(err)) | (Err(err), Ok(_)) => err,
        other => panic!("expected one success and one refusal, got {other:?}"),
    };
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.to_string().contains("APPLIED"), "{refused}");

    let again = service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap_err();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let number = super::model::number(id);
    assert_eq!(db.adjustments(&number).await, [(coffee.variant_id, -4)]);
    assert_eq!(db.on_hand(coffee.variant_id).await, 6);
    assert_eq!(db.unbalanced().await, 0);
}

#[tokio::test]
async fn only_a_submitted_count_is_applied_and_a_final_one_changes_no_more() {
    let db = TestDb::new().await;
    let coffee = db.stocked("CF-1", None, 10).await;
    let id = start(&db.pool, None).await.id;

    let nothing = service::submit(&db.pool, id, &by()).await.unwrap_err();
    assert_eq!(nothing.status(), StatusCode::CONFLICT);
    count(&db.pool, id, set("CF-1", 3)).await.unwrap();
    let counting = service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap_err();
    assert_eq!(counting.status(), StatusCode::CONFLICT);
    assert!(counting.to_string().contains("COUNTING"), "{counting}");

    service::submit(&db.pool, id, &by()).await.unwrap();
    let late = count(&db.pool, id, scan("CF-1")).await.unwrap_err();
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let cancelled = service::cancel(&db.pool, id, &manager()).await.unwrap();
    assert_eq!(cancelled.status, Status::Cancelled);
    assert_eq!(cancelled.cancelled_by.as_deref(), Some("minh@shop.vn"));

    let refused = service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap_err();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.to_string().contains("CANCELLED"), "{refused}");
    let again = service::cancel(&db.pool, id, &manager()).await.unwrap_err();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let missing = service::apply(&db.pool, rules(), id + 100, &manager())
        .await
        .unwrap_err();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(db.on_hand(coffee.variant_id).await, 10);
    assert_eq!(
        db.number("SELECT COUNT(*) FROM stock_movements WHERE kind = 'ADJUSTMENT'")
            .await,
        0
    );
}

#[tokio::test]
async fn scans_add_and_hand_entry_sets() {
    let db = TestDb::new().await;
    db.stocked("CF-1", None, 10).await;
    let id = start(&db.pool, None).await.id;

    assert_eq!(count(&db.pool, id, scan("8930000CF-1")).await.unwrap(), 1);
    assert_eq!(count(&db.pool, id, scan(" 8930000CF-1 ")).await.unwrap(), 2);
    let three = CountRequest {
        quantity: Some(3),
        ..scan("CF-1")
    };
    assert_eq!(count(&db.pool, id, three).await.unwrap(), 5);
    assert_eq!(count(&db.pool, id, set("CF-1", 12)).await.unwrap(), 12);
    // A mistaken scan is taken back with a negative quantity.
    let undo = CountRequest {
        quantity: Some(-1),
        ..scan("CF-1")
    };
    assert_eq!(count(&db.pool, id, undo).await.unwrap(), 11);
    let too_many = CountRequest {
        quantity: Some(-20),
        ..scan("CF-1")
    };
    let (field, message) = refusal(count(&db.pool, id, too_many).await.unwrap_err());
    assert_eq!(field, "quantity");
    assert!(message.contains("CF-1 would be counted as -9"), "{message}");
    let (field, _) = refusal(count(&db.pool, id, set("CF-1", -1)).await.unwrap_err());
    assert_eq!(field, "quantity");
    assert_eq!(count(&db.pool, id, set("CF-1", 0)).await.unwrap(), 0);

    let stocktake = service::get(&db.pool, id).await.unwrap();
    assert_eq!(stocktake.counted_items, 1);
    assert_eq!(stocktake.variance, -10);
    assert_eq!(
        stocktake.lines[0].counted_by.as_deref(),
        Some("lan@shop.vn")
    );
}

#[tokio::test]
async fn unknown_codes_and_items_of_other_categories_are_refused() {
    let db = TestDb::new().await;
    let drinks = db.category("Đồ uống", None).await;
    let coffee_beans = db.category("Cà phê", Some(drinks)).await;
    let snacks = db.category("Bánh kẹo", None).await;
    db.stocked("CF-1", Some(coffee_beans), 10).await;
    db.stocked("TRA-1", Some(drinks), 5).await;
    let cookie = db.stocked("BK-1", Some(snacks), 8).await;
    db.stocked("NUOC-1", None, 2).await;

    let stocktake = start(&db.pool, Some(drinks)).await;
    assert_eq!(stocktake.category_name.as_deref(), Some("Đồ uống"));
    let id = stocktake.id;
    // A product of a category under the one counted is in scope.
    count(&db.pool, id, scan("CF-1")).await.unwrap();

    let (field, message) = refusal(count(&db.pool, id, scan("BK-1")).await.unwrap_err());
    assert_eq!(field, "code");
    assert_eq!(
        message,
        "BK-1 is not in category Đồ uống, which this count covers"
    );
    let by_id = CountRequest {
        variant_id: Some(cookie.variant_id),
        quantity: Some(1),
        ..CountRequest::default()
    };
    let (field, _) = refusal(count(&db.pool, id, by_id).await.unwrap_err());
    assert_eq!(field, "variantId");
    let (field, message) = refusal(
        count(&db.pool, id, scan("8931234567890"))
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "code");
    assert_eq!(message, "no product has the SKU or barcode 8931234567890");
    let (field, _) = refusal(count(&db.pool, id, scan("  ")).await.unwrap_err());
    assert_eq!(field, "code");

    let stocktake = service::get(&db.pool, id).await.unwrap();
    let uncounted: Vec<_> = stocktake.uncounted.iter().map(|u| &u.sku).collect();
    assert_eq!(uncounted, ["TRA-1"]);
    assert_eq!(stocktake.counted_items, 1);
}

#[tokio::test]
async fn a_whole_warehouse_count_shows_the_first_uncounted_items_and_how_many() {
    let db = TestDb::new().await;
    for n in 1..=53 {
        db.stocked(&format!("SP-{n:02}"), None, 1).await;
    }
    let id = start(&db.pool, None).await.id;
    count(&db.pool, id, scan("SP-01")).await.unwrap();

    let stocktake = service::get(&db.pool, id).await.unwrap();
    assert_eq!(stocktake.uncounted_items, 52);
    assert_eq!(stocktake.uncounted.len(), 50);
    assert_eq!(stocktake.uncounted[0].sku, "SP-02");
}

#[tokio::test]
async fn a_warehouse_has_one_open_count_at_a_time() {
    let db = TestDb::new().await;
    let first = start(&db.pool, None).await;
    let request = StartRequest::default();
    let refused = service::start(&db.pool, &request, &by()).await.unwrap_err();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.to_string().contains(&first.number), "{refused}");
    let unknown = StartRequest {
        category_id: Some(999),
        ..StartRequest::default()
    };
    let (field, _) = refusal(service::start(&db.pool, &unknown, &by()).await.unwrap_err());
    assert_eq!(field, "categoryId");
    let nowhere = StartRequest {
        warehouse_id: Some(999),
        ..StartRequest::default()
    };
    let (field, _) = refusal(service::start(&db.pool, &nowhere, &by()).await.unwrap_err());
    assert_eq!(field, "warehouseId");

    service::cancel(&db.pool, first.id, &by()).await.unwrap();
    let second = service::start(&db.pool, &request, &by()).await.unwrap();
    let (listed, meta) = service::list(
        &db.pool,
        Some(Status::Counting),
        Pagination::new(None, None).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(meta.total, 1);
    assert_eq!(listed[0].id, second.id);
}

#[tokio::test]
async fn a_shortfall_that_would_go_below_zero_applies_nothing() {
    let db = TestDb::new().await;
    let coffee = db.stocked("CF-1", None, 3).await;
    let tea = db.stocked("TRA-1", None, 2).await;
    let id = start(&db.pool, None).await.id;
    count(&db.pool, id, set("CF-1", 5)).await.unwrap();
    count(&db.pool, id, set("TRA-1", 0)).await.unwrap();
    // Both units of tea sell after the count said there were none.
    db.sell(&tea).await;
    db.sell(&tea).await;
    service::submit(&db.pool, id, &by()).await.unwrap();

    let err = service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap_err();
    let AppError::InsufficientStock { shortages, .. } = err else {
        panic!("expected a shortage, got {err:?}");
    };
    assert_eq!(shortages[0].sku, "TRA-1");
    assert_eq!((shortages[0].requested, shortages[0].available), (2, 0));
    // Nothing moved, and the count waits for a recount or a cancel.
    assert_eq!(db.on_hand(coffee.variant_id).await, 3);
    let stocktake = service::get(&db.pool, id).await.unwrap();
    assert_eq!(stocktake.status, Status::Submitted);
    assert_eq!(db.unbalanced().await, 0);
}

/// Stocktakings as Pancake keeps them: `stored` answers GETs and takes
/// POSTs and PUTs (unless `ignore_puts`).
async fn pancake_with(stored: Vec<Value>, ignore_puts: bool) -> Pancake {
    let stored = Arc::new(Mutex::new(stored));
    Pancake::serve(move |hit: &Hit| {
        let mut all = stored.lock().unwrap();
        let id = hit.path.strip_prefix("/shops/4/stocktakings/");
        match (&hit.method, id) {
            (&Method::GET, _) if hit.path.ends_with("/products/variations") => ok(json!({
                "success": true,
                "data": variations(),
                "page_number": 1,
                "total_pages": 1,
            })),
            (&Method::GET, Some(id)) => match all.iter().find(|s| s["id"] == id) {
                Some(found) => ok(json!({"success": true, "data": found})),
                None => (StatusCode::BAD_REQUEST, json!({"success": false})),
            },
            (&Method::GET, None) => ok(json!({
                "success": true,
                "data": *all,
                "page_number": 1,
                "page_size": 30,
                "total_entries": all.len(),
                "total_pages": 1,
            })),
            (&Method::POST, _) => {
                let mut created = hit.body["stocktaking"].clone();
                created["id"] = json!("0d6f7c1e-2b4a-4f9e-9a51-7c3e2d1b0a99");
                all.insert(0, created);
                ok(json!({"success": true}))
            }
            (&Method::PUT, Some(id)) if !ignore_puts => {
                if let Some(found) = all.iter_mut().find(|s| s["id"] == id) {
                    for (field, value) in hit.body["stocktaking"].as_object().unwrap() {
                        found[field] = value.clone();
                    }
                }
                ok(json!({"success": true}))
            }
            _ => ok(json!({"success": true})),
        }
    })
    .await
}

const COUNTED: &str = "4d0f479d-feab-489b-bc82-4a656902a20b";
const WAREHOUSE: &str = "c52e67ad-d9d0-4276-abe4-e0c9f1f7d2da";
const COFFEE: &str = "27b3f94b-c945-4560-b694-a59526cae9a5";
const TEA: &str = "20e7d183-c70c-445e-8ce2-4d7e3a378e34";

/// The spec's example stocktaking: an integer display id that is null,
/// category ids as strings, an item with its variation.
fn example() -> Value {
    json!({
        "id": COUNTED, "display_id": null, "status": 0, "warehouse_id": WAREHOUSE,
        "stocktaking_by": "category_ids", "stocktaking_by_value": ["1315", 1316],
        "stocktaking_at": "2023-10-11T08:24:56Z", "progress": 0, "note": "Kiểm hàng tồn",
        "items": [{"id": "cb244b25-100e-4eaa-8b8f-0e72c5642631", "variation_id": COFFEE,
                   "changed_quantity": 12, "current_quantity": 0, "note": null,
                   "variation": {"id": COFFEE, "display_id": "1", "retail_price": 240000}}],
        "shop_id": 20, "creator_id": "cee3c05e-5f85-43c4-b27e-889b99c50097",
        "inserted_at": "2023-10-11T08:25:18Z", "updated_at": "2023-10-11T09:03:03Z",
    })
}

/// Pancake's variations: the SKU is `custom_id`; `SHARED` is on two.
fn variations() -> Value {
    json!([
        {"id": COFFEE, "custom_id": "CF-1", "barcode": "8930000CF-1"},
        {"id": TEA, "custom_id": "TRA-1"},
        {"id": "1b2c3d4e-0000-4000-8000-000000000001", "custom_id": null},
        {"id": "1b2c3d4e-0000-4000-8000-000000000002", "custom_id": "SHARED"},
        {"id": "1b2c3d4e-0000-4000-8000-000000000003", "custom_id": "SHARED"},
    ])
}

#[tokio::test]
async fn stocktakings_are_listed_a_page_at_a_time() {
    let pancake = pancake_with(vec![example()], false).await;
    let client = pancake.client(false);
    let page = client
        .stocktakings(StocktakingStatus::All, 1)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    let listed = &page.data[0];
    assert_eq!(listed.id, COUNTED);
    assert_eq!(listed.display_id, None);
    assert_eq!(listed.status, Some(0));
    assert_eq!(listed.stocktaking_by_value, ["1315", "1316"]);
    assert_eq!(listed.items[0].changed_quantity, Some(12));
    assert_eq!(listed.items[0].variation_id.as_deref(), Some(COFFEE));
    assert_eq!(listed.extra["shop_id"], 20);
    client
        .stocktakings(StocktakingStatus::Done, 2)
        .await
        .unwrap();
    let hits = pancake.hits();
    assert_eq!(pancake.calls(), ["GET /shops/4/stocktakings"; 2]);
    assert_eq!(
        hits[0].query_pairs(),
        [
            ("api_key", KEY),
            ("status", "-2"),
            ("page", "1"),
            ("page_size", "30")
        ]
    );
    assert_eq!(
        hits[1].query_pairs(),
        [
            ("api_key", KEY),
            ("status", "1"),
            ("page", "2"),
            ("page_size", "30")
        ]
    );
}

#[tokio::test]
async fn one_stocktaking_is_read_from_its_envelope() {
    let pancake = pancake_with(vec![example()], false).await;
    let found = pancake.client(false).stocktaking(COUNTED).await.unwrap();
    assert_eq!(found.note.as_deref(), Some("Kiểm hàng tồn"));
    assert_eq!(found.items.len(), 1);
    assert_eq!(
        pancake.calls(),
        [format!("GET /shops/{SHOP}/stocktakings/{COUNTED}")]
    );
    assert_eq!(pancake.hits()[0].query_pairs(), [("api_key", KEY)]);
}

fn new_stocktaking() -> NewStocktaking {
    NewStocktaking {
        warehouse_id: WAREHOUSE.into(),
        items: vec![NewItem {
            variation_id: TEA.into(),
            changed_quantity: -1,
        }],
        status: 0,
        note: Some("Kiểm hàng tồn".into()),
        stocktaking_at: None,
    }
}

#[tokio::test]
async fn writes_are_refused_without_confirmation() {
    let pancake = pancake_with(vec![example()], false).await;
    let client = pancake.client(false);
    let created = client.create_stocktaking(&new_stocktaking()).await;
    assert!(
        matches!(created, Err(PancakeError::WriteNotConfirmed)),
        "{created:?}"
    );
    let change = StocktakingChange {
        status: Some(1),
        ..StocktakingChange::default()
    };
    let updated = client.update_stocktaking(COUNTED, &change).await;
    assert!(
        matches!(updated, Err(PancakeError::WriteNotConfirmed)),
        "{updated:?}"
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));
}

#[tokio::test]
async fn a_create_sends_the_stocktaking_as_the_spec_has_it() {
    let pancake = pancake_with(Vec::new(), false).await;
    pancake
        .client(true)
        .create_stocktaking(&new_stocktaking())
        .await
        .unwrap();
    assert_eq!(pancake.calls(), ["POST /shops/4/stocktakings"]);
    let hit = &pancake.hits()[0];
    assert_eq!(hit.query_pairs(), [("api_key", KEY)]);
    assert_eq!(
        hit.body,
        json!({"stocktaking": {
            "warehouse_id": WAREHOUSE,
            "items": [{"variation_id": TEA, "changed_quantity": -1}],
            "status": 0,
            "note": "Kiểm hàng tồn",
        }})
    );
}

#[tokio::test]
async fn an_update_is_read_before_and_after_and_must_take() {
    let pancake = pancake_with(vec![example()], false).await;
    let change = StocktakingChange {
        items: vec![(COFFEE.into(), 10), (TEA.into(), -2)],
        status: Some(1),
        note: Some("Đã kiểm".into()),
    };
    let updated = pancake
        .client(true)
        .update_stocktaking(COUNTED, &change)
        .await
        .unwrap();
    assert_eq!(updated.status, Some(1));
    let one = format!("/shops/4/stocktakings/{COUNTED}");
    assert_eq!(
        pancake.calls(),
        [
            format!("GET {one}"),
            format!("GET {one}"),
            format!("PUT {one}"),
            format!("GET {one}"),
        ]
    );
    // The existing item keeps its id; the new one has none yet.
    assert_eq!(
        pancake.hits()[2].body,
        json!({"stocktaking": {
            "items": [
                {"id": "cb244b25-100e-4eaa-8b8f-0e72c5642631", "variation_id": COFFEE,
                 "changed_quantity": 10},
                {"variation_id": TEA, "changed_quantity": -2},
            ],
            "status": 1,
            "note": "Đã kiểm",
        }})
    );

    // A change Pancake drops silently is reported.
    let pancake = pancake_with(vec![example()], true).await;
    let err = pancake
        .client(true)
        .update_stocktaking(COUNTED, &change)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PancakeError::NotVerified { reason } if reason.contains("status")),
        "{err:?}"
    );
}

/// An applied count of the default warehouse: CF-1 one short, TRA-1 two
/// over, SUA-1 as the books say.
async fn applied_count(db: &TestDb) -> i64 {
    db.stocked("CF-1", None, 10).await;
    db.stocked("TRA-1", None, 5).await;
    db.stocked("SUA-1", None, 4).await;
    let id = start(&db.pool, None).await.id;
    count(&db.pool, id, set("CF-1", 9)).await.unwrap();
    count(&db.pool, id, set("TRA-1", 7)).await.unwrap();
    count(&db.pool, id, set("SUA-1", 4)).await.unwrap();
    service::submit(&db.pool, id, &by()).await.unwrap();
    service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn a_push_is_planned_first_and_sent_once() {
    let db = TestDb::new().await;
    let id = applied_count(&db).await;
    let submitted_at = service::get(&db.pool, id).await.unwrap().submitted_at;
    let pancake = pancake_with(Vec::new(), false).await;
    let client = pancake.client(true);
    let warehouse = Some(WAREHOUSE.to_owned());
    let status = StocktakingStatus::Counting;

    // The dry run reads the variations and writes nothing anywhere.
    let planned = push(&client, &db.pool, id, warehouse.clone(), status, false)
        .await
        .unwrap();
    assert_eq!(planned.sent_as, None);
    assert_eq!(pancake.calls(), ["GET /shops/4/products/variations"]);
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [("api_key", KEY), ("page_number", "1"), ("page_size", "100")]
    );
    let stocktake = service::get(&db.pool, id).await.unwrap();
    assert_eq!(stocktake.pancake_stocktaking_id, None);

    let sent = push(&client, &db.pool, id, warehouse.clone(), status, true)
        .await
        .unwrap();
    let created = "0d6f7c1e-2b4a-4f9e-9a51-7c3e2d1b0a99";
    assert_eq!(sent.sent_as.as_deref(), Some(created));
    assert_eq!(
        pancake.calls()[1..],
        [
            "GET /shops/4/products/variations",
            "GET /shops/4/stocktakings",
            "POST /shops/4/stocktakings",
            "GET /shops/4/stocktakings",
        ]
    );
    // The search reads every status, so a cancelled one is found too.
    assert_eq!(pancake.hits()[2].param("status"), Some("-2"));
    let number = super::model::number(id);
    assert_eq!(
        pancake.hits()[3].body,
        json!({"stocktaking": {
            "warehouse_id": WAREHOUSE,
            "items": [
                {"variation_id": COFFEE, "changed_quantity": -1},
                {"variation_id": TEA, "changed_quantity": 2},
            ],
            "status": 0,
            "note": format!("{number} · Kiểm cuối ngày"),
            "stocktaking_at": submitted_at,
        }})
    );
    let stocktake = service::get(&db.pool, id).await.unwrap();
    assert_eq!(stocktake.pancake_stocktaking_id.as_deref(), Some(created));

    // Sent once: a second push is refused before any request.
    let again = push(&client, &db.pool, id, warehouse, status, true)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("already sent"), "{again:#}");
    assert_eq!(pancake.calls().len(), 5);
}

#[tokio::test]
async fn a_push_finds_a_stocktaking_sent_before_instead_of_sending_it_again() {
    let db = TestDb::new().await;
    let id = applied_count(&db).await;
    let mut earlier = example();
    earlier["note"] = json!(format!("{} · Kiểm cuối ngày", super::model::number(id)));
    let pancake = pancake_with(vec![earlier], false).await;
    let sent = push(
        &pancake.client(true),
        &db.pool,
        id,
        Some(WAREHOUSE.into()),
        StocktakingStatus::Counting,
        true,
    )
    .await
    .unwrap();
    assert_eq!(sent.sent_as.as_deref(), Some(COUNTED));
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));
}

#[tokio::test]
async fn a_push_needs_an_applied_count_and_every_sku_in_pancake() {
    let db = TestDb::new().await;
    db.stocked("SHARED", None, 3).await;
    db.stocked("ONLY-HERE", None, 3).await;
    let pancake = pancake_with(Vec::new(), false).await;
    let client = pancake.client(true);
    let warehouse = Some(WAREHOUSE.to_owned());
    let status = StocktakingStatus::Counting;
    let id = start(&db.pool, None).await.id;
    count(&db.pool, id, set("SHARED", 1)).await.unwrap();

    let counting = push(&client, &db.pool, id, warehouse.clone(), status, true)
        .await
        .unwrap_err();
    assert!(counting.to_string().contains("COUNTING"), "{counting:#}");
    service::submit(&db.pool, id, &by()).await.unwrap();
    service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap();
    let shared = push(&client, &db.pool, id, warehouse.clone(), status, true)
        .await
        .unwrap_err();
    assert_eq!(
        shared.to_string(),
        "more than one Pancake variation has SKU SHARED"
    );

    let id = start(&db.pool, None).await.id;
    count(&db.pool, id, set("ONLY-HERE", 1)).await.unwrap();
    service::submit(&db.pool, id, &by()).await.unwrap();
    service::apply(&db.pool, rules(), id, &manager())
        .await
        .unwrap();
    let missing = push(&client, &db.pool, id, warehouse, status, true)
        .await
        .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "Pancake has no variation with SKU ONLY-HERE"
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));
}

/// `pancake stocktakings …` parsed as the app's command line does.
fn parse(words: &[&str]) -> Result<PancakeArgs, clap::Error> {
    let line: Vec<&str> = ["stocktakings"].iter().chain(words).copied().collect();
    crate::pancake::cli::parse(&line).map(|(_, args)| args)
}

fn pancake_args(words: &[&str]) -> PancakeArgs {
    parse(words).unwrap()
}

#[tokio::test]
async fn the_cli_creates_items_as_typed_and_refuses_like_the_other_commands() {
    let pancake = pancake_with(Vec::new(), false).await;
    let words = [
        "create",
        "--warehouse",
        WAREHOUSE,
        "--item",
        &format!("{TEA}=-1"),
        "--note",
        "Kiểm hàng tồn",
    ];
    let error = execute(
        &pancake.client(false),
        &Config::without_flags(),
        pancake_args(&words),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error.downcast_ref(), Some(PancakeError::WriteNotConfirmed)),
        "{error:#}"
    );
    let printed = execute(
        &pancake.client(true),
        &Config::without_flags(),
        pancake_args(&words),
    )
    .await
    .unwrap();
    assert_eq!(
        printed,
        format!("created a stocktaking of 1 items in warehouse {WAREHOUSE}\n")
    );
    assert_eq!(
        pancake.hits()[0].body,
        json!({"stocktaking": new_stocktaking()})
    );
    let error = execute(
        &pancake.client(true),
        &Config::without_flags(),
        pancake_args(&["update", COUNTED]),
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("nothing to change"), "{error:#}");
    let bad = parse(&["create", "--warehouse", "w", "--item", "x=1.5"]);
    assert!(bad.is_err());
}

#[tokio::test]
async fn a_closed_warehouse_is_not_counted_and_transfers_and_counts_balance() {
    use crate::warehouses::{
        model::{TransferLineRequest, TransferRequest, WarehouseRequest},
        service as warehouses, transfers,
    };

    let db = TestDb::new().await;
    let coffee = db.stocked("CF-1", None, 10).await;
    let store = WarehouseRequest {
        code: Some("KHO-2".into()),
        name: Some("Kho 2".into()),
        ..WarehouseRequest::default()
    };
    let store = warehouses::create(&db.pool, &store).await.unwrap();
    let moved = TransferRequest {
        from_warehouse_id: Some(1),
        to_warehouse_id: Some(store.id),
        note: None,
        lines: Some(vec![TransferLineRequest {
            code: Some("CF-1".into()),
            quantity: Some(4),
            ..TransferLineRequest::default()
        }]),
    };
    transfers::create(&db.pool, &moved, &by()).await.unwrap();

    let request = StartRequest {
        warehouse_id: Some(store.id),
        ..StartRequest::default()
    };
    let id = service::start(&db.pool, &request, &by()).await.unwrap().id;
    // The default warehouse is counted at the same time, on its own.
    let main = start(&db.pool, None).await.id;
    count(&db.pool, id, set("CF-1", 3)).await.unwrap();
    count(&db.pool, main, set("CF-1", 6)).await.unwrap();
    let line = service::get(&db.pool, id).await.unwrap().lines.remove(0);
    assert_eq!((line.expected, line.variance), (4, -1));
    for id in [id, main] {
        service::submit(&db.pool, id, &by()).await.unwrap();
        service::apply(&db.pool, rules(), id, &manager())
            .await
            .unwrap();
    }
    assert_eq!(db.on_hand(coffee.variant_id).await, 6);
    let there = db
        .number(&format!(
            "SELECT on_hand FROM stock_levels WHERE warehouse_id = {}",
            store.id
        ))
        .await;
    assert_eq!(there, 3);
    assert_eq!(db.unbalanced().await, 0);

    // An empty warehouse is closed; it can no longer be counted.
    let empty = WarehouseRequest {
        code: Some("KHO-3".into()),
        name: Some("Kho 3".into()),
        ..WarehouseRequest::default()
    };
    let empty = warehouses::create(&db.pool, &empty).await.unwrap();
    let closed = WarehouseRequest {
        code: Some("KHO-3".into()),
        name: Some("Kho 3".into()),
        active: Some(false),
        ..WarehouseRequest::default()
    };
    warehouses::update(&db.pool, empty.id, &closed)
        .await
        .unwrap();
    let request = StartRequest {
        warehouse_id: Some(empty.id),
        ..StartRequest::default()
    };
    let (field, message) = refusal(service::start(&db.pool, &request, &by()).await.unwrap_err());
    assert_eq!(field, "warehouseId");
    assert_eq!(message, "warehouse KHO-3 is closed");
}
