//! Refunds as the API takes and shows them.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, FromRow, Row};

/// The body of `POST /api/orders/{id}/refunds`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    /// The lines coming back; every unit not yet refunded when absent.
    pub items: Option<Vec<RefundItem>>,
    /// Whether the goods go back on the shelf; yes unless `false`.
    pub restock: Option<bool>,
    pub reason: Option<String>,
    /// `cash` to hand everything back from the drawer, e.g. after a gateway
    /// refused; otherwise money goes back the way it came where it can.
    pub method: Option<String>,
}

/// Units of one order line coming back.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundItem {
    pub line_id: Option<i64>,
    pub quantity: Option<i64>,
}

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefundStatus {
    /// Gateways are being asked to give money back.
    Pending,
    Completed,
    /// A gateway refused before any money moved; nothing changed.
    Failed,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Completed, Self::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// A refund with what came back and how the money went.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub id: i64,
    /// E.g. `TH000007`.
    pub number: String,
    pub order_id: i64,
    pub status: RefundStatus,
    pub amount: i64,
    /// Of `amount`, what the cashier hands back from the drawer.
    pub cash_to_return: i64,
    pub restock: bool,
    pub reason: String,
    pub actor: Option<String>,
    /// Why a gateway refused, for a failed refund.
    pub detail: String,
    pub created_at: String,
    pub completed_at: Option<String>,
    pub items: Vec<RefundedLine>,
    pub payments: Vec<RefundPayment>,
}

/// A refund's own row, before its lines and payments are attached.
#[derive(Debug, Clone)]
pub struct RefundHeader {
    pub id: i64,
    pub number: String,
    pub order_id: i64,
    pub status: RefundStatus,
    pub amount: i64,
    pub restock: bool,
    pub reason: String,
    pub actor: Option<String>,
    pub detail: String,
    pub created_at: String,
    pub completed_at: Option<String>,
}

pub const HEADER_COLUMNS: &str = "id, number, order_id, status, amount, restock, reason, actor, \
     detail, created_at, completed_at";

impl FromRow<'_, AnyRow> for RefundHeader {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let status: String = row.try_get("status")?;
        Ok(Self {
            id: row.try_get("id")?,
            number: row
                .try_get::<Option<String>, _>("number")?
                .unwrap_or_default(),
            order_id: row.try_get("order_id")?,
            status: RefundStatus::parse(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "status".into(),
                source: format!("unknown refund status {status:?}").into(),
            })?,
            amount: row.try_get("amount")?,
            restock: row.try_get::<i32, _>("restock")? != 0,
            reason: row.try_get("reason")?,
            actor: row.try_get("actor")?,
            detail: row.try_get("detail")?,
            created_at: row.try_get("created_at")?,
            completed_at: row.try_get("completed_at")?,
        })
    }
}

/// Units of an order line that came back, and what they were worth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct RefundedLine {
    pub line_id: i64,
    pub variant_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub amount: i64,
}

/// Money going back for one payment of the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct RefundPayment {
    pub id: i64,
    pub payment_id: i64,
    /// `cash`, or the gateway giving the money back.
    pub method: String,
    pub amount: i64,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// The gateway's id for the refund.
    pub provider_ref: Option<String>,
    pub detail: String,
}
