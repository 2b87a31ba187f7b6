//! Order types as the API shows and accepts them.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, FromRow, Row};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Created, stock taken, not yet fully paid.
    Pending,
    /// Payments cover the total.
    Paid,
    /// Handed over; nothing more happens to it.
    Completed,
    /// Called off; its stock was put back.
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Paid, Self::Completed, Self::Cancelled]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// An order without its lines and payments, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderHeader {
    pub id: i64,
    pub number: String,
    pub status: OrderStatus,
    pub customer_id: Option<i64>,
    pub warehouse_id: i64,
    pub tax_inclusive: bool,
    /// Unit price × quantity over all lines, before discounts.
    pub subtotal: i64,
    /// Line discounts plus the order discount.
    pub discount: i64,
    pub order_discount: i64,
    pub tax: i64,
    pub total: i64,
    pub paid: i64,
    /// Still to pay: zero once paid, and for a cancelled order.
    pub remaining: i64,
    /// Cash handed back over all payments.
    pub change: i64,
    /// Who placed the order: an email or `token:<name>`; none without sign-in.
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub paid_at: Option<String>,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
}

impl FromRow<'_, AnyRow> for OrderHeader {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let status: String = row.try_get("status")?;
        let status = OrderStatus::parse(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "status".into(),
            source: format!("unknown order status {status:?}").into(),
        })?;
        let total: i64 = row.try_get("total")?;
        let paid: i64 = row.try_get("paid")?;
        Ok(Self {
            id: row.try_get("id")?,
            number: row.try_get("number")?,
            status,
            customer_id: row.try_get("customer_id")?,
            warehouse_id: row.try_get("warehouse_id")?,
            tax_inclusive: row.try_get::<i64, _>("tax_inclusive")? != 0,
            subtotal: row.try_get("subtotal")?,
            discount: row.try_get("discount")?,
            order_discount: row.try_get("order_discount")?,
            tax: row.try_get("tax")?,
            total,
            paid,
            remaining: if status == OrderStatus::Cancelled {
                0
            } else {
                total - paid
            },
            change: row.try_get("change_given")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            paid_at: row.try_get("paid_at")?,
            completed_at: row.try_get("completed_at")?,
            cancelled_at: row.try_get("cancelled_at")?,
        })
    }
}

/// One line of an order, with what was sold as it was at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub id: i64,
    pub product_id: i64,
    pub variant_id: i64,
    pub name: String,
    pub variant_name: String,
    pub sku: String,
    pub unit_price: i64,
    pub quantity: i64,
    pub tax_rate: i64,
    /// The line's own discount.
    pub line_discount: i64,
    /// The line's share of the order discount.
    pub order_discount: i64,
    pub tax: i64,
    pub total: i64,
}

/// Money taken towards an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub id: i64,
    pub method: String,
    /// What this payment put towards the order.
    pub amount: i64,
    /// What the customer handed over.
    pub tendered: i64,
    #[serde(rename = "change")]
    pub change_given: i64,
    pub created_at: String,
}

/// An order with its lines and payments.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    #[serde(flatten)]
    pub header: OrderHeader,
    pub items: Vec<OrderLine>,
    pub payments: Vec<Payment>,
}

/// The body of `POST /api/orders`. Discounts are amounts in the minor unit:
/// an item's comes off that whole line, the order's is shared among lines.
/// Without `warehouseId` the stock comes from the default warehouse. With
/// `payment`, the cash handed over at the till is taken in the same transaction,
/// so a cash sale is one request and its `Idempotency-Key` covers the payment too.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRequest {
    pub items: Option<Vec<ItemRequest>>,
    pub customer_id: Option<i64>,
    pub discount: Option<i64>,
    pub warehouse_id: Option<i64>,
    pub payment: Option<PaymentRequest>,
}

/// One item to sell: a product's default variant unless `variantId` says.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemRequest {
    pub product_id: Option<i64>,
    pub variant_id: Option<i64>,
    pub quantity: Option<i64>,
    pub discount: Option<i64>,
}

/// The body of `POST /api/orders/{id}/payments`; for cash, `amount` is what
/// the customer hands over.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest {
    pub method: Option<String>,
    pub amount: Option<i64>,
}

/// What a payment did to its order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentOutcome {
    pub order_id: i64,
    pub number: String,
    pub status: OrderStatus,
    pub total: i64,
    pub paid: i64,
    pub remaining: i64,
    /// Change to hand back for this payment.
    pub change: i64,
    pub payments: Vec<Payment>,
}

/// Which orders to list.
#[derive(Debug, Default, Clone, Copy)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub customer_id: Option<i64>,
}
