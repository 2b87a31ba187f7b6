//! Pancake POS stocktakings through the shared client, and sending an
//! applied stock count of the app's to Pancake once.
//!
//! Pancake answers a created stocktaking with a bare `success`, so the one
//! just sent is found again in the list by its note, which names the app's
//! count (`KK…`); that also finds one sent before whose link was not saved,
//! so a count is never sent twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};
use sqlx::AnyPool;

use super::{
    model::{Status, Stocktake},
    repo, service,
};
use crate::{
    db,
    pancake::{
        opt_id_string, opt_number, opt_whole, or_default, path_segment, Page, PageStyle,
        PancakeClient, PancakeError,
    },
};

/// Pancake's default page size.
pub const PAGE_SIZE: u32 = 30;
/// Variations per page when reading them all to match SKUs.
const VARIATION_PAGE_SIZE: u32 = 100;
/// The most pages of variations read: 100 000 variations.
const MAX_VARIATION_PAGES: u32 = 1000;
/// The most pages of stocktakings searched for one just sent.
const MAX_SEARCH_PAGES: u32 = 20;

/// A stocktaking's status as Pancake numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StocktakingStatus {
    /// Every status (lists only).
    All,
    /// Being set up.
    Creating,
    /// Being counted.
    Counting,
    /// Counted, and Pancake's stock adjusted.
    Done,
    Cancelled,
}

impl StocktakingStatus {
    pub fn code(self) -> i64 {
        match self {
            Self::All => -2,
            Self::Creating => -1,
            Self::Counting => 0,
            Self::Done => 1,
            Self::Cancelled => 2,
        }
    }

    /// The name of a status code; unknown codes are shown as numbers.
    pub fn name(code: i64) -> String {
        match code {
            -1 => "creating".into(),
            0 => "counting".into(),
            1 => "done".into(),
            2 => "cancelled".into(),
            other => other.to_string(),
        }
    }
}

/// A stocktaking as Pancake describes it; fields these types do not name are
/// kept in `extra`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PancakeStocktaking {
    #[serde(deserialize_with = "crate::pancake::id_string")]
    pub id: String,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub display_id: Option<String>,
    #[serde(default, deserialize_with = "opt_whole")]
    pub status: Option<i64>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub warehouse_id: Option<String>,
    /// What the count covers, such as `category_ids`.
    #[serde(default)]
    pub stocktaking_by: Option<String>,
    /// The ids of what it covers; Pancake sends strings, or numbers.
    #[serde(default, deserialize_with = "id_list")]
    pub stocktaking_by_value: Vec<String>,
    #[serde(default)]
    pub stocktaking_at: Option<String>,
    /// Per cent counted.
    #[serde(default, deserialize_with = "opt_number")]
    pub progress: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default, deserialize_with = "or_default")]
    pub items: Vec<StocktakingItem>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub creator_id: Option<String>,
    #[serde(default)]
    pub inserted_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One variation of a stocktaking.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct StocktakingItem {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub variation_id: Option<String>,
    /// Counted less what Pancake held.
    #[serde(default, deserialize_with = "opt_whole")]
    pub changed_quantity: Option<i64>,
    /// What Pancake held when it was counted.
    #[serde(default, deserialize_with = "opt_whole")]
    pub current_quantity: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Ids that may arrive as strings or numbers, as strings; null as none.
fn id_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let values: Vec<Value> = or_default(deserializer)?;
    Ok(values
        .into_iter()
        .filter_map(|value| match value {
            Value::String(text) => Some(text),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        })
        .collect())
}

/// One variation's change in a stocktaking to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewItem {
    pub variation_id: String,
    pub changed_quantity: i64,
}

/// A stocktaking to create (`POST /shops/{id}/stocktakings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewStocktaking {
    pub warehouse_id: String,
    pub items: Vec<NewItem>,
    /// A code of [`StocktakingStatus`].
    pub status: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stocktaking_at: Option<String>,
}

/// What to change on a stocktaking; `None` leaves a field as it is. Items
/// name their variation; the item ids Pancake needs are read first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StocktakingChange {
    /// Variation id and its new changed quantity.
    pub items: Vec<(String, i64)>,
    pub status: Option<i64>,
    pub note: Option<String>,
}

impl PancakeClient {
    /// One page of stocktakings, of one status or all.
    pub async fn stocktakings(
        &self,
        status: StocktakingStatus,
        page: u32,
    ) -> Result<Page<PancakeStocktaking>, PancakeError> {
        let path = self.shop_path("/stocktakings")?;
        let status = status.code().to_string();
        self.get_page(
            &path,
            &[("status", &status)],
            PageStyle::Page,
            page,
            PAGE_SIZE,
        )
        .await
    }

