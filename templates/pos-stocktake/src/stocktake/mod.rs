//! Stock counts: a warehouse, or one category of it, counted by scanner or
//! by hand while the till may still sell; each line's variance against the
//! books it was compared with; a manager's approval that applies them as
//! ADJUSTMENT movements; and Pancake POS stocktakings.
//!
//! Stock still changes only through [`crate::inventory::ledger`], in the
//! transaction that marks the count applied.

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

pub use routes::router;
