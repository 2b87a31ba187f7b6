//! Customers, known by phone number, and their purchase history.

mod repo;
mod routes;
pub mod service;

use serde::{Deserialize, Serialize};

pub use routes::router;
pub use service::{exists, normalise_phone, upsert_by_phone};

/// A customer as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub points: i64,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
    /// `provinceId`, `districtId` and `communeId`, of either address scheme.
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub area: crate::geo::Area,
}

/// The body of `POST` and `PUT /api/customers`. On `PUT`, leaving out
/// `points` keeps the balance; the other fields are replaced.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRequest {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub points: Option<i64>,
}
