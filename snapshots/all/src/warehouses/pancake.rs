//! Pancake POS warehouses: listed, created and changed through the shared
//! client, and each linked to the app's warehouse whose stock it mirrors.
//!
//! Pancake has no endpoint for one warehouse, so the list stands in for it:
//! an update is checked against the list before and after.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sqlx::AnyPool;

use super::{model::WarehouseDetail, repo, service::normalise_code};
use crate::geo::Area;
use crate::{
    db,
    pancake::{id_string, opt_id_string, path_segment, PancakeClient, PancakeError},
    AppError,
};

/// A warehouse as Pancake describes it. Fields these types do not name are
/// kept in `extra`, since an update sends the whole warehouse back.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PancakeWarehouse {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub full_address: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub province_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub district_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub commune_id: Option<String>,
    /// `84` in lists, `"84"` elsewhere, sometimes null.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub country_code: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What `create` and `update` set; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarehouseChange {
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone_number: Option<String>,
    /// Sent only with old-scheme ids (see [`set_area`]).
    pub area: Option<Area>,
}

impl PancakeClient {
    /// The shop's warehouses (`GET /shops/{id}/warehouses`, not paged).
    pub async fn warehouses(&self) -> Result<Vec<PancakeWarehouse>, PancakeError> {
        self.get_list(&self.shop_path("/warehouses")?, &[]).await
    }

    /// Creates a warehouse, then finds it in the list: the answer's shape is
    /// not the same in the spec and the live API.
    pub async fn create_warehouse(
        &self,
        change: &WarehouseChange,
    ) -> Result<PancakeWarehouse, PancakeError> {
        let name = change.name.clone().unwrap_or_default();
        let mut body = json!({
            "name": name,
            // Required by Pancake; an empty layout means no shelves.
            "shelf_config": {},
        });
        set_fields(&mut body, change);
        let answer = self.post(&self.shop_path("/warehouses")?, &body).await?;
        let id = answer
            .get("data")
            .unwrap_or(&answer)
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let listed = self.warehouses().await?;
        let mut named = listed.into_iter().filter(|warehouse| match &id {
            Some(id) => &warehouse.id == id,
            None => warehouse.name == name,
        });
        match (named.next(), named.next()) {
            (Some(created), None) => Ok(created),
            _ => Err(PancakeError::NotVerified {
                reason: format!("warehouse {name:?} is not in the list once after creating it"),
            }),
        }
    }

    /// Changes a warehouse: the whole warehouse as Pancake lists it goes
    /// back with the change, and the list must show the change afterwards.
    pub async fn update_warehouse(
        &self,
        id: &str,
        change: &WarehouseChange,
    ) -> Result<PancakeWarehouse, PancakeError> {
        let list = self.shop_path("/warehouses")?;
        let current = self
            .warehouses()
            .await?
            .into_iter()
            .find(|warehouse| warehouse.id == id)
            .ok_or_else(|| PancakeError::NotVerified {
                reason: format!("no warehouse {id} in the shop"),
            })?;
        let mut body =
            serde_json::to_value(&current).map_err(|err| PancakeError::Decode(err.to_string()))?;
        if body.get("shelf_config").is_none_or(Value::is_null) {
            body["shelf_config"] = json!({});
        }
        set_fields(&mut body, change);
        let path = self.shop_path(&format!("/warehouses/{}", path_segment(id)))?;
        let after = self
            .update_verified(&list, &path, &body, |after| took(after, id, change))
            .await?;
        let updated = listed_one(&after, id).cloned().unwrap_or(Value::Null);
        serde_json::from_value(updated).map_err(|err| PancakeError::Decode(err.to_string()))
    }
}

fn set_fields(body: &mut Value, change: &WarehouseChange) {
    let fields = [
        ("name", &change.name),
        ("address", &change.address),
        ("phone_number", &change.phone_number),
    ];
    for (field, value) in fields {
        if let Some(value) = value {
            body[field] = json!(value);
        }
    }
    if let Some(area) = &change.area {
        set_area(body, area);
    }
}

