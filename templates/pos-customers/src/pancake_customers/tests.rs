//! Pancake customers against a stand-in Pancake on loopback: the exact
//! requests each call makes, the lenient reading of what comes back, the
//! phone matching, and the guardrails on writes.

use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use clap::Args;
use serde_json::{json, Value};

use super::api::{CustomerChange, NewCustomer, PHONE_SEARCH_PAGES};
use crate::config::Config;
use crate::pancake::{
    cli::{execute, PancakeArgs},
    testing::{ok, Pancake, KEY},
    PancakeError,
};

const HOANG: &str = "b0110315-b102-436b-8b3b-ed8d16740327";
const HOANG_PATH: &str = "/shops/4/customers/b0110315-b102-436b-8b3b-ed8d16740327";

fn page(customers: Vec<Value>, number: u32, total: u32) -> Value {
    json!({"success": true, "data": customers, "page_number": number, "page_size": 30,
           "total_entries": customers.len(), "total_pages": total})
}

/// A customer as the spec's example has it, with fields no type here names.
fn hoang() -> Value {
    json!({
        "id": HOANG,
        "customer_id": "96a8e283-3fba-492e-a35a-970f72a30a02",
        "name": "Trần Văn Hoàng",
        "gender": "male",
        "emails": ["thudo@gmail.com"],
        "phone_numbers": ["+84 901 234 567"],
        "date_of_birth": "1999-09-01",
        "reward_point": 10,
        "is_discount_by_level": true,
        "tags": [],
        "is_block": false,
        "level_id": null,
        "notes": [],
        "shop_customer_address": [{
            "id": "0fefd213-7d0c-4d5b-bdbf-35694da80857", "country_code": null,
            "province_id": "101", "district_id": "10101", "commune_id": null,
            "address": "lê văn lương", "full_address": "lê văn lương, Quận Ba Đình, Hà Nội",
            "full_name": "Hoàng", "phone_number": "0901234567"
        }],
        "order_count": 108,
        "purchased_amount": 2450000,
        "succeed_order_count": 8,
        "last_order_at": "2020-04-01T10:18:41Z",
        "referral_code": "1nw4geGA",
        "fb_id": null
    })
}

/// Whom a fuzzy search for 0901234567 also brings up, with nulls, floats
/// and integer ids where the spec promises strings and lists.
fn neighbour() -> Value {
    json!({
        "id": 77, "name": null, "phone_numbers": ["0901234568", "0901 234 5670"],
        "emails": null, "reward_point": 12.5, "level_id": 5, "tags": null,
        "shop_customer_address": null, "order_count": 3.0, "purchased_amount": "90000"
    })
}

#[tokio::test]
async fn customers_are_listed_a_page_at_a_time() {
    let pancake = Pancake::serve(|_| ok(page(vec![hoang(), neighbour()], 2, 2))).await;
    let listed = pancake
        .client(false)
        .customers(Some("Hoàng"), 2)
        .await
        .unwrap();
    assert_eq!(listed.total_pages, Some(2));
    let hoang = &listed.data[0];
    assert_eq!(hoang.id, HOANG);
    assert_eq!(hoang.reward_point, Some(10.0));
    assert_eq!(hoang.shop_customer_address[0].extra["province_id"], "101");
    assert_eq!(hoang.extra["referral_code"], "1nw4geGA");
    let neighbour = &listed.data[1];
    assert_eq!((neighbour.id.as_str(), neighbour.name.as_str()), ("77", ""));
    assert_eq!(neighbour.level_id.as_deref(), Some("5"));
    assert_eq!(neighbour.reward_point, Some(12.5));
    assert_eq!(
        (neighbour.order_count, neighbour.purchased_amount),
        (Some(3), Some(90_000))
    );
    assert!(neighbour.emails.is_empty() && neighbour.shop_customer_address.is_empty());

    assert_eq!(pancake.calls(), ["GET /shops/4/customers"]);
    assert_eq!(
        pancake.hits()[0].query_pairs(),
        [
            ("api_key", KEY),
            ("search", "Hoàng"),
            ("page_number", "2"),
            ("page_size", "30")
        ]
    );
}

#[tokio::test]
async fn a_customer_is_read_wrapped_or_bare() {
    for wrapped in [true, false] {
        let pancake = Pancake::serve(move |_| {
            ok(if wrapped {
                json!({"success": true, "data": hoang()})
            } else {
                hoang()
            })
        })
        .await;
        let customer = pancake.client(false).customer(HOANG).await.unwrap();
        assert_eq!(customer.name, "Trần Văn Hoàng");
        assert_eq!(pancake.calls(), [format!("GET {HOANG_PATH}")]);
        assert_eq!(pancake.hits()[0].query_pairs(), [("api_key", KEY)]);
    }
}

