//! Many warehouses: their details and what each holds, transfers between
//! them as paired stock movements, the till's choice of warehouse, and the
//! link from each to the Pancake POS warehouse it mirrors.
//!
//! Stock still changes only through [`crate::inventory::ledger`]; this module
//! adds places and moves between them, never a second way to change stock.

pub mod cli;
pub mod model;
mod pages;
pub mod pancake;
mod repo;
mod routes;
pub mod service;
#[cfg(test)]
mod tests;
mod text;
pub mod transfers;

pub use routes::router;
