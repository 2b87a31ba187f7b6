//! Product categories: a tree, each category optionally under a parent.

mod repo;
mod routes;
mod service;

use serde::{Deserialize, Serialize};

pub use routes::router;
pub use service::{find_or_create_by_name, list, list_names};

/// A category as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The body of `POST` and `PUT /api/categories`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryRequest {
    pub name: Option<String>,
    pub parent_id: Option<i64>,
}
