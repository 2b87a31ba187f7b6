//! Signing in, sessions, two-factor sign-in, API tokens and the defences
//! around them, through the HTTP API as a browser or an integration uses it.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Request, StatusCode},
    response::Response,
};
use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::{body_text, spawn_app, TestApp};
use shop::auth::{
    login,
    users::{self, NewUser},
    Actor,
};

const PASSWORD: &str = "correct horse battery";

/// Creates an account directly and returns its id.
async fn account(app: &TestApp, email: &str, role: &str) -> i64 {
    let request = NewUser {
        email: Some(email.into()),
        name: None,
        password: Some(PASSWORD.into()),
        role: Some(role.into()),
    };
    users::create(&app.state.db, &Actor::Operator, &request)
        .await
        .unwrap()
        .id
}

/// A JSON request from a browser page of this site at `ip`, with `cookie`.
fn browser(method: &str, uri: &str, body: &Value, cookie: Option<&str>, ip: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let mut request = request.body(Body::from(body.to_string())).unwrap();
    let address: SocketAddr = format!("{ip}:50000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(address));
    request
}

/// The `name=value` part of the response's session cookie, if it set one.
fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("session="))
        .map(|value| value.split(';').next().unwrap().to_owned())
}

async fn json(response: Response) -> Value {
    serde_json::from_str(&body_text(response).await).unwrap()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> Response {
    let body = json!({"email": email, "password": password});
    app.send_anonymous(browser("POST", "/api/auth/login", &body, None, "10.0.0.1"))
        .await
}

/// Signs in and returns the session cookie.
async fn signed_in(app: &TestApp, email: &str) -> String {
    let response = sign_in(app, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    session_cookie(&response).expect("a session cookie")
}

async fn me(app: &TestApp, cookie: &str) -> (StatusCode, Value) {
    let response = app
        .send_anonymous(browser(
            "GET",
            "/api/auth/me",
            &json!({}),
            Some(cookie),
            "10.0.0.1",
        ))
        .await;
    (response.status(), json(response).await)
}

#[tokio::test]
async fn sign_in_me_and_sign_out() {
    let app = spawn_app().await;
    account(&app, "Lan@Shop.vn", "CASHIER").await;

    let response = sign_in(&app, "lan@shop.VN", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    let cookie = session_cookie(&response).unwrap();
    let body = json(response).await;
    assert_eq!(body["data"]["user"]["email"], "lan@shop.vn");

    let (status, body) = me(&app, &cookie).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["role"], "CASHIER");
    let permissions = body["data"]["permissions"].as_array().unwrap();
    assert!(permissions.contains(&json!("orders.sell")));
    assert!(!permissions.contains(&json!("users.manage")));

    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/logout",
            &json!({}),
            Some(&cookie),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(me(&app, &cookie).await.0, StatusCode::UNAUTHORIZED);
    // The database keeps only a hash of the secret in the cookie.
    let secret = cookie.trim_start_matches("session=");
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = '{secret}'"
        ))
        .await;
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = spawn_app().await;
    account(&app, "an@shop.vn", "STAFF").await;

    let wrong = sign_in(&app, "an@shop.vn", "not the password").await;
    let unknown = sign_in(&app, "nobody@shop.vn", "not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    assert_eq!(json(wrong).await, json(unknown).await);
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in() {
    let app = spawn_app().await;
    let id = account(&app, "old@shop.vn", "STAFF").await;
    let cookie = signed_in(&app, "old@shop.vn").await;
    let (status, _) = app
        .put(&format!("/api/users/{id}"), json!({"active": false}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me(&app, &cookie).await.0, StatusCode::UNAUTHORIZED);
    let response = sign_in(&app, "old@shop.vn", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        json(response).await["error"]["message"],
        login::BAD_CREDENTIALS
    );
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account_and_per_address() {
    let app = spawn_app().await;
    account(&app, "thu@shop.vn", "CASHIER").await;
    for _ in 0..login::MAX_FAILURES_PER_ACCOUNT {
        assert_eq!(
            sign_in(&app, "thu@shop.vn", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused until the window passes.
    let response = sign_in(&app, "thu@shop.vn", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(response).await["error"]["code"], "RATE_LIMITED");

    // One address trying many emails is stopped too; another address is not.
    for n in 0..login::MAX_FAILURES_PER_ADDRESS {
        let body = json!({"email": format!("user{n}@shop.vn"), "password": "guess"});
        app.send_anonymous(browser("POST", "/api/auth/login", &body, None, "10.9.9.9"))
            .await;
    }
    let body = json!({"email": "fresh@shop.vn", "password": "guess"});
    let limited = app
        .send_anonymous(browser("POST", "/api/auth/login", &body, None, "10.9.9.9"))
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let elsewhere = app
        .send_anonymous(browser("POST", "/api/auth/login", &body, None, "10.8.8.8"))
        .await;
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn idle_and_old_sessions_end() {
    let app = spawn_app().await;
    account(&app, "idle@shop.vn", "STAFF").await;
    let idle = signed_in(&app, "idle@shop.vn").await;
    let old = signed_in(&app, "idle@shop.vn").await;
    assert_eq!(me(&app, &idle).await.0, StatusCode::OK);

    let long_ago = "2020-01-01T00:00:00.000Z";
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(long_ago)
        .bind(digest_of(&idle))
        .execute(&app.state.db)
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind(long_ago)
        .bind(digest_of(&old))
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(me(&app, &idle).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &old).await.0, StatusCode::UNAUTHORIZED);
}

/// The stored form of a session cookie's secret.
fn digest_of(cookie: &str) -> String {
    use sha2::{Digest, Sha256};
    let secret = cookie.trim_start_matches("session=");
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[tokio::test]
async fn signing_in_always_makes_a_new_session_id() {
    let app = spawn_app().await;
    account(&app, "mai@shop.vn", "CASHIER").await;
    // A cookie planted before sign-in (session fixation) is not adopted.
    let body = json!({"email": "mai@shop.vn", "password": PASSWORD});
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/login",
            &body,
            Some("session=planted"),
            "10.0.0.1",
        ))
        .await;
    let cookie = session_cookie(&response).unwrap();
    assert_ne!(cookie, "session=planted");
    assert_eq!(
        me(&app, "session=planted").await.0,
        StatusCode::UNAUTHORIZED
    );
    let again = signed_in(&app, "mai@shop.vn").await;
    assert_ne!(cookie, again);
}

#[tokio::test]
async fn a_password_change_signs_out_every_other_session() {
    let app = spawn_app().await;
    account(&app, "hoa@shop.vn", "MANAGER").await;
    let here = signed_in(&app, "hoa@shop.vn").await;
    let elsewhere = signed_in(&app, "hoa@shop.vn").await;

    let change = json!({"currentPassword": "wrong one", "newPassword": "a brand new secret"});
    let refused = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/password",
            &change,
            Some(&here),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let change = json!({"currentPassword": PASSWORD, "newPassword": "a brand new secret"});
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/password",
            &change,
            Some(&here),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let renewed = session_cookie(&response).expect("a new session for this browser");
    assert_eq!(me(&app, &here).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &elsewhere).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &renewed).await.0, StatusCode::OK);
    assert_eq!(
        sign_in(&app, "hoa@shop.vn", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&app, "hoa@shop.vn", "a brand new secret")
            .await
            .status(),
        StatusCode::OK
    );
}

fn totp_for(secret: &str) -> TOTP {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("test".into()),
        "x".into(),
    )
    .unwrap()
}

/// The code an authenticator app shows `steps` periods from now.
fn code_at(totp: &TOTP, steps: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = now.checked_add_signed(steps * 30).unwrap();
    totp.generate(at)
}

#[tokio::test]
async fn two_factor_sign_in_with_a_code_and_with_a_recovery_code_once() {
    let app = spawn_app().await;
    account(&app, "ha@shop.vn", "ADMIN").await;
    let cookie = signed_in(&app, "ha@shop.vn").await;

    let setup = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/two-factor/setup",
            &json!({}),
            Some(&cookie),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(setup.status(), StatusCode::OK);
    let setup = json(setup).await;
    let secret = setup["data"]["secret"].as_str().unwrap().to_owned();
    assert!(setup["data"]["otpauthUrl"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    assert!(setup["data"]["qrSvg"].as_str().unwrap().contains("<svg"));
    let totp = totp_for(&secret);

    let wrong = json!({"code": "000000"});
    let refused = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/two-factor/enable",
            &wrong,
            Some(&cookie),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let enable = json!({"code": code_at(&totp, 0)});
    let enabled = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/two-factor/enable",
            &enable,
            Some(&cookie),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    let codes: Vec<String> = json(enabled).await["data"]["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);

    // The password alone now opens only the second step.
    let response = sign_in(&app, "ha@shop.vn", PASSWORD).await;
    let pending = session_cookie(&response).unwrap();
    assert_eq!(json(response).await["data"]["twoFactorRequired"], true);
    assert_eq!(me(&app, &pending).await.0, StatusCode::UNAUTHORIZED);

    // The code used to enrol cannot be used again; the next one works.
    let reused = json!({"code": code_at(&totp, 0)});
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/login/two-factor",
            &reused,
            Some(&pending),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let next = json!({"code": code_at(&totp, 1)});
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/login/two-factor",
            &next,
            Some(&pending),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let full = session_cookie(&response).unwrap();
    assert_ne!(full, pending, "the second step starts a new session");
    assert_eq!(me(&app, &full).await.0, StatusCode::OK);
    assert_eq!(me(&app, &pending).await.0, StatusCode::UNAUTHORIZED);

    // A recovery code works once.
    let recovery = json!({"recoveryCode": codes[3].to_uppercase()});
    for expected in [StatusCode::OK, StatusCode::UNAUTHORIZED] {
        let response = sign_in(&app, "ha@shop.vn", PASSWORD).await;
        let pending = session_cookie(&response).unwrap();
        let response = app
            .send_anonymous(browser(
                "POST",
                "/api/auth/login/two-factor",
                &recovery,
                Some(&pending),
                "10.0.0.1",
            ))
            .await;
        assert_eq!(response.status(), expected);
    }
}

#[tokio::test]
async fn cookie_writes_from_another_site_are_refused() {
    let app = spawn_app().await;
    account(&app, "tam@shop.vn", "ADMIN").await;
    let cookie = signed_in(&app, "tam@shop.vn").await;
    let product = json!({"name": "Trà", "sku": "TRA-1", "price": 10000});

    let mut cross_site = browser("POST", "/api/products", &product, Some(&cookie), "10.0.0.1");
    cross_site
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    let response = app.send_anonymous(cross_site).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(response).await["error"]["code"], "FORBIDDEN");

    // An older browser without fetch metadata still sends Origin.
    let mut foreign_origin = browser("POST", "/api/products", &product, Some(&cookie), "10.0.0.1");
    foreign_origin.headers_mut().remove("sec-fetch-site");
    foreign_origin
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    foreign_origin
        .headers_mut()
        .insert(header::HOST, "till.local:3000".parse().unwrap());
    assert_eq!(
        app.send_anonymous(foreign_origin).await.status(),
        StatusCode::FORBIDDEN
    );

    let same_site = browser("POST", "/api/products", &product, Some(&cookie), "10.0.0.1");
    assert_eq!(
        app.send_anonymous(same_site).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 1);
}

#[tokio::test]
async fn api_tokens_carry_a_role_and_stop_working_when_revoked() {
    let app = spawn_app().await;
    let (status, created) = app
        .post(
            "/api/auth/tokens",
            json!({"name": "kế toán", "role": "CASHIER"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["data"]["secret"].as_str().unwrap().to_owned();
    let id = created["data"]["id"].as_i64().unwrap();
    let (_, listed) = app.get("/api/auth/tokens").await;
    assert!(
        !listed.to_string().contains(&secret),
        "a listing never shows secrets"
    );

    let with_token = |method: &str, uri: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap()
    };
    assert_eq!(
        app.send(with_token("GET", "/api/products")).await.0,
        StatusCode::OK
    );
    let (status, body) = app.send(with_token("POST", "/api/products")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "FORBIDDEN");

    let (status, _) = app.delete(&format!("/api/auth/tokens/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.send(with_token("GET", "/api/products")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "UNAUTHORIZED");
    let forged = Request::get("/api/products")
        .header(header::AUTHORIZATION, "Bearer pct_forged")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(forged).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn strangers_get_401_from_the_api_and_the_sign_in_page_from_pages() {
    let app = spawn_app().await;
    let response = app
        .send_anonymous(Request::get("/api/orders").body(Body::empty()).unwrap())
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(response).await["error"]["code"], "UNAUTHORIZED");

    let page = Request::get("/orders?status=paid")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let response = app.send_anonymous(page).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[header::LOCATION],
        "/login?next=/orders%3Fstatus%3Dpaid"
    );
    let login = Request::get("/login").body(Body::empty()).unwrap();
    let response = app.send_anonymous(login).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body_text(response).await.contains(r#"name="password""#));
}

#[tokio::test]
async fn a_manager_manages_staff_but_not_admins() {
    let app = spawn_app().await;
    let admin = account(&app, "boss@shop.vn", "ADMIN").await;
    let cashier = account(&app, "cashier@shop.vn", "CASHIER").await;
    account(&app, "manager@shop.vn", "MANAGER").await;
    let cookie = signed_in(&app, "manager@shop.vn").await;
    let call = |method: &'static str, uri: String, body: Value| {
        browser(method, &uri, &body, Some(&cookie), "10.0.0.1")
    };

    let promote = json!({"role": "STAFF"});
    let response = app
        .send_anonymous(call("PUT", format!("/api/users/{cashier}"), promote))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let crown = json!({"role": "ADMIN"});
    let response = app
        .send_anonymous(call("PUT", format!("/api/users/{cashier}"), crown))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let demote = json!({"role": "CASHIER"});
    let response = app
        .send_anonymous(call("PUT", format!("/api/users/{admin}"), demote))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let new_admin = json!({"email": "x@shop.vn", "password": PASSWORD, "role": "ADMIN"});
    let response = app
        .send_anonymous(call("POST", "/api/users".into(), new_admin))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let (_, log) = app.get("/api/audit?event=role_changed").await;
    assert_eq!(log["data"][0]["detail"], "CASHIER -> STAFF");
    assert_eq!(log["data"][0]["actor"], "manager@shop.vn");
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once() {
    let app = spawn_app().await;
    let id = account(&app, "quen@shop.vn", "STAFF").await;
    let (status, link) = app
        .post(&format!("/api/users/{id}/reset-link"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let token = link["data"]["token"].as_str().unwrap().to_owned();

    let reset = json!({"token": token, "password": "another good secret"});
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/password-reset",
            &reset,
            None,
            "10.0.0.1",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        sign_in(&app, "quen@shop.vn", "another good secret")
            .await
            .status(),
        StatusCode::OK
    );
    let again = json!({"token": token, "password": "yet another secret"});
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/auth/password-reset",
            &again,
            None,
            "10.0.0.1",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sign_ins_are_in_the_audit_log() {
    let app = spawn_app().await;
    account(&app, "log@shop.vn", "STAFF").await;
    sign_in(&app, "log@shop.vn", "wrong password").await;
    signed_in(&app, "log@shop.vn").await;
    let (status, body) = app.get("/api/audit").await;
    assert_eq!(status, StatusCode::OK);
    let events: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["event"].as_str().unwrap())
        .collect();
    assert!(
        events.starts_with(&["login_succeeded", "login_failed"]),
        "{events:?}"
    );
    assert_eq!(body["data"][1]["email"], "log@shop.vn");
    assert_eq!(body["data"][1]["ip"], "10.0.0.1");
}

#[tokio::test]
async fn orders_and_stock_movements_record_who_made_them() {
    let app = spawn_app().await;
    account(&app, "ban.hang@shop.vn", "CASHIER").await;
    let product = app.stocked_product("AI-1", 15_000, 4).await;
    let cookie = signed_in(&app, "ban.hang@shop.vn").await;

    let sale = json!({"items": [{"productId": product, "quantity": 1}]});
    let response = app
        .send_anonymous(browser(
            "POST",
            "/api/orders",
            &sale,
            Some(&cookie),
            "10.0.0.1",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        json(response).await["data"]["createdBy"],
        "ban.hang@shop.vn"
    );

    let (_, movements) = app
        .get(&format!("/api/inventory/movements?productId={product}"))
        .await;
    let actors: Vec<&str> = movements["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|movement| movement["actor"].as_str().unwrap())
        .collect();
    // Newest first: the sale by the cashier, then the delivery by the test's token.
    assert_eq!(actors, ["ban.hang@shop.vn", "token:tests"]);
}

/// A form post from a page of this site.
fn form(uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn the_sign_in_page_signs_in_and_sends_the_browser_on() {
    let app = spawn_app().await;
    account(&app, "nga@shop.vn", "CASHIER").await;

    let wrong = form(
        "/login",
        "email=nga%40shop.vn&password=nope&next=%2Forders",
        None,
    );
    let response = app.send_anonymous(wrong).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(body_text(response)
        .await
        .contains("Sai email hoặc mật khẩu."));

    // `next` may only lead to this site.
    let elsewhere = form(
        "/login",
        "email=nga%40shop.vn&password=correct+horse+battery&next=%2F%2Fevil.example",
        None,
    );
    let response = app.send_anonymous(elsewhere).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/");

    let right = form(
        "/login",
        "email=nga%40shop.vn&password=correct+horse+battery&next=%2Forders",
        None,
    );
    let response = app.send_anonymous(right).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/orders");
    let cookie = session_cookie(&response).unwrap();

    let page = |uri: &str| {
        Request::get(uri)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };
    let till = app.send_anonymous(page("/pos")).await;
    assert_eq!(till.status(), StatusCode::OK);
    let html = body_text(till).await;
    assert!(
        html.contains(r#"action="/logout""#),
        "the header offers sign-out"
    );
    assert!(
        !html.contains(r#"href="/users""#),
        "a cashier's sidebar has no users link"
    );
    assert_eq!(
        app.send_anonymous(page("/users")).await.status(),
        StatusCode::FORBIDDEN
    );

    let response = app.send_anonymous(form("/logout", "", Some(&cookie))).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.send_anonymous(page("/pos")).await.status(),
        StatusCode::SEE_OTHER
    );
}
