//! Asking a gateway to give money back from one of its payments.

use super::repo::GatewayPaymentRef;
use crate::payments::{
    gateways::{momo, stripe, vnpay, GatewayError, Gateways},
    model::Provider,
    now_unix, start,
};

/// VNPay records the address of the server asking for a refund; there is no
/// address the app could know to be its own from outside, so it sends the
/// loopback address, as VNPay's own demo code does.
const SERVER_IP_ADDR: &str = "127.0.0.1";

/// Whether money taken through `provider` can go back the same way: the
/// gateway has a refund API and the app is configured for it. A bank
/// transfer cannot be sent back by SePay, so it comes back in cash.
pub fn can_refund(gateways: &Gateways, provider: Provider) -> bool {
    match provider {
        Provider::VietQr => false,
        Provider::VnPay => gateways.vnpay.is_some(),
        Provider::MoMo => gateways.momo.is_some(),
        Provider::Stripe => gateways.stripe.is_some(),
    }
}

/// One refund request to a gateway.
pub struct GiveBack<'a> {
    /// Ours, unique per request: e.g. `TH000007-1`.
    pub reference: &'a str,
    pub amount: i64,
    pub payment: &'a GatewayPaymentRef,
    /// Who asks, for VNPay's records.
    pub actor: &'a str,
    pub order_number: &'a str,
}

/// Asks the payment's gateway to refund `amount`; the gateway's id for the
/// refund when it gives one.
pub async fn give_back(
    gateways: &Gateways,
    request: &GiveBack<'_>,
) -> Result<Option<String>, GatewayError> {
    let payment = request.payment;
    let not_configured =
        || GatewayError::Malformed(format!("{} is not configured", payment.provider));
    let transaction_id = || {
        payment.transaction_id.clone().ok_or_else(|| {
            GatewayError::Malformed("the gateway never confirmed this payment".into())
        })
    };
    let description = format!("Hoan tien don {}", request.order_number);
    match Provider::parse(&payment.provider) {
        Some(Provider::VnPay) => {
            let config = gateways.vnpay.as_deref().ok_or_else(not_configured)?;
            let refund = vnpay::RefundRequest {
                request_id: request.reference.to_owned(),
                refund_type: if request.amount == payment.amount {
                    vnpay::RefundType::Full
                } else {
                    vnpay::RefundType::Partial
                },
                txn_ref: payment.reference.clone(),
                amount_vnd: request.amount,
                transaction_no: Some(transaction_id()?),
                transaction_date_unix: start::vnpay_create_date(&payment.created_at),
                create_by: vnpay::plain_text(request.actor, 255),
                ip_addr: SERVER_IP_ADDR.into(),
                order_info: vnpay::plain_text(&description, 255),
                now_unix: now_unix(),
            };
            let answer = vnpay::refund(&gateways.http, config, &refund).await?;
            Ok(Some(answer.transaction_no).filter(|no| !no.is_empty()))
        }
        Some(Provider::MoMo) => {
            let config = gateways.momo.as_deref().ok_or_else(not_configured)?;
            let trans_id = transaction_id()?.parse().map_err(|_| {
                GatewayError::Malformed("MoMo's transaction id is not a number".into())
            })?;
            let refund = momo::RefundRequest {
                order_id: request.reference.to_owned(),
                request_id: request.reference.to_owned(),
                amount: request.amount,
                trans_id,
                description,
            };
            let answer = momo::refund(&gateways.http, config, &refund).await?;
            Ok(answer.trans_id.map(|id| id.to_string()))
        }
        Some(Provider::Stripe) => {
            let config = gateways.stripe.as_deref().ok_or_else(not_configured)?;
            let intent = payment.provider_ref.as_deref().unwrap_or_default();
            // The key is ours and unique per request, so a retried call
            // cannot refund twice.
            let key = format!("refund-{}", request.reference);
            let answer =
                stripe::refund(&gateways.http, config, intent, Some(request.amount), &key).await?;
            if matches!(answer.status.as_str(), "failed" | "canceled") {
                return Err(GatewayError::Rejected {
                    code: answer.status,
                    message: "Stripe did not refund the payment".into(),
                });
            }
            Ok(Some(answer.id))
        }
        Some(Provider::VietQr) | None => Err(GatewayError::Malformed(format!(
            "{} payments cannot be refunded through a gateway",
            payment.provider
        ))),
    }
}
