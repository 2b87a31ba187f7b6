//! The email, SMS and push providers against stand-ins on local ports: what
//! each sends, and how each reads a provider's refusal. Then the choice of
//! providers from the environment.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use mail_parser::MessageParser;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::notification_support::{
    message, outgoing, unreachable_address, MockProvider, Received, SmtpSink, BODY, LINK,
    MAIL_FROM, TITLE,
};
use shop::notifications::channels::{
    email::{Resend, ResendConfig, SendGrid, SendGridConfig, Smtp, SmtpConfig},
    push::{Fcm, FcmConfig, ServiceAccount},
    sms::{Twilio, TwilioConfig, Vonage, VonageConfig},
    Channels, SendError, Sender,
};

const RCPT_OK: &str = "250 2.1.5 ok";

fn smtp(url: &str) -> Smtp {
    Smtp::new(SmtpConfig {
        url: url.to_owned(),
        from: MAIL_FROM.parse().unwrap(),
    })
    .unwrap()
}

#[tokio::test]
async fn smtp_delivers_a_vietnamese_email_that_parses_back() {
    let sink = SmtpSink::start(RCPT_OK).await;
    let message = message(Some(LINK));

    smtp(&sink.url)
        .send(outgoing("khach@example.vn", &message))
        .await
        .unwrap();

    let accepted = sink.accepted();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].mail_from, "MAIL FROM:<pos@shop.example.vn>");
    assert_eq!(accepted[0].rcpt_to, ["RCPT TO:<khach@example.vn>"]);
    let email = MessageParser::default().parse(&accepted[0].data).unwrap();
    let from = email.from().and_then(|from| from.first()).unwrap();
    assert_eq!(from.name(), Some("Cửa hàng"));
    assert_eq!(from.address(), Some("pos@shop.example.vn"));
    let to = email.to().and_then(|to| to.first()).unwrap();
    assert_eq!(to.address(), Some("khach@example.vn"));
    assert_eq!(email.subject(), Some(TITLE));
    let text = email.body_text(0).unwrap().replace("\r\n", "\n");
    assert_eq!(text.trim_end(), format!("{BODY}\n\n{LINK}"));
}

#[tokio::test]
async fn smtp_permanent_refusal_is_refused() {
    let sink = SmtpSink::start("550 5.1.1 no such mailbox").await;
    let message = message(None);

    let error = smtp(&sink.url)
        .send(outgoing("nobody@example.vn", &message))
        .await
        .unwrap_err();

    assert!(matches!(error, SendError::Refused(_)), "{error:?}");
    assert!(error.to_string().contains("no such mailbox"), "{error}");
    assert!(sink.accepted().is_empty());
}

#[tokio::test]
async fn smtp_temporary_refusal_is_retried() {
    let sink = SmtpSink::start("451 4.3.0 try again later").await;
    let message = message(None);

    let error = smtp(&sink.url)
        .send(outgoing("khach@example.vn", &message))
        .await
        .unwrap_err();

    assert!(matches!(error, SendError::Retry(_)), "{error:?}");
    assert!(error.to_string().contains("try again later"), "{error}");
}

#[tokio::test]
async fn smtp_server_down_is_retried() {
    let url = format!("smtp://{}", unreachable_address().await);
    let message = message(None);

    let error = smtp(&url)
        .send(outgoing("khach@example.vn", &message))
        .await
        .unwrap_err();

    assert!(matches!(error, SendError::Retry(_)), "{error:?}");
}

#[tokio::test]
async fn resend_posts_the_email_with_an_idempotency_key() {
    let resend_api = MockProvider::start(StatusCode::OK, json!({"id": "re-1"})).await;
    let resend = Resend::new(ResendConfig {
        api_key: "re_test_key".to_owned(),
        from: MAIL_FROM.parse().unwrap(),
        base_url: resend_api.base_url.clone(),
    })
    .unwrap();
    let message = message(Some(LINK));

    resend
        .send(outgoing("khach@example.vn", &message))
        .await
        .unwrap();

    let request = resend_api.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/emails")
    );
    assert_eq!(request.header("authorization"), "Bearer re_test_key");
    assert_eq!(request.header("idempotency-key"), "delivery-42");
    assert_eq!(
        request.json(),
        json!({
            "from": MAIL_FROM,
            "to": ["khach@example.vn"],
            "subject": TITLE,
            "text": format!("{BODY}\n\n{LINK}"),
        })
    );
}

