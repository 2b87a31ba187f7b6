//! Pushing the app's catalogue to Pancake POS, matched by SKU.
//!
//! The plan is a pure function of the two catalogues, so a dry run shows
//! exactly what applying would send. A local product none of whose SKUs
//! Pancake knows is created there with its variants; one whose SKUs all sit
//! on one Pancake product updates that product's name, retail prices and
//! barcodes; anything ambiguous (a SKU on two Pancake variations, variants
//! split over two Pancake products, names that disagree) is reported and
//! left alone. Nothing is ever hidden or deleted in Pancake: an archived
//! product is only reported, since stopping sales there is the shop's call.

mod apply;
mod plan;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::api::NewProduct;

pub use apply::{apply_push, local_catalogue, with_skus, Pushed, Stopped};
pub use plan::plan_push;

/// A product of the app's catalogue, with its variants, the default first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalProduct {
    pub name: String,
    /// False once archived.
    pub active: bool,
    pub variants: Vec<LocalVariant>,
}

/// One variant of a local product, as far as Pancake cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalVariant {
    pub sku: String,
    pub barcode: Option<String>,
    /// Whole đồng.
    pub price: i64,
    pub attributes: BTreeMap<String, String>,
    pub active: bool,
}

/// What pushing one local product would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "action"
)]
pub enum Action {
    /// Pancake has none of its SKUs.
    Create {
        product: NewProduct,
    },
    /// The Pancake product holding its SKUs differs.
    Update {
        product_id: String,
        changes: Vec<Change>,
    },
    Unchanged {
        product_id: String,
    },
    /// Cannot be matched safely; nothing is sent.
    Conflict {
        reason: String,
    },
    /// Nothing to push.
    Skip {
        reason: String,
    },
}

/// One field a push changes in Pancake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "field")]
pub enum Change {
    Name {
        from: String,
        to: String,
    },
    Price {
        sku: String,
        from: Option<i64>,
        to: i64,
    },
    Barcode {
        sku: String,
        from: Option<String>,
        to: String,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_dash = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
        match self {
            Change::Name { from, to } => write!(f, "name: {from} → {to}"),
            Change::Price { sku, from, to } => {
                let from = or_dash(from.map(|price| price.to_string()));
                write!(f, "price of {sku}: {from} → {to}")
            }
            Change::Barcode { sku, from, to } => {
                write!(f, "barcode of {sku}: {} → {to}", or_dash(from.clone()))
            }
        }
    }
}

/// One line of the plan: a local product and what the push does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Planned {
    /// The SKU of the product's default variant.
    pub sku: String,
    pub name: String,
    #[serde(flatten)]
    pub action: Action,
    /// What is left for people to do, such as a variant Pancake lacks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How many plan lines fall under each action.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub conflict: usize,
    pub skip: usize,
}

impl Counts {
    pub fn of(plan: &[Planned]) -> Self {
        let mut counts = Counts::default();
        for item in plan {
            let count = match item.action {
                Action::Create { .. } => &mut counts.create,
                Action::Update { .. } => &mut counts.update,
                Action::Unchanged { .. } => &mut counts.unchanged,
                Action::Conflict { .. } => &mut counts.conflict,
                Action::Skip { .. } => &mut counts.skip,
            };
            *count += 1;
        }
        counts
    }
}
