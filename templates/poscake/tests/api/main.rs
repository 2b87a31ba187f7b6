//! API tests: one test binary that drives the router without a socket.
//!
//! Every test runs on a fresh SQLite file by default, or on a fresh PostgreSQL
//! database when `TEST_DATABASE_URL` points at a PostgreSQL server.

mod database;
mod health;
mod helpers;
mod metrics;
mod not_found;
mod request_id;
mod settings;