#[tokio::test]
async fn resend_validation_error_is_refused_with_its_message() {
    let answer = json!({"statusCode": 422, "message": "Invalid `to` field."});
    let resend_api = MockProvider::start(StatusCode::UNPROCESSABLE_ENTITY, answer).await;
    let resend = Resend::new(ResendConfig {
        api_key: "re_test_key".to_owned(),
        from: MAIL_FROM.parse().unwrap(),
        base_url: resend_api.base_url.clone(),
    })
    .unwrap();
    let message = message(None);

    let error = resend
        .send(outgoing("khach@example.vn", &message))
        .await
        .unwrap_err();

    assert!(matches!(error, SendError::Refused(_)), "{error:?}");
    assert!(error.to_string().contains("422"), "{error}");
    assert!(error.to_string().contains("Invalid `to` field."), "{error}");
    assert!(!error.to_string().contains("re_test_key"), "{error}");
}

#[tokio::test]
async fn sendgrid_posts_the_v3_mail_shape() {
    let sendgrid_api = MockProvider::start(StatusCode::ACCEPTED, Value::Null).await;
    let sendgrid = SendGrid::new(SendGridConfig {
        api_key: "SG.test-key".to_owned(),
        from: MAIL_FROM.parse().unwrap(),
        base_url: sendgrid_api.base_url.clone(),
    })
    .unwrap();
    let message = message(None);

    sendgrid
        .send(outgoing("khach@example.vn", &message))
        .await
        .unwrap();

    let request = sendgrid_api.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/v3/mail/send")
    );
    assert_eq!(request.header("authorization"), "Bearer SG.test-key");
    assert_eq!(
        request.json(),
        json!({
            "personalizations": [{"to": [{"email": "khach@example.vn"}]}],
            "from": {"email": "pos@shop.example.vn", "name": "Cửa hàng"},
            "subject": TITLE,
            "content": [{"type": "text/plain", "value": BODY}],
        })
    );
}

fn twilio(api: &MockProvider, from: &str) -> Twilio {
    Twilio::new(TwilioConfig {
        account_sid: "AC0123456789".to_owned(),
        auth_token: "twilio-test-token".to_owned(),
        from: from.to_owned(),
        base_url: api.base_url.clone(),
    })
    .unwrap()
}

#[tokio::test]
async fn twilio_posts_the_form_with_basic_auth() {
    let twilio_api = MockProvider::start(StatusCode::CREATED, json!({"sid": "SM1"})).await;
    let message = message(Some(LINK));

    twilio(&twilio_api, "+84900000000")
        .send(outgoing("+84901234567", &message))
        .await
        .unwrap();

    let request = twilio_api.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (
            Method::POST,
            "/2010-04-01/Accounts/AC0123456789/Messages.json"
        )
    );
    // base64 of "AC0123456789:twilio-test-token".
    assert_eq!(
        request.header("authorization"),
        "Basic QUMwMTIzNDU2Nzg5OnR3aWxpby10ZXN0LXRva2Vu"
    );
    let expected = HashMap::from([
        ("To".to_owned(), "+84901234567".to_owned()),
        ("From".to_owned(), "+84900000000".to_owned()),
        ("Body".to_owned(), format!("{TITLE}: {BODY}\n{LINK}")),
    ]);
    assert_eq!(request.form(), expected);
}

#[tokio::test]
async fn twilio_sends_from_a_messaging_service() {
    let twilio_api = MockProvider::start(StatusCode::CREATED, json!({"sid": "SM1"})).await;
    let message = message(None);

    twilio(&twilio_api, "MG0123456789")
        .send(outgoing("+84901234567", &message))
        .await
        .unwrap();

    let form = twilio_api.only_request().form();
    assert_eq!(form["MessagingServiceSid"], "MG0123456789");
    assert!(!form.contains_key("From"), "{form:?}");
}

