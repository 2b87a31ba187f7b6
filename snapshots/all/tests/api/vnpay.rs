//! VNPay: the payment URL the till hands the customer, and the IPN that pays
//! the order exactly once, answered with the `RspCode` VNPay expects.

use std::{collections::BTreeMap, sync::Arc};

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::{
    gateway_support::{
        flagged, notifications, order_state, payment_status, shop_with_order, start, ORDER_TOTAL,
        PUBLIC_BASE_URL,
    },
    helpers::TestApp,
};
use shop::payments::{
    gateways::vnpay::{self, VnpayConfig},
    Gateways,
};

/// The spec's dummy secret and terminal code.
const SECRET: &str = "TESTSECRETKEY0123456789ABCDEFGHI";
const TMN_CODE: &str = "DEMO0001";

fn gateways() -> Gateways {
    let config = VnpayConfig {
        tmn_code: TMN_CODE.into(),
        hash_secret: SECRET.into(),
        pay_url: vnpay::SANDBOX_PAY_URL.into(),
        api_url: vnpay::SANDBOX_API_URL.into(),
    };
    Gateways {
        vnpay: Some(Arc::new(config)),
        ..Gateways::default()
    }
    .with_public_base_url(PUBLIC_BASE_URL)
}

/// A shop with a pending order and a VNPay payment started for all of it.
async fn shop_with_payment() -> (TestApp, i64, Value) {
    let (app, order) = shop_with_order(gateways()).await;
    let (status, body) = start(&app, order, "vnpay").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (app, order, body["data"].clone())
}

/// What VNPay reports about a payment.
struct Ipn<'a> {
    reference: &'a str,
    amount: i64,
    transaction_no: &'a str,
    /// Both `vnp_ResponseCode` and `vnp_TransactionStatus`.
    code: &'a str,
}

impl Ipn<'_> {
    /// The IPN's URL, signed with `secret` as VNPay signs it.
    fn uri(&self, secret: &str) -> String {
        let params = self.params();
        format!(
            "/api/payments/ipn/vnpay?{}&vnp_SecureHash={}",
            vnpay::sign_data(&params),
            vnpay::sign(&params, secret)
        )
    }

    fn params(&self) -> BTreeMap<String, String> {
        [
            ("vnp_Amount", (self.amount * 100).to_string()),
            ("vnp_BankCode", "NCB".into()),
            ("vnp_BankTranNo", "VNP14226112".into()),
            ("vnp_CardType", "ATM".into()),
            ("vnp_OrderInfo", "Thanh toan don HD000001".into()),
            ("vnp_PayDate", "20261126140512".into()),
            ("vnp_ResponseCode", self.code.into()),
            ("vnp_TmnCode", TMN_CODE.into()),
            ("vnp_TransactionNo", self.transaction_no.into()),
            ("vnp_TransactionStatus", self.code.into()),
            ("vnp_TxnRef", self.reference.into()),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
    }
}

/// A successful payment of the whole order.
fn paid(payment: &Value) -> Ipn<'_> {
    Ipn {
        reference: payment["reference"].as_str().unwrap(),
        amount: ORDER_TOTAL,
        transaction_no: "14226112",
        code: "00",
    }
}

