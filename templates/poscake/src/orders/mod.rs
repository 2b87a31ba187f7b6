//! Orders: checkout, the status flow, cash payments and cancellation.
//!
//! An order moves `pending → paid → completed`; a pending or paid order may
//! instead be `cancelled`, which puts its stock back. Each order gets a
//! human-readable number from its id, `HD` (hoá đơn, invoice) and at least
//! six digits: order 123 is `HD000123`.

pub mod checkout;
pub mod model;
pub mod payments;
mod pricing;
pub mod repo;
mod routes;
pub mod service;

pub use model::{OrderFilter, OrderHeader};
pub use routes::router;
pub use service::list;

/// The human-readable number of order `id`.
fn order_number(id: i64) -> String {
    format!("HD{id:06}")
}

#[cfg(test)]
mod tests {
    use super::order_number;

    #[test]
    fn numbers_are_padded_to_six_digits() {
        assert_eq!(order_number(123), "HD000123");
        assert_eq!(order_number(1_234_567), "HD1234567");
    }
}