#[tokio::test]
async fn twilio_bad_request_is_refused() {
    let answer = json!({"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400});
    let twilio_api = MockProvider::start(StatusCode::BAD_REQUEST, answer).await;
    let message = message(None);

    let error = twilio(&twilio_api, "+84900000000")
        .send(outgoing("+8490", &message))
        .await
        .unwrap_err();

    assert!(matches!(error, SendError::Refused(_)), "{error:?}");
    assert!(
        error.to_string().contains("not a valid phone number"),
        "{error}"
    );
    assert!(!error.to_string().contains("twilio-test-token"), "{error}");
}

#[tokio::test]
async fn twilio_server_errors_and_rate_limits_are_retried() {
    for status in [
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let twilio_api = MockProvider::start(status, json!({"status": status.as_u16()})).await;
        let message = message(None);

        let error = twilio(&twilio_api, "+84900000000")
            .send(outgoing("+84901234567", &message))
            .await
            .unwrap_err();

        assert!(matches!(error, SendError::Retry(_)), "{status}: {error:?}");
    }
}

fn vonage(api: &MockProvider) -> Vonage {
    Vonage::new(VonageConfig {
        api_key: "vonage-key".to_owned(),
        api_secret: "vonage-secret".to_owned(),
        from: "CuaHang".to_owned(),
        base_url: api.base_url.clone(),
    })
    .unwrap()
}

/// Vonage's answer for one SMS part with `status`.
fn vonage_answer(status: &str, error_text: &str) -> Value {
    let mut part = json!({"to": "84901234567", "status": status});
    if !error_text.is_empty() {
        part["error-text"] = json!(error_text);
    }
    json!({"message-count": "1", "messages": [part]})
}

#[tokio::test]
async fn vonage_posts_unicode_text_without_the_plus() {
    let vonage_api = MockProvider::start(StatusCode::OK, vonage_answer("0", "")).await;
    let message = message(Some(LINK));

    vonage(&vonage_api)
        .send(outgoing("+84901234567", &message))
        .await
        .unwrap();

    let request = vonage_api.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/sms/json")
    );
    let expected = HashMap::from([
        ("api_key".to_owned(), "vonage-key".to_owned()),
        ("api_secret".to_owned(), "vonage-secret".to_owned()),
        ("from".to_owned(), "CuaHang".to_owned()),
        ("to".to_owned(), "84901234567".to_owned()),
        ("text".to_owned(), format!("{TITLE}: {BODY}\n{LINK}")),
        ("type".to_owned(), "unicode".to_owned()),
    ]);
    assert_eq!(request.form(), expected);
}

#[tokio::test]
async fn vonage_throttling_is_retried_and_other_statuses_refused() {
    let throttled = MockProvider::start(
        StatusCode::OK,
        vonage_answer("1", "Throughput Rate Exceeded"),
    )
    .await;
    let refused = MockProvider::start(StatusCode::OK, vonage_answer("2", "Missing to param")).await;
    let message = message(None);

    let retry = vonage(&throttled)
        .send(outgoing("+84901234567", &message))
        .await
        .unwrap_err();
    let refusal = vonage(&refused)
        .send(outgoing("+84901234567", &message))
        .await
        .unwrap_err();

    assert!(matches!(retry, SendError::Retry(_)), "{retry:?}");
    assert!(matches!(refusal, SendError::Refused(_)), "{refusal:?}");
    assert!(
        refusal.to_string().contains("Missing to param"),
        "{refusal}"
    );
}

/// A 2048-bit RSA key pair made with `openssl genrsa 2048` for these tests
/// only: it signs nothing anywhere else.
const TEST_PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCj5yB00W5D1zaP
NIhZw56BrB36mkYdse+Jt+NPQpUdCiM6oPh8QvKRr+VU17LpzNa9Ksr9A/r8ikY8
4wFhIaXVpQuoeKvUhHheupqErBaFA3RgZAAXS42GApmfBRppHv5UXeooBihWg3XB
70ubCWoNLx3BbPx7CcPl7y1/2fw3d8K6ruNY+d45z2jsAINZMIMorUzcLIcNwXK9
sFuMhlT+BDSOCTfh5qP/I9OwULsfu8y1lZizPwL5muJT0I3MkG7ni+YPGhY3vmgN
Xbs8SO0KiKQ2xKTXC7Ro4y0lxGQGY9WPIFeeNqixRJS7zEfDM3Ztwtl43YhjnCVj
QMjYWVkNAgMBAAECggEADBVMe8A62E6D66/MQ43b4CRvu1tnQuYsyiLf46Z9drwa
F8bpOsP2vQ3SItyaCIl85UpD175U4QxSnEeCAQapgqQdxWhMBqlTdGxeWtyS9nBo
Qnjs1srPnqsPZz1Jkqlhx5d63UOC8snTQx5gnQfnJRytnWZrAKkaI5fr60qHQRF5
eMKwczTpSx1+RDgD49i/Y8ey7Tnrawycn/DgENgSNar8gGt3VZUUShqOJmPNdEmw
aCVmABrjjB4iW2HgCYb84SJkqkcHsHimg1hnDrP5MnBs0TfC3q7iE1LOFRttkhdG
19sDtHnlEk90ZFwN4Lz+yrX68Fm3TSx/YCPJL+JmIQKBgQDQ79EzVJs7QsdHqcGB
jT7w3Ergf5ALG0wMPUAUflLC5iZGJfMiEEPtjuUNV6Sk27UJ3DmmWtNRbiW/WP0j
9Mv0ejVVC/gaKtgHLPQ7QdGRZMDGVYWRHC/Oopu17BmntSjNSspHUwTkueCncTYs
fIFGObiNnj8ocsoFUHX7QCIBPQKBgQDI0nX7ysFSgUGLzTZkHmiQjGLqayMxQ/my
PepGzjAEjlUWQbn0zmh2Nc9wRi7IxPxdmi8julFFqmsEiea0WIVuJ4qpdMAEE+BC
aPysMHT6m+s/XacHu0vDUqu++PHHp7zZvRJKtftLM4cSeHmI400/xSdFgTJ87f8p
Etz1uOCUEQKBgD0urK0CTn6Y/HAAxrhgGxk++PIqiIyoDqna2cPmheeqq3SJMlw8
NRgAaxRwILdh2u6rPXp4SD8lKQqSTXZU/dB2ZN2lpp5LA31+bXpYuLyBq22op3cp
sNoqhbxNCeoxQ2RyTS97oQg1YhLGNR3ry5M73c4ik84NZxkNSa8sRYjlAoGBAMHO
ElzIBJ/p6+bOSbJ/giwVv5Q5hwIRdtUkWYaxj7el4MmU7rApzrheH+5bXOUW7fIr
TVjug2Z3G8aKiyH61/JBqNj2uiR1RhTxGv/V197PQE2rxPl6MJi0nNi1iShEYcXE
aPW/AGBHvw/9QlTv/+oOC2NRVvcn+/qYoLNnExzxAoGARJvqed5JENEC3joyLO9t
HHghKRVnu+ilMxOIKL8fjbHikBNOC5TJTVTXUY4wpIvKeeAsT/vSPjobO5I3aQ2y
Coh9QcCJSnmfDX6QoPZHz+51LgQd3ar8kabAxJpiGDlXILw3rX9PUGKClM6Pml4e
N12m6R3BwC4uOgd7NwdCJM8=
-----END PRIVATE KEY-----
";

/// The public half of [`TEST_PRIVATE_KEY`], for the stand-in token
/// endpoint to check signatures with.
const TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAo+cgdNFuQ9c2jzSIWcOe
gawd+ppGHbHvibfjT0KVHQojOqD4fELyka/lVNey6czWvSrK/QP6/IpGPOMBYSGl
1aULqHir1IR4XrqahKwWhQN0YGQAF0uNhgKZnwUaaR7+VF3qKAYoVoN1we9Lmwlq
DS8dwWz8ewnD5e8tf9n8N3fCuq7jWPneOc9o7ACDWTCDKK1M3CyHDcFyvbBbjIZU
/gQ0jgk34eaj/yPTsFC7H7vMtZWYsz8C+ZriU9CNzJBu54vmDxoWN75oDV27PEjt
CoikNsSk1wu0aOMtJcRkBmPVjyBXnjaosUSUu8xHwzN2bcLZeN2IY5wlY0DI2FlZ
DQIDAQAB
-----END PUBLIC KEY-----
";

const CLIENT_EMAIL: &str = "pos-push@cua-hang-test.iam.gserviceaccount.com";
const ACCESS_TOKEN: &str = "ya29.test-access-token";
const SEND_PATH: &str = "/v1/projects/cua-hang-test/messages:send";

/// The claims the stand-in token endpoint reads from the JWT.
#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    scope: String,
    aud: String,
    iat: u64,
    exp: u64,
}

