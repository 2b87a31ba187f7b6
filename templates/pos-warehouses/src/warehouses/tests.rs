//! Pancake warehouses against a stand-in Pancake on loopback: the exact
//! requests, the write guardrails, the verified update, and the link to the
//! app's warehouses in a database of its own.

use std::sync::{Arc, Mutex};

use axum::http::Method;
use serde_json::{json, Value};
use sqlx::AnyPool;

use super::{
    model::WarehouseRequest,
    pancake::{link, WarehouseChange},
    service,
};
use crate::{
    config::Config,
    db,
    pancake::{
        cli::{execute, PancakeArgs},
        testing::{ok, Hit, Pancake, KEY, SHOP},
        PancakeError,
    },
};

const STORE: &str = "b4cb5897-6e56-4581-96cc-2f12677c7bd8";
const DEPOT: &str = "644b0063-e9a8-43cd-ba08-66a8066d462e";

/// Two warehouses as the live API lists them: `country_code` a number in
/// one and a string in the other, fields these types do not name.
fn listed() -> Vec<Value> {
    vec![
        json!({"id": STORE, "name": "kho test ecod", "address": "hâhhha",
               "full_address": "hâhhha, Xã Bình Trung", "phone_number": "0999999999",
               "province_id": "717", "district_id": "71705", "commune_id": "7170510",
               "country_code": 84, "shop_id": SHOP, "allow_create_order": true,
               "custom_id": null, "shelf_config": {"col": "A"}}),
        json!({"id": DEPOT, "name": "kho 2", "address": "19/349 Minh Khai",
               "phone_number": "01655809949", "province_id": 101, "country_code": "84",
               "shop_id": SHOP, "allow_create_order": false}),
    ]
}

/// A Pancake whose warehouse list is `warehouses`; a PUT replaces the one it
/// names unless `ignore_puts`, and a POST adds one.
async fn pancake_with(warehouses: Vec<Value>, ignore_puts: bool, wrapped: bool) -> Pancake {
    let stored = Arc::new(Mutex::new(warehouses));
    Pancake::serve(move |hit: &Hit| {
        let mut all = stored.lock().unwrap();
        match hit.method {
            Method::PUT if !ignore_puts => {
                let id = hit.path.rsplit('/').next().unwrap();
                if let Some(warehouse) = all.iter_mut().find(|w| w["id"] == id) {
                    *warehouse = hit.body.clone();
                }
                ok(hit.body.clone())
            }
            Method::PUT => ok(hit.body.clone()),
            Method::POST => {
                let mut created = hit.body.clone();
                created["id"] = json!("0e9b7d1c-3f1a-4c55-9d7e-2b8f6a4c1e00");
                all.push(created.clone());
                ok(created)
            }
            _ if wrapped => ok(json!({"success": true, "data": *all})),
            _ => ok(json!({"data": *all})),
        }
    })
    .await
}

#[tokio::test]
async fn warehouses_are_listed_in_both_shapes() {
    for wrapped in [true, false] {
        let pancake = pancake_with(listed(), false, wrapped).await;
        let warehouses = pancake.client(false).warehouses().await.unwrap();
        assert_eq!(warehouses.len(), 2);
        assert_eq!(warehouses[0].id, STORE);
        assert_eq!(warehouses[0].country_code.as_deref(), Some("84"));
        assert_eq!(warehouses[1].province_id.as_deref(), Some("101"));
        assert_eq!(warehouses[0].extra["allow_create_order"], true);
        assert_eq!(pancake.calls(), ["GET /shops/4/warehouses"]);
        assert_eq!(pancake.hits()[0].query_pairs(), [("api_key", KEY)]);
    }
}

#[tokio::test]
async fn writes_are_refused_without_confirmation() {
    let pancake = pancake_with(listed(), false, true).await;
    let client = pancake.client(false);
    let change = WarehouseChange {
        name: Some("Kho mới".into()),
        ..WarehouseChange::default()
    };
    let created = client.create_warehouse(&change).await;
    assert!(
        matches!(created, Err(PancakeError::WriteNotConfirmed)),
        "{created:?}"
    );
    let updated = client.update_warehouse(STORE, &change).await;
    assert!(
        matches!(updated, Err(PancakeError::WriteNotConfirmed)),
        "{updated:?}"
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));
}

#[tokio::test]
async fn a_created_warehouse_is_found_in_the_list() {
    let pancake = pancake_with(listed(), false, true).await;
    let change = WarehouseChange {
        name: Some("Kho Thủ Đức".into()),
        address: Some("1 Võ Văn Ngân".into()),
        ..WarehouseChange::default()
    };
    let created = pancake
        .client(true)
        .create_warehouse(&change)
        .await
        .unwrap();
    assert_eq!(created.id, "0e9b7d1c-3f1a-4c55-9d7e-2b8f6a4c1e00");
    assert_eq!(
        pancake.calls(),
        ["POST /shops/4/warehouses", "GET /shops/4/warehouses"]
    );
    assert_eq!(
        pancake.hits()[0].body,
        json!({"name": "Kho Thủ Đức", "address": "1 Võ Văn Ngân", "shelf_config": {}})
    );
    assert_eq!(pancake.hits()[0].param("api_key"), Some(KEY));
}

