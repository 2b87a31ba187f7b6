//! Taking money through payment gateways: bank transfer by VietQR code with
//! SePay's confirmation, and (as they are configured) VNPay, MoMo and Stripe.
//!
//! Starting a payment records an attempt with our payment code; the gateway's
//! notification is checked by its adapter in [`gateways`], then applied once
//! by [`settle`], which pays the order through the core's payment rule.

pub mod gateways;
pub mod model;
mod routes;
pub mod settle;
mod start;
pub mod vietqr;

pub use gateways::Gateways;
pub use routes::{router, start_for_order};