/// The claims of the JWT in a token request, once its signature, issuer
/// and audience check out.
fn verified_claims(request: &Received) -> Result<Claims, String> {
    let form = request.form();
    if form.get("grant_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        return Err(format!("unexpected grant: {form:?}"));
    }
    let assertion = form.get("assertion").ok_or("no assertion")?;
    let key = DecodingKey::from_rsa_pem(TEST_PUBLIC_KEY.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[CLIENT_EMAIL]);
    validation.set_audience(&[format!("http://{}/token", request.header("host"))]);
    jsonwebtoken::decode::<Claims>(assertion, &key, &validation)
        .map(|token| token.claims)
        .map_err(|error| error.to_string())
}

/// A stand-in for Google's token endpoint (at `/token`) and FCM: tokens for
/// valid JWTs only, and `send_answer` to sends that bear the token.
async fn fcm_api(send_status: StatusCode, send_answer: Value) -> MockProvider {
    MockProvider::answering(move |request| {
        if request.path == "/token" {
            return match verified_claims(request) {
                Ok(_) => (
                    StatusCode::OK,
                    json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
                ),
                Err(error) => (
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid_grant", "error_description": error}),
                ),
            };
        }
        if request.path != SEND_PATH
            || request.header("authorization") != format!("Bearer {ACCESS_TOKEN}")
        {
            return (StatusCode::UNAUTHORIZED, json!({"error": {"code": 401}}));
        }
        (send_status, send_answer.clone())
    })
    .await
}

