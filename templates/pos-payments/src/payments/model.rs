//! Gateway payments and notifications as the API shows them.

use serde::Serialize;
use sqlx::{any::AnyRow, FromRow, Row};

/// A gateway the app can take money through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// A bank transfer by VietQR code, confirmed by SePay.
    VietQr,
    VnPay,
    MoMo,
    Stripe,
}

impl Provider {
    pub const ALL: [Provider; 4] = [Self::VietQr, Self::VnPay, Self::MoMo, Self::Stripe];

    /// The name in the API's `method` field and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VietQr => "vietqr",
            Self::VnPay => "vnpay",
            Self::MoMo => "momo",
            Self::Stripe => "stripe",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|provider| provider.as_str() == name)
    }

    /// The name people know it by, as on a receipt.
    pub fn name(self) -> &'static str {
        match self {
            Self::VietQr => "VietQR",
            Self::VnPay => "VNPAY",
            Self::MoMo => "MoMo",
            Self::Stripe => "Stripe",
        }
    }
}

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptStatus {
    Pending,
    Succeeded,
    Failed,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// One attempt to take money for an order through a gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayPayment {
    pub id: i64,
    pub order_id: i64,
    pub provider: Provider,
    /// Our payment code, e.g. `PC000042`.
    pub reference: String,
    pub amount: i64,
    pub currency: String,
    pub status: AttemptStatus,
    pub created_at: String,
    pub settled_at: Option<String>,
}

pub const PAYMENT_COLUMNS: &str =
    "id, order_id, provider, reference, amount, currency, status, created_at, settled_at";

impl FromRow<'_, AnyRow> for GatewayPayment {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let decode = |column: &str, text: String| sqlx::Error::ColumnDecode {
            index: column.into(),
            source: format!("unknown value {text:?}").into(),
        };
        let provider: String = row.try_get("provider")?;
        let status: String = row.try_get("status")?;
        Ok(Self {
            id: row.try_get("id")?,
            order_id: row.try_get("order_id")?,
            provider: Provider::parse(&provider).ok_or_else(|| decode("provider", provider))?,
            reference: row
                .try_get::<Option<String>, _>("reference")?
                .unwrap_or_default(),
            amount: row.try_get("amount")?,
            currency: row.try_get("currency")?,
            status: AttemptStatus::parse(&status).ok_or_else(|| decode("status", status))?,
            created_at: row.try_get("created_at")?,
            settled_at: row.try_get("settled_at")?,
        })
    }
}

/// What the till needs to let the customer pay: the attempt, and a QR code,
/// a page to open, or a client secret, depending on the gateway.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedPayment {
    pub payment_id: i64,
    pub order_id: i64,
    pub method: Provider,
    pub reference: String,
    pub amount: i64,
    pub status: AttemptStatus,
    /// The VietQR payload, for any QR renderer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_data: Option<String>,
    /// Where the QR image is served, as SVG.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// A notification as recorded, for the managers' review.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationRecord {
    pub id: i64,
    pub provider: String,
    pub provider_txn_id: String,
    pub gateway_payment_id: Option<i64>,
    pub amount: Option<i64>,
    pub outcome: String,
    pub flagged: bool,
    pub detail: String,
    pub received_at: String,
}

pub const NOTIFICATION_COLUMNS: &str = "id, provider, provider_txn_id, gateway_payment_id, \
     amount, outcome, flagged, detail, received_at";

impl FromRow<'_, AnyRow> for NotificationRecord {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            provider: row.try_get("provider")?,
            provider_txn_id: row.try_get("provider_txn_id")?,
            gateway_payment_id: row.try_get("gateway_payment_id")?,
            amount: row.try_get("amount")?,
            outcome: row.try_get("outcome")?,
            flagged: row.try_get::<i32, _>("flagged")? != 0,
            detail: row.try_get("detail")?,
            received_at: row.try_get("received_at")?,
        })
    }
}
