//! `pos-geo` skill: Vietnamese provinces, districts and communes from Pancake POS,
//! kept in a local cache ([`cache`]), served as a small JSON API and as the
//! cascading address fields of the customer and warehouse forms ([`address`]).
//!
//! Vietnam's 2025-07-01 reform removed districts. Old-format ids (`101`) use the
//! province → district → commune hierarchy; new-format province ids (`84_VN101`)
//! list communes directly, with `district_id` null.

use serde::{Deserialize, Serialize};

use crate::pancake::{id_string, opt_id_string, PancakeClient, PancakeError};

pub mod address;
pub mod cache;
pub mod cli;
mod pages;
mod routes;
#[cfg(test)]
mod tests;
mod text;

pub use address::{Area, AreaForm};
pub use cache::Scheme;
pub use routes::{router, router_with};

/// Vietnam's country code as Pancake spells it (not `"VN"`).
pub const VIETNAM: &str = "84";

/// A province as Pancake sends it; serialized in camelCase for the host API.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct Province {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// Post-2025 id (`84_VN…`), when Pancake knows one.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub new_id: Option<String>,
}

/// A pre-2025 district; new-format provinces have none.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct District {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(deserialize_with = "id_string")]
    pub province_id: String,
}

/// A ward or commune, the level shipping partners need to accept an address.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct Commune {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// Null for communes listed under a new-format province.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub district_id: Option<String>,
    #[serde(deserialize_with = "id_string")]
    pub province_id: String,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub new_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub postcode: Option<String>,
}

/// Filters for [`PancakeClient::provinces`]; the default lists Vietnam's old provinces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceQuery {
    pub country_code: String,
    /// Only the provinces created by the 2025 reform.
    pub is_new: bool,
    /// Old and new provinces together.
    pub all: bool,
}

impl Default for ProvinceQuery {
    fn default() -> Self {
        ProvinceQuery {
            country_code: VIETNAM.to_owned(),
            is_new: false,
            all: false,
        }
    }
}

impl PancakeClient {
    /// `GET /geo/provinces`. `country_code` is required by Pancake, so it is always sent.
    pub async fn provinces(&self, query: &ProvinceQuery) -> Result<Vec<Province>, PancakeError> {
        let mut params = vec![("country_code", query.country_code.as_str())];
        if query.is_new {
            params.push(("is_new", "true"));
        }
        if query.all {
            params.push(("all", "true"));
        }
        self.get_list("/geo/provinces", &params).await
    }

    /// `GET /geo/districts` for an old-format province id.
    pub async fn districts(&self, province_id: &str) -> Result<Vec<District>, PancakeError> {
        self.get_list("/geo/districts", &[("province_id", province_id)])
            .await
    }

    /// `GET /geo/communes`. The spec marks `district_id` required, but Pancake
    /// answers with `province_id` alone, which new-format provinces need.
    pub async fn communes(
        &self,
        province_id: &str,
        district_id: Option<&str>,
    ) -> Result<Vec<Commune>, PancakeError> {
        let mut params = vec![("province_id", province_id)];
        if let Some(district_id) = district_id {
            params.push(("district_id", district_id));
        }
        self.get_list("/geo/communes", &params).await
    }
}