fn fcm(api: &MockProvider) -> Fcm {
    Fcm::new(FcmConfig {
        account: ServiceAccount {
            project_id: "cua-hang-test".to_owned(),
            client_email: CLIENT_EMAIL.to_owned(),
            private_key: TEST_PRIVATE_KEY.to_owned(),
            token_uri: format!("{}/token", api.base_url),
        },
        base_url: api.base_url.clone(),
    })
    .unwrap()
}

fn requests_to(api: &MockProvider, path: &str) -> Vec<Received> {
    api.received()
        .into_iter()
        .filter(|request| request.path == path)
        .collect()
}

/// An FCM error answer with HTTP `code`, a gRPC `status` and an FCM
/// `errorCode`, shaped as FCM shapes them.
fn fcm_error(code: u16, status: &str, error_code: &str) -> Value {
    json!({"error": {
        "code": code,
        "message": "refused by the stand-in FCM",
        "status": status,
        "details": [{
            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
            "errorCode": error_code,
        }],
    }})
}

#[tokio::test]
async fn fcm_signs_a_jwt_for_one_token_and_sends_with_it() {
    let api = fcm_api(
        StatusCode::OK,
        json!({"name": "projects/cua-hang-test/messages/1"}),
    )
    .await;
    let fcm = fcm(&api);
    let message = message(Some(LINK));

    fcm.send(outgoing("device-token-1", &message))
        .await
        .unwrap();
    fcm.send(outgoing("device-token-2", &message))
        .await
        .unwrap();

    let token_requests = requests_to(&api, "/token");
    assert_eq!(token_requests.len(), 1, "the token is cached");
    let claims = verified_claims(&token_requests[0]).unwrap();
    assert_eq!(claims.iss, CLIENT_EMAIL);
    assert_eq!(claims.aud, format!("{}/token", api.base_url));
    assert_eq!(
        claims.scope,
        "https://www.googleapis.com/auth/firebase.messaging"
    );
    assert_eq!(claims.exp - claims.iat, 3600);
    let sends = requests_to(&api, SEND_PATH);
    assert_eq!(sends.len(), 2);
    assert_eq!(
        sends[0].json(),
        json!({"message": {
            "token": "device-token-1",
            "notification": {"title": TITLE, "body": BODY},
            "data": {"link": LINK},
            "webpush": {"fcm_options": {"link": LINK}},
        }})
    );
}