    /// One stocktaking with its items.
    pub async fn stocktaking(&self, id: &str) -> Result<PancakeStocktaking, PancakeError> {
        self.get_object(&self.stocktaking_path(id)?, &[]).await
    }

    /// Creates a stocktaking. Pancake answers only `success`; never retried.
    pub async fn create_stocktaking(&self, new: &NewStocktaking) -> Result<(), PancakeError> {
        let body = json!({ "stocktaking": new });
        self.post(&self.shop_path("/stocktakings")?, &body).await?;
        Ok(())
    }

    /// Changes a stocktaking: its items are read first for their ids, the
    /// change is sent with a GET before and after, and the stocktaking read
    /// back must show it.
    pub async fn update_stocktaking(
        &self,
        id: &str,
        change: &StocktakingChange,
    ) -> Result<PancakeStocktaking, PancakeError> {
        let path = self.stocktaking_path(id)?;
        let current = self.stocktaking(id).await?;
        let mut fields = Map::new();
        if !change.items.is_empty() {
            let items: Vec<Value> = change
                .items
                .iter()
                .map(|(variation_id, quantity)| {
                    let mut item = json!({
                        "variation_id": variation_id,
                        "changed_quantity": quantity,
                    });
                    let existing = current
                        .items
                        .iter()
                        .find(|item| item.variation_id.as_deref() == Some(variation_id));
                    if let Some(item_id) = existing.and_then(|item| item.id.as_deref()) {
                        item["id"] = json!(item_id);
                    }
                    item
                })
                .collect();
            fields.insert("items".into(), Value::Array(items));
        }
        if let Some(status) = change.status {
            fields.insert("status".into(), json!(status));
        }
        if let Some(note) = &change.note {
            fields.insert("note".into(), json!(note));
        }
        let body = json!({ "stocktaking": fields });
        let after = self
            .update_verified(&path, &path, &body, |after| took(after, change))
            .await?;
        serde_json::from_value(after).map_err(|err| PancakeError::Decode(err.to_string()))
    }

