//! API tests: one test binary that drives the router without a socket.
//!
//! Every test runs on a fresh SQLite file by default, or on a fresh PostgreSQL
//! database when `TEST_DATABASE_URL` points at a PostgreSQL server.

mod auth;
mod bank_transfer;
mod categories;
mod concurrency;
mod customers;
mod database;
mod gateway_support;
mod health;
mod helpers;
mod import_export;
mod inventory;
mod metrics;
mod momo;
mod not_found;
mod notification_channels;
mod notification_support;
mod notifications;
mod orders;
mod page_forms;
mod pages;
mod payments;
mod permissions;
mod products;
mod refunds;
mod reports;
mod request_id;
mod search_speed;
mod seed;
mod settings;
mod shifts;
mod stocktakes;
mod stripe;
mod vnpay;
mod warehouses;
