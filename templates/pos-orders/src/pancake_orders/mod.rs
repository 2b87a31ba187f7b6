//! Pancake POS orders: reading and searching them, moving one to another
//! status, pushing the app's own sales to Pancake, and pulling Pancake's
//! orders into the app's database for reporting.
//!
//! An order id is a sequence per shop, so an order is named by its shop and
//! its id together; `system_id` is the number people see. Pancake sends far
//! more fields than these types name: they are kept in `extra`, and a status
//! change sends the whole order back as Pancake gave it.

pub mod api;
pub mod cli;
pub mod sync;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::pancake::{opt_id_string, opt_whole, or_default, whole};

/// An order as Pancake describes it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PancakeOrder {
    /// Unique within its shop only.
    #[serde(deserialize_with = "whole")]
    pub id: i64,
    /// The order number people see, usually equal to `id`.
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub system_id: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub shop_id: Option<i64>,
    pub status: OrderStatus,
    /// Pancake's label, sometimes localised and null for undocumented codes:
    /// shown to people, never parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_name: Option<String>,
    /// The value of the goods, in whole đồng.
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_price: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_discount: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_fee: Option<i64>,
    /// Paid in cash, in whole đồng.
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub cash: Option<i64>,
    #[serde(default, deserialize_with = "or_default")]
    pub items: Vec<OrderItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<OrderCustomer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Naive UTC text as Pancake sends it (`2020-05-12T04:51:42`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inserted_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PancakeOrder {
    /// The customer's name, from the customer record or else the bill.
    pub fn customer_name(&self) -> Option<&str> {
        self.customer
            .as_ref()
            .and_then(|customer| customer.name.as_deref())
            .or(self.bill_full_name.as_deref())
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderItem {
    /// Beyond u32 in live data.
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_id_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_id_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub variation_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_each_product: Option<i64>,
    /// The variation as it was when sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variation_info: Option<VariationInfo>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What an order line says about the variation sold.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct VariationInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whole đồng.
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub retail_price: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The customer an order belongs to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderCustomer {
    #[serde(
        default,
        deserialize_with = "opt_id_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where an order is in Pancake's flow. The documented codes are named;
/// live orders carry codes no document lists (19 has been seen), which are
/// kept as they come rather than refused, so one odd order cannot stop a
/// listing or a pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    New,
    WaitingConfirmation,
    Restocking,
    WaitingPrint,
    Printed,
    Ordered,
    Confirmed,
    Packing,
    WaitingPickup,
    Shipped,
    Received,
    MoneyCollected,
    Returning,
    PartialReturn,
    Returned,
    Cancelled,
    Deleted,
    Unknown(i64),
}

impl OrderStatus {
    /// The documented statuses in the order of Pancake's own flow.
    pub const DOCUMENTED: [OrderStatus; 17] = [
        Self::New,
        Self::WaitingConfirmation,
        Self::Restocking,
        Self::WaitingPrint,
        Self::Printed,
        Self::Ordered,
        Self::Confirmed,
        Self::Packing,
        Self::WaitingPickup,
        Self::Shipped,
        Self::Received,
        Self::MoneyCollected,
        Self::Returning,
        Self::PartialReturn,
        Self::Returned,
        Self::Cancelled,
        Self::Deleted,
    ];

    pub fn code(self) -> i64 {
        match self {
            Self::New => 0,
            Self::WaitingConfirmation => 17,
            Self::Restocking => 11,
            Self::WaitingPrint => 12,
            Self::Printed => 13,
            Self::Ordered => 20,
            Self::Confirmed => 1,
            Self::Packing => 8,
            Self::WaitingPickup => 9,
            Self::Shipped => 2,
            Self::Received => 3,
            Self::MoneyCollected => 16,
            Self::Returning => 4,
            Self::PartialReturn => 15,
            Self::Returned => 5,
            Self::Cancelled => 6,
            Self::Deleted => 7,
            Self::Unknown(code) => code,
        }
    }

    pub fn from_code(code: i64) -> Self {
        Self::DOCUMENTED
            .into_iter()
            .find(|status| status.code() == code)
            .unwrap_or(Self::Unknown(code))
    }

    /// The name Pancake's screens use, in Vietnamese as the shop sees it.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "Mới",
            Self::WaitingConfirmation => "Chờ xác nhận",
            Self::Restocking => "Chờ hàng",
            Self::WaitingPrint => "Chờ in",
            Self::Printed => "Đã in",
            Self::Ordered => "Đã đặt hàng",
            Self::Confirmed => "Đã xác nhận",
            Self::Packing => "Đang đóng hàng",
            Self::WaitingPickup => "Chờ chuyển hàng",
            Self::Shipped => "Đã gửi hàng",
            Self::Received => "Đã nhận",
            Self::MoneyCollected => "Đã thu tiền",
            Self::Returning => "Đang hoàn",
            Self::PartialReturn => "Hoàn một phần",
            Self::Returned => "Đã hoàn",
            Self::Cancelled => "Đã hủy",
            Self::Deleted => "Đã xóa",
            Self::Unknown(_) => "không rõ",
        }
    }
}

impl Serialize for OrderStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for OrderStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        whole(deserializer).map(Self::from_code)
    }
}