#[tokio::test]
async fn a_phone_finds_its_exact_customer_in_any_spelling_and_no_neighbour() {
    // Page 1 holds only near misses; the exact match waits on page 2.
    let pancake = Pancake::serve(|hit| match hit.param("page_number") {
        Some("1") => ok(page(vec![neighbour()], 1, 2)),
        _ => ok(page(vec![hoang()], 2, 2)),
    })
    .await;
    let client = pancake.client(false);
    for spelling in ["0901 234 567", "+84901234567", "84901234567"] {
        let found = client.customer_by_phone(spelling).await.unwrap();
        assert_eq!(found.map(|customer| customer.id).as_deref(), Some(HOANG));
    }
    let hits = pancake.hits();
    let searched: Vec<_> = hits
        .iter()
        .map(|hit| (hit.param("search"), hit.param("page_number")))
        .collect();
    assert_eq!(
        searched[..2],
        [
            (Some("0901234567"), Some("1")),
            (Some("0901234567"), Some("2"))
        ]
    );
    // The search brings up 0901234568 and 09012345670, neither of them 0901234569.
    assert_eq!(client.customer_by_phone("0901234569").await.unwrap(), None);
    assert_eq!(pancake.hits().len(), 8);
}

#[tokio::test]
async fn a_phone_search_stops_after_a_bounded_number_of_pages() {
    let pancake = Pancake::serve(|hit| {
        let number = hit.param("page_number").unwrap().parse().unwrap();
        ok(page(vec![neighbour()], number, 40))
    })
    .await;
    let error = pancake
        .client(false)
        .customer_by_phone("0901234567")
        .await
        .unwrap_err();
    assert!(
        matches!(error, PancakeError::TooManyPages { max_pages } if max_pages == PHONE_SEARCH_PAGES),
        "{error:?}"
    );
    assert_eq!(pancake.hits().len(), PHONE_SEARCH_PAGES as usize);
}

#[tokio::test]
async fn writes_are_refused_without_confirmation_before_any_write() {
    let pancake = Pancake::serve(|_| ok(json!({"success": true, "data": hoang()}))).await;
    let client = pancake.client(false);
    let new = NewCustomer {
        name: "Nguyễn Thị Lan".into(),
        phone: "0912345678".into(),
        address: None,
    };
    let error = client.create_customer(&new).await.unwrap_err();
    assert!(
        matches!(error, PancakeError::WriteNotConfirmed),
        "{error:?}"
    );
    assert!(pancake.hits().is_empty());

    let change = CustomerChange {
        name: Some("Hoàng".into()),
        email: None,
    };
    let error = client.update_customer(HOANG, &change).await.unwrap_err();
    assert!(
        matches!(error, PancakeError::WriteNotConfirmed),
        "{error:?}"
    );
    // The update read the customer to build its body; nothing was written.
    assert_eq!(pancake.calls(), [format!("GET {HOANG_PATH}")]);
}

/// The customer Pancake keeps after the create below.
fn lan() -> Value {
    json!({"id": "5b717afb-1856-48c9-9b6e-b8ac9db7d520", "name": "Nguyễn Thị Lan",
           "phone_numbers": ["0912345678"], "emails": []})
}

#[tokio::test]
async fn a_customer_is_created_with_the_documented_body_and_found_by_phone() {
    let pancake = Pancake::serve(|hit| match hit.method {
        Method::POST => ok(json!({"success": true, "data": lan()})),
        _ => ok(page(vec![lan()], 1, 1)),
    })
    .await;
    let client = pancake.client(true);
    let mut new = NewCustomer {
        name: "Nguyễn Thị Lan".into(),
        phone: "+84 912 345 678".into(),
        address: Some("190 Cầu Giấy, Hà Nội".into()),
    };
    let created = client.create_customer(&new).await.unwrap();
    assert_eq!(created.id, "5b717afb-1856-48c9-9b6e-b8ac9db7d520");
    new.address = None;
    client.create_customer(&new).await.unwrap();

    assert_eq!(
        pancake.calls(),
        [
            "POST /shops/4/customers",
            "GET /shops/4/customers",
            "POST /shops/4/customers",
            "GET /shops/4/customers"
        ]
    );
    let hits = pancake.hits();
    assert_eq!(hits[0].query_pairs(), [("api_key", KEY)]);
    assert_eq!(
        hits[0].body,
        json!({
            "name": "Nguyễn Thị Lan",
            "phoneNumber": "0912345678",
            "shop_customer_address": [{
                "full_name": "Nguyễn Thị Lan",
                "phone_number": "0912345678",
                "full_address": "190 Cầu Giấy, Hà Nội"
            }]
        })
    );
    assert_eq!(
        hits[1].query_pairs(),
        [
            ("api_key", KEY),
            ("search", "0912345678"),
            ("page_number", "1"),
            ("page_size", "30")
        ]
    );
    assert_eq!(
        hits[2].body,
        json!({"name": "Nguyễn Thị Lan", "phoneNumber": "0912345678"})
    );
}

