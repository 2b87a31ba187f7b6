//! The stock endpoints of Pancake POS, as methods of the shared client.

use serde::Serialize;
use serde_json::json;

use super::{AnalyticsRow, HistoryEntry, StockedVariation};
use crate::pancake::{Page, PageStyle, PancakeClient, PancakeError};

/// Pancake's default page size, for lists read a page at a time.
pub const PAGE_SIZE: u32 = 30;

/// Page size when reading the whole variation list: fewer, larger pages
/// (public clients use 100 to 200 without trouble).
const STOCK_PAGE_SIZE: u32 = 100;

/// The most pages of variations read at once: 100 000 variations.
const MAX_STOCK_PAGES: u32 = 1000;

/// Variation ids per read-back request, keeping the URL short.
const IDS_PER_READ: usize = 50;

/// Which history entries to list; an empty query lists them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryQuery {
    pub warehouse_id: Option<String>,
    pub variation_ids: Vec<String>,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, inclusive.
    pub until: Option<i64>,
}

/// A report period in Unix seconds, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

/// Which stock a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StockKind {
    /// Physical stock, on the shelf.
    Actual,
    /// Sellable stock: physical less what open orders hold.
    Remain,
}

impl StockKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Actual => "actual",
            Self::Remain => "remain",
        }
    }
}

/// A stock level to set in Pancake: a variation's physical stock in one
/// warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockLevel {
    pub variation_id: String,
    pub warehouse_id: String,
    pub remain_quantity: i64,
    /// The SKU, to name the level in errors; not sent.
    #[serde(skip)]
    pub sku: String,
}

impl PancakeClient {
    /// One page of the stock movement history.
    pub async fn inventory_histories(
        &self,
        query: &HistoryQuery,
        page: u32,
    ) -> Result<Page<HistoryEntry>, PancakeError> {
        let path = self.shop_path("/inventory_histories")?;
        let since = query.since.map(|seconds| seconds.to_string());
        let until = query.until.map(|seconds| seconds.to_string());
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(warehouse) = &query.warehouse_id {
            pairs.push(("warehouse_id", warehouse));
        }
        for id in &query.variation_ids {
            pairs.push(("variation_ids[]", id));
        }
        if let Some(since) = &since {
            pairs.push(("startDate", since));
        }
        if let Some(until) = &until {
            pairs.push(("endDate", until));
        }
        self.get_page(&path, &pairs, PageStyle::Page, page, PAGE_SIZE)
            .await
    }

    /// One page of the in/out report by variation over `period`.
    pub async fn inventory_analytics(
        &self,
        period: Period,
        kind: StockKind,
        page: u32,
    ) -> Result<Page<AnalyticsRow>, PancakeError> {
        self.analytics("/inventory_analytics/inventory", period, kind, page)
            .await
    }

    /// One page of the in/out report by product over `period`.
    pub async fn inventory_analytics_by_product(
        &self,
        period: Period,
        kind: StockKind,
        page: u32,
    ) -> Result<Page<AnalyticsRow>, PancakeError> {
        self.analytics(
            "/inventory_analytics/inventory_by_product",
            period,
            kind,
            page,
        )
        .await
    }

    async fn analytics(
        &self,
        rest: &str,
        period: Period,
        kind: StockKind,
        page: u32,
    ) -> Result<Page<AnalyticsRow>, PancakeError> {
        let path = self.shop_path(rest)?;
        let (start, end) = (period.start.to_string(), period.end.to_string());
        let query = [
            ("startDate", start.as_str()),
            ("endDate", end.as_str()),
            ("type", kind.as_str()),
        ];
        self.get_page(&path, &query, PageStyle::Page, page, PAGE_SIZE)
            .await
    }

    /// Every variation of the shop with its stock in each warehouse.
    pub async fn stocked_variations(&self) -> Result<Vec<StockedVariation>, PancakeError> {
        let path = self.shop_path("/products/variations")?;
        self.get_all(
            &path,
            &[],
            PageStyle::PageNumber,
            STOCK_PAGE_SIZE,
            MAX_STOCK_PAGES,
        )
        .await
    }

    /// The variations with these ids, with their stock.
    pub async fn stocked_variations_by_id(
        &self,
        ids: &[&str],
    ) -> Result<Vec<StockedVariation>, PancakeError> {
        let path = self.shop_path("/products/variations")?;
        let mut found = Vec::new();
        for chunk in ids.chunks(IDS_PER_READ) {
            let query: Vec<(&str, &str)> =
                chunk.iter().map(|id| ("variation_ids[]", *id)).collect();
            let page_size = u32::try_from(chunk.len()).unwrap_or(STOCK_PAGE_SIZE);
            let variations: Vec<StockedVariation> = self
                .get_all(
                    &path,
                    &query,
                    PageStyle::PageNumber,
                    page_size,
                    MAX_STOCK_PAGES,
                )
                .await?;
            found.extend(variations);
        }
        Ok(found)
    }

    /// Sets the physical stock of each level, in one request, then reads the
    /// variations back and checks every level took: Pancake answers a bare
    /// `success` whatever it did. The caller's read of the levels it planned
    /// from is the pre-flight GET. Never retried, as no POST is.
    pub async fn set_stock(&self, levels: &[StockLevel]) -> Result<(), PancakeError> {
        if levels.is_empty() {
            return Ok(());
        }
        let body = json!({
            // Physical stock, which is what a shop counts; Pancake works out
            // the sellable stock from it and the open orders.
            "is_actual_remain_quantity": true,
            "variations_warehouses": levels,
        });
        self.post(&self.shop_path("/variations/update_quantity")?, &body)
            .await?;
        let ids: Vec<&str> = levels
            .iter()
            .map(|level| level.variation_id.as_str())
            .collect();
        let after = self.stocked_variations_by_id(&ids).await?;
        let missed: Vec<String> = levels
            .iter()
            .filter(|level| {
                let now = after
                    .iter()
                    .find(|v| v.variation.id.as_deref() == Some(level.variation_id.as_str()))
                    .and_then(|v| v.actual_in(&level.warehouse_id));
                now != Some(level.remain_quantity)
            })
            .map(|level| level.sku.clone())
            .collect();
        if missed.is_empty() {
            Ok(())
        } else {
            Err(PancakeError::NotVerified {
                reason: format!(
                    "the stock of {} does not read back as set",
                    missed.join(", ")
                ),
            })
        }
    }
}