    /// The stocktaking in `warehouse_id` whose note is `note`, searched page
    /// by page.
    async fn find_stocktaking(
        &self,
        warehouse_id: &str,
        note: &str,
    ) -> Result<Option<PancakeStocktaking>, PancakeError> {
        for number in 1..=MAX_SEARCH_PAGES {
            let page = self.stocktakings(StocktakingStatus::All, number).await?;
            let last = page.data.is_empty() || page.total_pages.is_none_or(|total| number >= total);
            let found = page.data.into_iter().find(|stocktaking| {
                stocktaking.note.as_deref() == Some(note)
                    && stocktaking.warehouse_id.as_deref() == Some(warehouse_id)
            });
            if found.is_some() || last {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// Every variation's id by its SKU (`custom_id`).
    async fn variation_ids(&self) -> Result<Vec<(String, String)>, PancakeError> {
        #[derive(Deserialize)]
        struct Listed {
            #[serde(default, deserialize_with = "opt_id_string")]
            id: Option<String>,
            #[serde(default)]
            custom_id: Option<String>,
        }
        let path = self.shop_path("/products/variations")?;
        let listed: Vec<Listed> = self
            .get_all(
                &path,
                &[],
                PageStyle::PageNumber,
                VARIATION_PAGE_SIZE,
                MAX_VARIATION_PAGES,
            )
            .await?;
        Ok(listed
            .into_iter()
            .filter_map(|variation| Some((variation.custom_id?, variation.id?)))
            .collect())
    }

    fn stocktaking_path(&self, id: &str) -> Result<String, PancakeError> {
        self.shop_path(&format!("/stocktakings/{}", path_segment(id)))
    }
}

/// Whether the stocktaking read back shows every change.
fn took(after: &Value, change: &StocktakingChange) -> Result<(), String> {
    let stocktaking: PancakeStocktaking = serde_json::from_value(after.clone())
        .map_err(|err| format!("unreadable stocktaking: {err}"))?;
    if let Some(status) = change.status {
        if stocktaking.status != Some(status) {
            return Err(format!(
                "the status is {:?}, not {status}",
                stocktaking.status
            ));
        }
    }
    if let Some(note) = &change.note {
        if stocktaking.note.as_deref() != Some(note.as_str()) {
            return Err(format!("the note is {:?}, not {note:?}", stocktaking.note));
        }
    }
    for (variation_id, quantity) in &change.items {
        let now = stocktaking
            .items
            .iter()
            .find(|item| item.variation_id.as_deref() == Some(variation_id.as_str()))
            .and_then(|item| item.changed_quantity);
        if now != Some(*quantity) {
            return Err(format!(
                "variation {variation_id} changes by {now:?}, not {quantity}"
            ));
        }
    }
    Ok(())
}

/// What `push` sends, or would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub number: String,
    pub stocktaking: NewStocktaking,
    /// The Pancake stocktaking it is linked to, once sent.
    pub sent_as: Option<String>,
}

/// Sends an applied stock count to Pancake as a stocktaking of
/// `pancake_warehouse` (by default the Pancake warehouse its warehouse is
/// linked to), one item per line whose count differed, matched by exact
/// SKU. Without `apply` nothing is written anywhere.
pub async fn push(
    client: &PancakeClient,
    pool: &AnyPool,
    id: i64,
    pancake_warehouse: Option<String>,
    status: StocktakingStatus,
    apply: bool,
) -> anyhow::Result<Push> {
    let stocktake = service::get(pool, id).await?;
    anyhow::ensure!(
        stocktake.status == Status::Applied,
        "stock count {} is {}; only an applied count is sent to Pancake",
        stocktake.number,
        stocktake.status.as_str()
    );
    if let Some(sent) = &stocktake.pancake_stocktaking_id {
        anyhow::bail!(
            "stock count {} was already sent as Pancake stocktaking {sent}",
            stocktake.number
        );
    }
    anyhow::ensure!(
        status != StocktakingStatus::All,
        "choose one status for the stocktaking, not all"
    );
    let warehouse_id = match pancake_warehouse {
        Some(id) => id,
        None => linked_warehouse(pool, &stocktake).await?,
    };
    let items = matched_items(client, &stocktake).await?;
    let note = if stocktake.note.is_empty() {
        stocktake.number.clone()
    } else {
        format!("{} · {}", stocktake.number, stocktake.note)
    };
    let stocktaking = NewStocktaking {
        warehouse_id,
        items,
        status: status.code(),
        note: Some(note.clone()),
        stocktaking_at: stocktake.submitted_at.clone(),
    };
    let mut planned = Push {
        number: stocktake.number.clone(),
        stocktaking,
        sent_as: None,
    };
    if !apply {
        return Ok(planned);
    }
    let warehouse_id = &planned.stocktaking.warehouse_id;
    let found = match client.find_stocktaking(warehouse_id, &note).await? {
        Some(earlier) => Some(earlier),
        None => {
            client.create_stocktaking(&planned.stocktaking).await?;
            client.find_stocktaking(warehouse_id, &note).await?
        }
    };
    let Some(sent) = found else {
        anyhow::bail!(
            "Pancake took stocktaking {note:?} but does not list it; check Pancake before sending it again"
        );
    };
    let mut tx = db::begin_write(pool).await?;
    anyhow::ensure!(
        repo::link_pancake(&mut tx, id, &sent.id).await?,
        "stock count {} was linked to another Pancake stocktaking meanwhile",
        stocktake.number
    );
    tx.commit().await?;
    planned.sent_as = Some(sent.id);
    Ok(planned)
}

/// The Pancake warehouse the count's warehouse is linked to.
async fn linked_warehouse(pool: &AnyPool, stocktake: &Stocktake) -> anyhow::Result<String> {
    let linked: Option<Option<String>> =
        sqlx::query_scalar("SELECT pancake_warehouse_id FROM warehouses WHERE id = $1")
            .bind(stocktake.warehouse_id)
            .fetch_optional(pool)
            .await?;
    linked.flatten().ok_or_else(|| {
        anyhow::anyhow!(
            "warehouse {} is linked to no Pancake warehouse: link it (`pancake warehouses link`) or give --pancake-warehouse",
            stocktake.warehouse_code
        )
    })
}

/// One item per line whose count differed, with the Pancake variation of
/// the same SKU; a SKU Pancake lacks or holds twice stops the push.
async fn matched_items(
    client: &PancakeClient,
    stocktake: &Stocktake,
) -> anyhow::Result<Vec<NewItem>> {
    let differing: Vec<_> = stocktake
        .lines
        .iter()
        .filter(|line| line.variance != 0)
        .collect();
    anyhow::ensure!(
        !differing.is_empty(),
        "every count of {} matched the books; there is nothing to send",
        stocktake.number
    );
    let mut by_sku: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (sku, id) in client.variation_ids().await? {
        by_sku.entry(sku).or_default().push(id);
    }
    let mut items = Vec::new();
    let mut missing = Vec::new();
    let mut shared = Vec::new();
    for line in differing {
        match by_sku.get(&line.sku).map(Vec::as_slice) {
            Some([id]) => items.push(NewItem {
                variation_id: id.clone(),
                changed_quantity: line.variance,
            }),
            Some(_) => shared.push(line.sku.as_str()),
            None => missing.push(line.sku.as_str()),
        }
    }
    anyhow::ensure!(
        missing.is_empty(),
        "Pancake has no variation with SKU {}",
        missing.join(", ")
    );
    anyhow::ensure!(
        shared.is_empty(),
        "more than one Pancake variation has SKU {}",
        shared.join(", ")
    );
    Ok(items)
}
