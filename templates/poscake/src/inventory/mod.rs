//! Stock: warehouses, the quantity on hand of each variant in each, and the
//! append-only ledger of movements that explains every change.
//!
//! The one invariant: for every variant and warehouse, on hand equals the sum
//! of its movements. [`ledger::post`] and [`ledger::post_all`] are the only
//! code that changes stock, and they write the movements and the levels in
//! the caller's transaction.

pub mod ledger;
pub mod model;
pub(crate) mod repo;
mod routes;
pub mod service;

pub use routes::router;
