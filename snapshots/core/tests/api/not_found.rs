use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn unknown_route_gets_the_error_envelope() {
    let app = spawn_app().await;
    let (status, body) = app.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"success": false, "error": {
            "code": "NOT_FOUND",
            "message": "No route for GET /no/such/page",
        }})
    );
}
