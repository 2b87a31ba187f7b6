//! What Pancake posts, taken apart into records of a known kind.
//!
//! Pancake sends no event name. Products and stock come wrapped as
//! `{"data": {"record": …, "success": …}}`; orders and customers come bare,
//! as the objects the API returns. A stock record names a variation and a
//! warehouse, a product has `variations`, an order has `items` or a
//! `status` and its shop, a customer has phone numbers or reward points.
//! Receivers in the wild also see an order under `body`, `payload`,
//! `order`, `data` or `orders`, and several records in one array, so those
//! are unwrapped too. A `?type=` on the configured URL names the kind when
//! the shape alone cannot.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Orders,
    Customers,
    Products,
    /// One variation's stock in one warehouse (`variations_warehouses`).
    Stock,
    /// A shape this app does not apply: recorded and ignored.
    Unknown,
}

impl Kind {
    /// The kinds `?type=` may name, with Pancake's `webhook_types` names.
    pub const NAMED: [Kind; 4] = [Kind::Orders, Kind::Customers, Kind::Products, Kind::Stock];

    /// Pancake's name of the webhook type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Orders => "orders",
            Self::Customers => "customers",
            Self::Products => "products",
            Self::Stock => "variations_warehouses",
            Self::Unknown => "unknown",
        }
    }

    /// The kind `?type=` names; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMED.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// One record out of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub kind: Kind,
    pub record: Value,
}

/// Keys under which receivers have seen Pancake's records wrapped.
const WRAPPERS: [&str; 5] = ["body", "payload", "order", "orders", "data"];

/// How deep wrappers and batches may nest before a body counts as unknown.
const MAX_DEPTH: usize = 4;

/// The records in a delivery's JSON body, each with its kind: `forced` when
/// the URL named one, else what its shape says.
pub fn records(body: Value, forced: Option<Kind>) -> Vec<Received> {
    let mut found = Vec::new();
    collect(body, forced, 0, &mut found);
    found
}

fn collect(value: Value, forced: Option<Kind>, depth: usize, found: &mut Vec<Received>) {
    if depth > MAX_DEPTH {
        found.push(Received {
            kind: Kind::Unknown,
            record: value,
        });
        return;
    }
    let mut object = match value {
        Value::Array(items) => {
            for item in items {
                collect(item, forced, depth + 1, found);
            }
            return;
        }
        Value::Object(object) => object,
        other => {
            found.push(Received {
                kind: Kind::Unknown,
                record: other,
            });
            return;
        }
    };
    // `{"data": {"record": …}}`: products, stock and CRM tables.
    if let Some(Value::Object(data)) = object.get_mut("data") {
        if let Some(record) = data.remove("record") {
            let kind = forced.unwrap_or_else(|| wrapped_kind(&record));
            found.push(Received { kind, record });
            return;
        }
    }
    // A wrapper holds records but is not one: it has no id of its own.
    if !object.contains_key("id") {
        let wrapped = WRAPPERS.into_iter().find(|key| {
            object
                .get(*key)
                .is_some_and(|inner| inner.is_object() || inner.is_array())
        });
        if let Some(key) = wrapped {
            if let Some(inner) = object.remove(key) {
                collect(inner, forced, depth + 1, found);
                return;
            }
        }
    }
    let kind = forced.unwrap_or_else(|| bare_kind(&object));
    found.push(Received {
        kind,
        record: Value::Object(object),
    });
}

/// The kind of a record that came as `{"data": {"record": …}}`.
fn wrapped_kind(record: &Value) -> Kind {
    match record.as_object() {
        Some(object) if is_stock(object) => Kind::Stock,
        Some(object) if object.get("variations").is_some_and(Value::is_array) => Kind::Products,
        // A CRM table's row, or something new.
        _ => Kind::Unknown,
    }
}

/// The kind of a record that came on its own.
fn bare_kind(object: &Map<String, Value>) -> Kind {
    let has = |key: &str| object.get(key).is_some_and(|value| !value.is_null());
    if is_stock(object) {
        Kind::Stock
    } else if has("id") && (has("items") || has("status")) && (has("shop_id") || has("system_id")) {
        Kind::Orders
    } else if has("id") && (has("phone_numbers") || has("reward_point")) {
        Kind::Customers
    } else if has("id") && object.get("variations").is_some_and(Value::is_array) {
        Kind::Products
    } else {
        Kind::Unknown
    }
}

fn is_stock(object: &Map<String, Value>) -> bool {
    let has = |key: &str| object.get(key).is_some_and(|value| !value.is_null());
    has("variation_id")
        && has("warehouse_id")
        && (has("remain_quantity") || has("actual_remain_quantity"))
}

/// A record's id as text: `shop:id` for orders (ids are a sequence per
/// shop), `variation@warehouse` for stock, Pancake's id otherwise; empty
/// when it has none.
pub fn record_id(kind: Kind, record: &Value, default_shop: Option<i64>) -> String {
    let text = |key: &str| match record.get(key) {
        Some(Value::String(text)) => text.trim().to_owned(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    };
    match kind {
        Kind::Orders => {
            let shop = match text("shop_id") {
                shop if shop.is_empty() => {
                    default_shop.map(|id| id.to_string()).unwrap_or_default()
                }
                shop => shop,
            };
            format!("{shop}:{}", text("id"))
        }
        Kind::Stock => format!("{}@{}", text("variation_id"), text("warehouse_id")),
        Kind::Customers | Kind::Products => text("id"),
        Kind::Unknown => String::new(),
    }
}

/// The key a record is applied once under: its kind, id and version. The
/// version is its `updated_at`, or a SHA-256 of the record with its keys in
/// order when it has none (stock records carry only `inserted_at`), so the
/// same content delivered twice is one record.
pub fn dedup_key(kind: Kind, record_id: &str, record: &Value) -> String {
    let updated_at = record
        .get("updated_at")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty() && kind != Kind::Unknown);
    let version = match updated_at {
        Some(updated_at) => updated_at.to_owned(),
        None => {
            let canonical = canonical(record).to_string();
            format!(
                "sha256:{}",
                hex::encode(Sha256::digest(canonical.as_bytes()))
            )
        }
    };
    format!("{}:{record_id}:{version}", kind.as_str())
}

/// The record with every object's keys in order, so two spellings of the
/// same content hash the same.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|one, other| one.0.cmp(other.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.clone(), canonical(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}
