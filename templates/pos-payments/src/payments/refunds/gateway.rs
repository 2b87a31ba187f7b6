//! Asking a gateway to give money back from one of its payments, through its
//! adapter.

use super::repo::GatewayPaymentRef;
use crate::payments::{
    gateways::{Attempt, GatewayError, Gateways, RefundCall},
    model::Provider,
};

/// Whether money taken through `provider` can go back the same way: the
/// gateway has a refund API and the app is configured for it. A bank
/// transfer cannot be sent back by SePay, so it comes back in cash.
pub fn can_refund(gateways: &Gateways, provider: Provider) -> bool {
    gateways
        .adapter(provider)
        .is_some_and(|adapter| adapter.refunds())
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
    let adapter = Provider::parse(&payment.provider)
        .and_then(|provider| gateways.adapter(provider))
        .ok_or_else(|| {
            GatewayError::Malformed(format!("{} is not configured", payment.provider))
        })?;
    let call = RefundCall {
        reference: request.reference,
        amount: request.amount,
        payment: Attempt {
            reference: &payment.reference,
            amount: payment.amount,
            order_number: request.order_number,
            created_at: &payment.created_at,
            public_base_url: gateways.public_base_url.as_deref(),
        },
        provider_ref: payment.provider_ref.as_deref(),
        transaction_id: payment.transaction_id.as_deref(),
        actor: request.actor,
    };
    adapter.refund(&gateways.http, &call).await
}