/// Sends an IPN and returns VNPay's answer, which always comes with 200.
async fn send(app: &TestApp, uri: &str) -> Value {
    let (status, body) = app.get(uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn reply(code: &str, message: &str) -> Value {
    json!({"RspCode": code, "Message": message})
}

#[tokio::test]
async fn the_payment_url_carries_the_reference_the_amount_and_vnpay_s_signature() {
    let (app, _, payment) = shop_with_payment().await;
    assert_eq!(payment["status"], "pending");
    assert_eq!(payment["amount"], ORDER_TOTAL);
    let reference = payment["reference"].as_str().unwrap();
    let url = payment["redirectUrl"].as_str().unwrap();
    let (page, query) = url.split_once('?').unwrap();
    assert_eq!(page, vnpay::SANDBOX_PAY_URL);

    let mut params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let hash = params.remove("vnp_SecureHash").unwrap();
    assert_eq!(params["vnp_TxnRef"], reference);
    assert_eq!(params["vnp_Amount"], (ORDER_TOTAL * 100).to_string());
    assert_eq!(params["vnp_TmnCode"], TMN_CODE);
    assert_eq!(params["vnp_CurrCode"], "VND");
    assert_eq!(
        params["vnp_ReturnUrl"],
        format!("{PUBLIC_BASE_URL}/payments/return/vnpay")
    );
    assert!(params["vnp_OrderInfo"].starts_with("Thanh toan don "));
    assert_eq!(vnpay::sign(&params, SECRET), hash);
    assert_eq!(
        vnpay::sign_data(&params),
        query.split("&vnp_SecureHash").next().unwrap()
    );

    // The page the customer comes back to says nothing it cannot know.
    let (status, content_type, page) = app.get_text("/payments/return/vnpay").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(page.contains("thu ngân"), "{page}");
}

#[tokio::test]
async fn a_valid_ipn_pays_the_order() {
    let (app, order, payment) = shop_with_payment().await;
    let answer = send(&app, &paid(&payment).uri(SECRET)).await;
    assert_eq!(answer, reply("00", "Confirm Success"));
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert_eq!(payment_status(&app, &payment).await, "succeeded");
    let (_, detail) = app.get(&format!("/api/orders/{order}")).await;
    assert_eq!(detail["data"]["payments"][0]["method"], "vnpay");
    assert_eq!(detail["data"]["payments"][0]["amount"], ORDER_TOTAL);
}

#[tokio::test]
async fn the_same_ipn_five_times_pays_once_and_is_confirmed_five_times() {
    let (app, order, payment) = shop_with_payment().await;
    let uri = paid(&payment).uri(SECRET);
    for _ in 0..5 {
        assert_eq!(send(&app, &uri).await, reply("00", "Confirm Success"));
    }
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert_eq!(notifications(&app).await, 1);
}

#[tokio::test]
async fn a_forged_ipn_is_refused_and_changes_nothing() {
    let (app, order, payment) = shop_with_payment().await;
    let forged = paid(&payment).uri("a-guessed-secret");
    assert_eq!(send(&app, &forged).await, reply("97", "Invalid signature"));

    // VNPay's own signature over a smaller amount does not cover a larger one.
    let cheap = Ipn {
        amount: 1_000,
        ..paid(&payment)
    }
    .uri(SECRET);
    let raised = cheap.replace(
        "vnp_Amount=100000&",
        &format!("vnp_Amount={}&", ORDER_TOTAL * 100),
    );
    assert_ne!(raised, cheap);
    assert_eq!(send(&app, &raised).await, reply("97", "Invalid signature"));

    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert_eq!(payment_status(&app, &payment).await, "pending");
    assert_eq!(notifications(&app).await, 0);
}

#[tokio::test]
async fn a_wrong_amount_is_refused_and_flagged() {
    let (app, order, payment) = shop_with_payment().await;
    let short = Ipn {
        amount: 7_500,
        ..paid(&payment)
    };
    assert_eq!(
        send(&app, &short.uri(SECRET)).await,
        reply("04", "invalid amount")
    );
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    let flagged = flagged(&app).await;
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["provider"], "vnpay");
    assert_eq!(flagged[0]["outcome"], "mismatch");
    assert_eq!(
        flagged[0]["detail"],
        "expected 75000 VND, received 7500 VND"
    );
}

#[tokio::test]
async fn an_unknown_reference_is_order_not_found() {
    let (app, order, payment) = shop_with_payment().await;
    let stranger = Ipn {
        reference: "PC999999",
        ..paid(&payment)
    };
    assert_eq!(
        send(&app, &stranger.uri(SECRET)).await,
        reply("01", "Order not found")
    );
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert_eq!(flagged(&app).await[0]["outcome"], "unmatched");
}

#[tokio::test]
async fn a_cancelled_payment_fails_the_attempt_and_is_confirmed() {
    let (app, order, payment) = shop_with_payment().await;
    // The customer cancelled on VNPay's page: no VNPay transaction was made.
    let cancelled = Ipn {
        transaction_no: "0",
        code: "24",
        ..paid(&payment)
    };
    for _ in 0..2 {
        assert_eq!(
            send(&app, &cancelled.uri(SECRET)).await,
            reply("00", "Confirm Success")
        );
    }
    assert_eq!(payment_status(&app, &payment).await, "failed");
    assert_eq!(order_state(&app, order).await, ("pending".into(), 0));
    assert_eq!(notifications(&app).await, 1);
    assert!(flagged(&app).await.is_empty());
}

#[tokio::test]
async fn another_ipn_for_a_paid_attempt_is_already_confirmed() {
    let (app, order, payment) = shop_with_payment().await;
    assert_eq!(
        send(&app, &paid(&payment).uri(SECRET)).await,
        reply("00", "Confirm Success")
    );
    let again = Ipn {
        transaction_no: "14226113",
        ..paid(&payment)
    };
    assert_eq!(
        send(&app, &again.uri(SECRET)).await,
        reply("02", "Order already confirmed")
    );
    assert_eq!(order_state(&app, order).await, ("paid".into(), 1));
    assert_eq!(flagged(&app).await[0]["outcome"], "not_payable");
}

#[tokio::test]
async fn vnpay_is_offered_only_with_a_public_base_url() {
    let without_url = Gateways {
        public_base_url: None,
        ..gateways()
    };
    let (app, order) = shop_with_order(without_url).await;
    let (status, body) = start(&app, order, "vnpay").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"][0]["message"],
        "must be one of the methods offered: cash"
    );
}