#[tokio::test]
async fn a_create_is_sent_once_and_must_read_back() {
    // A failed create is not retried: it may have happened all the same.
    let pancake = Pancake::serve(|_| (StatusCode::SERVICE_UNAVAILABLE, json!({}))).await;
    let new = NewCustomer {
        name: "Nguyễn Thị Lan".into(),
        phone: "0912345678".into(),
        address: None,
    };
    let error = pancake
        .client(true)
        .create_customer(&new)
        .await
        .unwrap_err();
    assert!(matches!(error, PancakeError::Status { .. }), "{error:?}");
    assert_eq!(pancake.calls(), ["POST /shops/4/customers"]);

    // Pancake said yes, but nobody has the number afterwards.
    let pancake = Pancake::serve(|hit| match hit.method {
        Method::POST => ok(json!({"success": true})),
        _ => ok(page(vec![neighbour()], 1, 1)),
    })
    .await;
    let error = pancake
        .client(true)
        .create_customer(&new)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, PancakeError::NotVerified { reason } if reason.contains("0912345678")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_update_sends_the_whole_customer_and_checks_it_took() {
    let stored = Arc::new(Mutex::new(hoang()));
    let state = stored.clone();
    let pancake = Pancake::serve(move |hit| {
        if hit.method == Method::PUT {
            *state.lock().unwrap() = hit.body["customer"].clone();
            return ok(json!({"success": true}));
        }
        ok(json!({"success": true, "data": state.lock().unwrap().clone()}))
    })
    .await;
    let change = CustomerChange {
        name: Some("Trần Hoàng".into()),
        email: Some("hoang@pancake.vn".into()),
    };
    let updated = pancake
        .client(true)
        .update_customer(HOANG, &change)
        .await
        .unwrap();
    assert_eq!(updated.name, "Trần Hoàng");

    let get = format!("GET {HOANG_PATH}");
    assert_eq!(
        pancake.calls(),
        [get.clone(), get.clone(), format!("PUT {HOANG_PATH}"), get]
    );
    // Every field goes back exactly as read (10 points stay 10, nulls stay
    // null, unknown fields stay), with only the change applied.
    let mut expected = hoang();
    expected["name"] = json!("Trần Hoàng");
    expected["emails"] = json!(["hoang@pancake.vn", "thudo@gmail.com"]);
    let put = &pancake.hits()[2];
    assert_eq!(put.body, json!({ "customer": expected }));
    assert_eq!(put.query_pairs(), [("api_key", KEY)]);
}

#[tokio::test]
async fn an_update_pancake_dropped_is_not_verified() {
    let pancake = Pancake::serve(|hit| match hit.method {
        Method::PUT => ok(json!({"success": true})),
        _ => ok(json!({"success": true, "data": hoang()})),
    })
    .await;
    let change = CustomerChange {
        name: Some("Trần Hoàng".into()),
        email: None,
    };
    let error = pancake
        .client(true)
        .update_customer(HOANG, &change)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, PancakeError::NotVerified { reason } if reason.contains("Trần Văn Hoàng")),
        "{error:?}"
    );
}