#[tokio::test]
async fn fcm_leaves_a_relative_link_to_the_app() {
    let api = fcm_api(
        StatusCode::OK,
        json!({"name": "projects/cua-hang-test/messages/1"}),
    )
    .await;
    let message = message(Some("/orders/12"));

    fcm(&api)
        .send(outgoing("device-token-1", &message))
        .await
        .unwrap();

    let sent = requests_to(&api, SEND_PATH)[0].json();
    assert_eq!(sent["message"]["data"], json!({"link": "/orders/12"}));
    assert!(sent["message"].get("webpush").is_none(), "{sent}");
}

#[tokio::test]
async fn fcm_unregistered_and_foreign_tokens_are_gone() {
    let answers = [
        (
            StatusCode::NOT_FOUND,
            fcm_error(404, "NOT_FOUND", "UNREGISTERED"),
        ),
        (
            StatusCode::FORBIDDEN,
            fcm_error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH"),
        ),
    ];
    for (status, answer) in answers {
        let api = fcm_api(status, answer).await;
        let message = message(None);

        let error = fcm(&api)
            .send(outgoing("stale-device-token", &message))
            .await
            .unwrap_err();

        assert!(matches!(error, SendError::Gone(_)), "{status}: {error:?}");
    }
}

#[tokio::test]
async fn fcm_server_error_is_retried_and_a_bad_request_refused() {
    let unavailable = fcm_api(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"error": {"code": 500}}),
    )
    .await;
    let invalid = fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT");
    let bad_request = fcm_api(StatusCode::BAD_REQUEST, invalid).await;
    let message = message(None);

    let retry = fcm(&unavailable)
        .send(outgoing("device-token-1", &message))
        .await
        .unwrap_err();
    let refusal = fcm(&bad_request)
        .send(outgoing("device-token-1", &message))
        .await
        .unwrap_err();

    assert!(matches!(retry, SendError::Retry(_)), "{retry:?}");
    assert!(matches!(refusal, SendError::Refused(_)), "{refusal:?}");
}

#[tokio::test]
async fn fcm_unauthorized_drops_the_token_and_retries() {
    let api = fcm_api(StatusCode::UNAUTHORIZED, json!({"error": {"code": 401}})).await;
    let fcm = fcm(&api);
    let message = message(None);

    for _ in 0..2 {
        let error = fcm
            .send(outgoing("device-token-1", &message))
            .await
            .unwrap_err();
        assert!(matches!(error, SendError::Retry(_)), "{error:?}");
    }

    assert_eq!(
        requests_to(&api, "/token").len(),
        2,
        "a new token each time"
    );
}

/// An environment holding only `variables`.
fn environment(variables: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let variables: HashMap<String, String> = variables
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    move |name| variables.get(name).cloned()
}

fn providers(channels: &Channels) -> [Option<&'static str>; 3] {
    [&channels.email, &channels.sms, &channels.push]
        .map(|sender| sender.as_ref().map(|sender| sender.provider()))
}

#[tokio::test]
async fn setup_without_variables_turns_the_channels_off() {
    let channels = Channels::from_lookup(environment(&[])).unwrap();

    assert_eq!(providers(&channels), [None, None, None]);
}

