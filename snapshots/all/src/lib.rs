//! shop: the library behind the `shop` binary, so tests can drive the
//! router and the database without a socket.

pub mod api;
pub mod app;
pub mod bind;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod geo;
pub mod health;
pub mod metrics;
pub mod pancake;
pub mod request_id;
pub mod settings;

pub use app::{app, AppState};
pub use error::AppError;
