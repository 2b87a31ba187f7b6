//! Taking money through payment gateways: bank transfer by VietQR code with
//! SePay's confirmation, and (as they are configured) VNPay, MoMo and Stripe.
//!
//! Every provider is reached through its adapter, a [`gateways::Gateway`]:
//! starting a payment records an attempt with our payment code and asks the
//! adapter for what the customer needs; the provider's notification is
//! checked and read by the adapter, then applied once by [`settle`], which
//! pays the order through the core's payment rule; a refund asks the adapter
//! to give the money back. [`gateways`] says how to add a provider.

pub mod gateways;
pub mod model;
mod pages;
pub mod refunds;
mod routes;
pub mod settle;
pub mod shifts;
mod start;
pub mod till;
pub mod vietqr;

use std::time::{SystemTime, UNIX_EPOCH};

pub use gateways::Gateways;
pub use routes::{router, start_for_order};

/// Seconds since the Unix epoch, as the gateways sign and date things.
fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}
