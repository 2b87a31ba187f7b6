//! Stock counts over HTTP: the API's envelope and statuses, and the pages a
//! shop counts with, by scanner and by hand.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::json;

use crate::helpers::{body_text, spawn_app, TestApp};

/// Posts an urlencoded form the way a browser does: the status, and where
/// it redirects or else the page.
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
async fn a_count_is_started_counted_submitted_and_applied_once() {
    let app = spawn_app().await;
    let coffee = app.stocked_product("CF-001", 45_000, 10).await;
    let tea = app.stocked_product("TRA-001", 30_000, 5).await;

    let (status, body) = app
        .post("/api/stocktakes", json!({"note": "Cuối ngày"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["status"], "COUNTING");
    let id = body["data"]["id"].as_i64().unwrap();
    let counts = format!("/api/stocktakes/{id}/counts");

    let (status, body) = app.post(&counts, json!({"code": "CF-001"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["counted"], 1);
    let typed = json!({"code": "CF-001", "quantity": 7, "mode": "set"});
    let (status, body) = app.post(&counts, typed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["data"]["expected"], &body["data"]["variance"]),
        (&json!(10), &json!(-3))
    );
    let (status, body) = app.post(&counts, json!({"code": "XYZ-9"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "code");
    assert_eq!(
        body["error"]["details"][0]["message"],
        "no product has the SKU or barcode XYZ-9"
    );

    let (status, body) = app
        .post(&format!("/api/stocktakes/{id}/apply"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = app
        .post(&format!("/api/stocktakes/{id}/submit"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"]["submittedAt"].is_string(), "{body}");
    let (status, body) = app.post(&counts, json!({"code": "CF-001"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, body) = app
        .post(&format!("/api/stocktakes/{id}/apply"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "APPLIED");
    assert_eq!(body["data"]["variance"], -3);
    assert_eq!(body["data"]["uncounted"][0]["sku"], "TRA-001");
    assert_eq!(body["data"]["uncountedItems"], 1);
    let (status, body) = app
        .post(&format!("/api/stocktakes/{id}/apply"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "CONFLICT");

    assert_eq!(app.stock_of(coffee).await, 7);
    assert_eq!(app.stock_of(tea).await, 5);
    let adjustments = app
        .count("SELECT COUNT(*) FROM stock_movements WHERE kind = 'ADJUSTMENT'")
        .await;
    assert_eq!(adjustments, 1);
    app.assert_stock_matches_ledger().await;

    let (status, body) = app.get("/api/stocktakes?status=APPLIED").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["meta"]["total"], 1);
    assert_eq!(body["data"][0]["countedItems"], 1);
    assert_eq!(body["data"][0]["lines"], json!([]));
    let (status, body) = app.get(&format!("/api/stocktakes/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["lines"][0]["sku"], "CF-001");
    assert!(body["data"]["lines"][0]["movementId"].is_i64(), "{body}");
    let (status, _) = app.get("/api/stocktakes/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_pages_count_by_scanner_and_by_hand() {
    let app = spawn_app().await;
    let coffee = app.stocked_product("CF-001", 45_000, 10).await;

    let (status, _, page) = app.get_text("/stocktakes/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"warehouse\""), "{page}");
    let (status, location) = submit(&app, "/stocktakes", "warehouse=&category=&note=").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let id: i64 = location.trim_start_matches("/stocktakes/").parse().unwrap();
    let (status, page) = submit(&app, "/stocktakes", "warehouse=&category=&note=").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains(&format!("KK{id:06}")), "{page}");

    let (status, _, page) = app.get_text(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("autofocus"), "{page}");

    // A scanner types the code and presses Enter, twice.
    let counts = format!("/stocktakes/{id}/counts");
    for _ in 0..2 {
        let (status, next) = submit(&app, &counts, "code=CF-001&mode=add").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{next}");
        assert!(
            next.starts_with(&format!("/stocktakes/{id}?last=")),
            "{next}"
        );
    }
    let (status, page) = submit(&app, &counts, "code=NO-SUCH&mode=add").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("NO-SUCH"), "{page}");
    let (status, page) = submit(&app, &counts, "code=CF-001&quantity=x&mode=set").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("value=\"x\""), "{page}");

    let (status, next) = submit(&app, &counts, "code=CF-001&quantity=9&mode=set").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{next}");
    let (status, _, page) = app.get_text(&next).await;
    assert_eq!(status, StatusCode::OK);
    let notice = ["Đã ghi CF-001: đếm được 9.", "Recorded CF-001: 9 counted."];
    assert!(notice.iter().any(|text| page.contains(text)), "{page}");
    assert!(page.contains(">-1</td>"), "{page}");

    for action in ["submit", "apply"] {
        let (status, next) = submit(&app, &format!("/stocktakes/{id}/{action}"), "").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}: {next}");
    }
    let (status, page) = submit(&app, &format!("/stocktakes/{id}/apply"), "").await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert_eq!(app.stock_of(coffee).await, 9);
    let (status, _, page) = app.get_text("/stocktakes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("KK{id:06}")), "{page}");
    app.assert_stock_matches_ledger().await;
}
