//! shop: the library behind the `shop` binary, so tests can drive the
//! router and the database without a socket.

pub mod api;
pub mod app;
pub mod attribution;
pub mod auth;
pub mod catalog;
pub mod categories;
pub mod cli;
pub mod clock;
pub mod config;
pub mod customers;
pub mod db;
pub mod error;
pub mod extract;
pub mod filter;
pub mod geo;
pub mod health;
pub mod inventory;
pub mod metrics;
pub mod money;
pub mod notifications;
pub mod orders;
pub mod pagination;
pub mod pancake;
pub mod pancake_customers;
pub mod pancake_inventory;
pub mod pancake_orders;
pub mod pancake_products;
pub mod payments;
pub mod reports;
pub mod request_id;
pub mod search;
pub mod seed;
pub mod settings;
pub mod stocktake;
pub mod validate;
pub mod warehouses;
pub mod web;
pub mod webhooks;

pub use app::{app, AppState};
pub use error::AppError;
