//! Pushing the app's catalogue to Pancake: the plan as a pure function, then
//! the requests a push makes against a stand-in shop that keeps what it is
//! sent, on SQLite or on the PostgreSQL server `TEST_DATABASE_URL` names.

mod apply;
mod plan;

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{LocalProduct, LocalVariant};
use crate::pancake_products::Product;

/// The shirt's id, a UUID as Pancake makes them: its dashes stay as they
/// are in a path.
const SHIRT: &str = "3487e126-b0d9-4dae-89a9-ee60bef2f4e9";

fn shirt() -> Value {
    json!({
        "id": SHIRT, "name": "Áo sơ mi nam", "custom_id": "AOSOMI", "weight": 200,
        "category_ids": [1290021044],
        "variations_warehouses": [{"warehouse_id": "w1", "remain_quantity": 10}],
        "variations": [
            {"id": "v-m", "custom_id": "AOSOMI-M", "barcode": "8930000000011",
             "retail_price": 140000, "fields": [{"name": "Size", "value": "M"}]},
            {"id": "v-l", "custom_id": "AOSOMI-L", "barcode": null,
             "retail_price": 150000.0, "fields": [{"name": "Size", "value": "L"}]}
        ]
    })
}

fn water() -> Value {
    json!({
        "id": "p-water", "name": "Nước suối 500ml", "custom_id": "NS-500", "weight": 500,
        "note_product": "Thùng 24 chai",
        "variations": [{"id": "v-w", "custom_id": "NS-500", "retail_price": 5000, "barcode": null}]
    })
}

fn products(values: Vec<Value>) -> Vec<Product> {
    values
        .into_iter()
        .map(|value| serde_json::from_value(value).unwrap())
        .collect()
}

fn variant(sku: &str, price: i64, barcode: Option<&str>) -> LocalVariant {
    LocalVariant {
        sku: sku.into(),
        barcode: barcode.map(Into::into),
        price,
        attributes: BTreeMap::new(),
        active: true,
    }
}

fn local(name: &str, variants: Vec<LocalVariant>) -> LocalProduct {
    LocalProduct {
        name: name.into(),
        active: true,
        variants,
    }
}