#[tokio::test]
async fn setup_smtp_wins_over_the_email_apis() {
    let channels = Channels::from_lookup(environment(&[
        ("SMTP_URL", "smtp://127.0.0.1:2525"),
        ("RESEND_API_KEY", "re_test_key"),
        ("SENDGRID_API_KEY", "SG.test-key"),
        ("MAIL_FROM", MAIL_FROM),
    ]))
    .unwrap();

    assert_eq!(providers(&channels), [Some("smtp"), None, None]);
}

#[tokio::test]
async fn setup_empty_values_count_as_unset() {
    let channels = Channels::from_lookup(environment(&[
        ("SMTP_URL", ""),
        ("RESEND_API_KEY", "re_test_key"),
        ("MAIL_FROM", MAIL_FROM),
        ("TWILIO_ACCOUNT_SID", ""),
        ("TWILIO_AUTH_TOKEN", " "),
        ("TWILIO_FROM", ""),
        ("VONAGE_API_KEY", "vonage-key"),
        ("VONAGE_API_SECRET", "vonage-secret"),
        ("VONAGE_FROM", "CuaHang"),
        ("FCM_SERVICE_ACCOUNT_FILE", ""),
    ]))
    .unwrap();

    assert_eq!(providers(&channels), [Some("resend"), Some("vonage"), None]);
}

#[tokio::test]
async fn setup_email_needs_mail_from() {
    let error =
        Channels::from_lookup(environment(&[("SENDGRID_API_KEY", "SG.test-key")])).unwrap_err();

    let error = format!("{error:#}");
    assert!(error.contains("MAIL_FROM"), "{error}");
    assert!(!error.contains("SG.test-key"), "{error}");
}

#[tokio::test]
async fn setup_invalid_mail_from_stops_the_start() {
    let error = Channels::from_lookup(environment(&[
        ("RESEND_API_KEY", "re_test_key"),
        ("MAIL_FROM", "Cửa hàng pos@shop"),
    ]))
    .unwrap_err();

    let error = format!("{error:#}");
    assert!(error.contains("MAIL_FROM"), "{error}");
    assert!(!error.contains("re_test_key"), "{error}");
}

#[tokio::test]
async fn setup_partial_twilio_names_the_missing_variables_on_one_line() {
    let error = Channels::from_lookup(environment(&[
        ("TWILIO_ACCOUNT_SID", "AC0123456789"),
        ("TWILIO_FROM", "+84900000000"),
    ]))
    .unwrap_err();

    let error = format!("{error:#}");
    assert!(error.contains("TWILIO_AUTH_TOKEN"), "{error}");
    assert!(!error.contains("TWILIO_FROM"), "{error}");
    assert!(!error.contains('\n'), "{error}");
}

#[tokio::test]
async fn setup_invalid_smtp_url_hides_the_password() {
    let error = Channels::from_lookup(environment(&[
        ("SMTP_URL", "smtp//user:hunter2@mail.example.vn"),
        ("MAIL_FROM", MAIL_FROM),
    ]))
    .unwrap_err();

    let error = format!("{error:#}");
    assert!(error.contains("SMTP_URL"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");
}

#[tokio::test]
async fn setup_fcm_file_errors_name_the_file_but_not_the_key() {
    let missing = std::env::temp_dir().join("poscake-test-no-such-service-account.json");
    let malformed = std::env::temp_dir().join(format!(
        "poscake-test-service-account-{}.json",
        std::process::id()
    ));
    let without_email = json!({"project_id": "cua-hang-test", "private_key": TEST_PRIVATE_KEY});
    std::fs::write(&malformed, without_email.to_string()).unwrap();

    for path in [&missing, &malformed] {
        let path = path.to_str().unwrap();
        let error =
            Channels::from_lookup(environment(&[("FCM_SERVICE_ACCOUNT_FILE", path)])).unwrap_err();

        let error = format!("{error:#}");
        assert!(error.contains(path), "{error}");
        assert!(!error.contains("PRIVATE KEY"), "{error}");
    }
    std::fs::remove_file(malformed).unwrap();
}