/// Pancake's warehouse endpoint takes only the pre-2025 area ids
/// (`province_id`, `district_id`, `commune_id`; as of 2026-04 it has no field
/// for the 2025 scheme), so a warehouse with 2025 ids sends none and keeps
/// whatever area Pancake has for it.
fn set_area(body: &mut Value, area: &Area) {
    if let Some(area) = area.old_scheme() {
        body["province_id"] = json!(area.province_id);
        body["district_id"] = json!(area.district_id);
        body["commune_id"] = json!(area.commune_id);
    }
}

/// Whether the listed `warehouse` is in the old-scheme `area` sent; Pancake
/// lists ids as strings or numbers.
fn took_area(warehouse: &Value, id: &str, area: &Area) -> Result<(), String> {
    let Some(area) = area.old_scheme() else {
        return Ok(());
    };
    let fields = [
        ("province_id", &area.province_id),
        ("district_id", &area.district_id),
        ("commune_id", &area.commune_id),
    ];
    for (field, wanted) in fields {
        let now = match &warehouse[field] {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        };
        if &now != wanted {
            return Err(format!(
                "{field} of warehouse {id} is {now:?}, not {wanted:?}"
            ));
        }
    }
    Ok(())
}

/// Warehouse `id` in a list answer, with or without its `data` envelope.
fn listed_one<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.get("data")
        .unwrap_or(list)
        .as_array()?
        .iter()
        .find(|warehouse| warehouse["id"] == id)
}

/// Whether the listed warehouse `id` in `after` shows every change.
fn took(after: &Value, id: &str, change: &WarehouseChange) -> Result<(), String> {
    let warehouse =
        listed_one(after, id).ok_or_else(|| format!("warehouse {id} is gone from the list"))?;
    if let Some(area) = &change.area {
        took_area(warehouse, id, area)?;
    }
    let fields = [
        ("name", &change.name),
        ("address", &change.address),
        ("phone_number", &change.phone_number),
    ];
    for (field, wanted) in fields {
        if let Some(wanted) = wanted {
            let now = warehouse[field].as_str().unwrap_or_default();
            if now != wanted {
                return Err(format!(
                    "{field} of warehouse {id} is {now:?}, not {wanted:?}"
                ));
            }
        }
    }
    Ok(())
}

/// Links the app's warehouse `code` to Pancake warehouse `pancake_id`, which
/// must exist in the shop; with `None`, removes the link.
pub async fn link(
    client: &PancakeClient,
    db: &AnyPool,
    code: &str,
    pancake_id: Option<&str>,
) -> anyhow::Result<WarehouseDetail> {
    if let Some(pancake_id) = pancake_id {
        let listed = client.warehouses().await?;
        anyhow::ensure!(
            listed.iter().any(|warehouse| warehouse.id == pancake_id),
            "Pancake has no warehouse {pancake_id} in this shop (`pancake warehouses list` shows them)"
        );
    }
    let mut tx = db::begin_write(db).await?;
    let code = normalise_code(code);
    let Some(warehouse) = repo::find_by_code(&mut tx, &code).await? else {
        anyhow::bail!("the app has no warehouse {code}");
    };
    if let Some(pancake_id) = pancake_id {
        if let Some(owner) = repo::pancake_owner(&mut tx, pancake_id, Some(warehouse.id)).await? {
            return Err(AppError::Conflict(format!(
                "Pancake warehouse {pancake_id} is already linked to warehouse {owner}."
            ))
            .into());
        }
    }
    repo::set_pancake_link(&mut tx, warehouse.id, pancake_id).await?;
    let linked = repo::find(&mut tx, warehouse.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("warehouse {code} vanished"))?;
    tx.commit().await?;
    Ok(linked)
}