#[tokio::test]
async fn an_update_sends_the_whole_warehouse_and_checks_it_took() {
    let pancake = pancake_with(listed(), false, true).await;
    let change = WarehouseChange {
        phone_number: Some("0281234567".into()),
        ..WarehouseChange::default()
    };
    let updated = pancake
        .client(true)
        .update_warehouse(STORE, &change)
        .await
        .unwrap();
    assert_eq!(updated.phone_number.as_deref(), Some("0281234567"));
    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/warehouses",
            "GET /shops/4/warehouses",
            format!("PUT /shops/4/warehouses/{STORE}").as_str(),
            "GET /shops/4/warehouses",
        ]
    );
    let mut expected = listed()[0].clone();
    expected["phone_number"] = json!("0281234567");
    expected["country_code"] = json!("84");
    assert_eq!(pancake.hits()[2].body, expected);

    // A warehouse Pancake does not have is never written.
    let pancake = pancake_with(listed(), false, true).await;
    let error = pancake
        .client(true)
        .update_warehouse("no-such-warehouse", &change)
        .await
        .unwrap_err();
    assert!(
        matches!(error, PancakeError::NotVerified { .. }),
        "{error:?}"
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));

    // A change Pancake drops silently is reported.
    let pancake = pancake_with(listed(), true, false).await;
    let error = pancake
        .client(true)
        .update_warehouse(DEPOT, &change)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, PancakeError::NotVerified { reason } if reason.contains("phone_number")),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_cli_prints_and_refuses_like_the_other_commands() {
    let pancake = pancake_with(listed(), false, true).await;
    let args = pancake_args(&["create", "--name", "Kho 3"]);
    let error = execute(&pancake.client(false), &Config::without_flags(), args)
        .await
        .unwrap_err();
    assert!(
        matches!(error.downcast_ref(), Some(PancakeError::WriteNotConfirmed)),
        "{error:#}"
    );
    let args = pancake_args(&["update", STORE]);
    let error = execute(&pancake.client(true), &Config::without_flags(), args)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("nothing to change"), "{error:#}");
    let args = pancake_args(&["update", DEPOT, "--name", "Kho tổng"]);
    let printed = execute(&pancake.client(true), &Config::without_flags(), args)
        .await
        .unwrap();
    assert_eq!(printed, format!("updated Kho tổng ({DEPOT})\n"));
}

fn pancake_args(words: &[&str]) -> PancakeArgs {
    let line: Vec<&str> = ["warehouses"].iter().chain(words).copied().collect();
    crate::pancake::cli::parse(&line).unwrap().1
}

/// A migrated database of its own in the temporary folder.
async fn local_database() -> (AnyPool, std::path::PathBuf) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let file = std::env::temp_dir().join(format!("warehouses-{}-{nanos}.db", std::process::id()));
    let pool = db::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    db::migrate(&pool).await.unwrap();
    (pool, file)
}

#[tokio::test]
async fn a_link_names_a_pancake_warehouse_that_exists_once() {
    let (pool, file) = local_database().await;
    let pancake = pancake_with(listed(), false, true).await;
    let client = pancake.client(false);
    let request = WarehouseRequest {
        code: Some("KHO-2".into()),
        name: Some("Kho 2".into()),
        ..WarehouseRequest::default()
    };
    service::create(&pool, &request).await.unwrap();

    // Linking reads Pancake but writes only to the app's database.
    let linked = link(&client, &pool, "main", Some(STORE)).await.unwrap();
    assert_eq!(
        (linked.code.as_str(), linked.pancake_warehouse_id.as_deref()),
        ("MAIN", Some(STORE))
    );
    assert!(pancake.hits().iter().all(|hit| hit.method == Method::GET));

    let taken = link(&client, &pool, "KHO-2", Some(STORE))
        .await
        .unwrap_err();
    assert!(taken.to_string().contains("already linked"), "{taken:#}");
    let unknown = link(&client, &pool, "KHO-2", Some("nope"))
        .await
        .unwrap_err();
    assert!(
        unknown.to_string().contains("no warehouse nope"),
        "{unknown:#}"
    );
    let missing = link(&client, &pool, "KHO-9", Some(DEPOT))
        .await
        .unwrap_err();
    assert!(
        missing.to_string().contains("no warehouse KHO-9"),
        "{missing:#}"
    );

    let linked = link(&client, &pool, "KHO-2", Some(DEPOT)).await.unwrap();
    assert_eq!(linked.pancake_warehouse_id.as_deref(), Some(DEPOT));
    let unlinked = link(&client, &pool, "MAIN", None).await.unwrap();
    assert_eq!(unlinked.pancake_warehouse_id, None);
    let links: Vec<_> = service::list(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.code, w.pancake_warehouse_id))
        .collect();
    assert_eq!(
        links,
        [("MAIN".into(), None), ("KHO-2".into(), Some(DEPOT.into()))]
    );
    pool.close().await;
    let _ = std::fs::remove_file(file);
}