#[tokio::test]
async fn levels_and_point_logs_are_read() {
    let pancake = Pancake::serve(|hit| {
        if hit.path.ends_with("/customer_levels") {
            return ok(json!({"success": true, "data": [
                {"id": "84fdef8b-8e4b-44e7-8d61-8553ee7f5833", "name": "Vàng", "discount": 5,
                 "discount_type": 3, "shop_id": 4, "upgrade_by_order_count": 10,
                 "upgrade_by_point": 100, "upgrade_by_total_purchase": 30000000},
                {"id": 2, "name": null}
            ]}));
        }
        ok(json!({"success": true, "data": [
            {"amount": 10, "current_point": 100, "inserted_at": "2024-01-01T00:00:00Z",
             "note": "Tích điểm từ đơn hàng",
             "creator": {"id": "8fbe2a6f-b0b2-4227-a698-19d18c43f7c8", "name": "Hoang Anh"}},
            {"amount": -2.5, "current_point": 97.5, "creator": null}
        ], "page_number": 2, "total_pages": 2}))
    })
    .await;
    let client = pancake.client(false);
    let levels = client.customer_levels().await.unwrap();
    assert_eq!(levels[0].upgrade_by_total_purchase, Some(30_000_000));
    assert_eq!((levels[1].id.as_str(), levels[1].name.as_str()), ("2", ""));
    let logs = client.point_logs(HOANG, 2).await.unwrap();
    assert_eq!(logs.data[1].amount, Some(-2.5));
    assert_eq!(
        logs.data[0].creator.as_ref().unwrap().name.as_deref(),
        Some("Hoang Anh")
    );

    assert_eq!(
        pancake.calls(),
        [
            "GET /shops/4/customer_levels",
            "GET /shops/4/customers/point_logs"
        ]
    );
    let hits = pancake.hits();
    assert_eq!(hits[0].query_pairs(), [("api_key", KEY)]);
    assert_eq!(
        hits[1].query_pairs(),
        [
            ("api_key", KEY),
            ("shop_customer_id", HOANG),
            ("page_number", "2"),
            ("page_size", "30")
        ]
    );
}

/// `pancake customers …` parsed as the app's command line does.
fn parse(words: &[&str]) -> Result<PancakeArgs, clap::Error> {
    let line: Vec<&str> = ["customers"].iter().chain(words).copied().collect();
    crate::pancake::cli::parse(&line).map(|(_, args)| args)
}

async fn run(pancake: &Pancake, words: &[&str]) -> String {
    let args = parse(words).unwrap();
    execute(&pancake.client(false), &Config::without_flags(), args)
        .await
        .unwrap()
}

#[tokio::test]
async fn pancake_customers_list_prints_a_table() {
    let pancake = Pancake::serve(|_| ok(page(vec![hoang(), neighbour()], 1, 3))).await;
    assert_eq!(
        run(&pancake, &["list"]).await,
        "ID                                    NAME            PHONE            ORDERS  PURCHASED  POINTS\n\
         b0110315-b102-436b-8b3b-ed8d16740327  Trần Văn Hoàng  +84 901 234 567  108     2450000    10\n\
         77                                                    0901234568       3       90000      12.5\n\
         page 1 of 3\n"
    );
    let listed: Value = serde_json::from_str(&run(&pancake, &["list", "--json"]).await).unwrap();
    assert_eq!(listed[0]["id"], HOANG);
    assert_eq!(listed[0]["referral_code"], "1nw4geGA");
}

#[tokio::test]
async fn pancake_customers_find_prints_the_customer_or_says_there_is_none() {
    let pancake = Pancake::serve(|_| ok(page(vec![neighbour(), hoang()], 1, 1))).await;
    assert_eq!(
        run(&pancake, &["find", "--phone", "0901234567"]).await,
        "Trần Văn Hoàng\n\
         id          b0110315-b102-436b-8b3b-ed8d16740327\n\
         phone       +84 901 234 567\n\
         email       thudo@gmail.com\n\
         gender      male\n\
         born        1999-09-01\n\
         level       -\n\
         points      10\n\
         orders      108\n\
         purchased   2450000\n\
         last order  2020-04-01\n\
         \n\
         RECIPIENT  PHONE       ADDRESS\n\
         Hoàng      0901234567  lê văn lương, Quận Ba Đình, Hà Nội\n"
    );
    assert_eq!(
        run(&pancake, &["find", "--phone", "0909999999"]).await,
        "no customer has phone 0909999999\n"
    );
    assert_eq!(
        run(&pancake, &["find", "--phone", "0909999999", "--json"]).await,
        "[]\n"
    );
}

#[test]
fn writes_say_they_need_confirmation_and_take_real_input() {
    let pancake = PancakeArgs::augment_args(clap::Command::new("pancake"));
    let customers = pancake.find_subcommand("customers").unwrap();
    for write in ["create", "update"] {
        let about = customers.find_subcommand(write).unwrap().get_about();
        assert!(
            about.unwrap().to_string().contains("CONFIRM_WRITE=YES"),
            "{write}"
        );
    }
    let parses = |words: &[&str]| parse(words).is_ok();
    assert!(
        !parses(&["update", HOANG]),
        "an update with nothing to change"
    );
    assert!(!parses(&["create", "--name", "Lan", "--phone", "không có"]));
    assert!(parses(&[
        "create",
        "--name",
        "Lan",
        "--phone",
        "0912 345 678"
    ]));
}
