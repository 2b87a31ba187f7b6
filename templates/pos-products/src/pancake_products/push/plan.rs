//! The plan: the app's catalogue set against Pancake's, as a pure function.

use std::collections::HashMap;

use super::{Action, Change, LocalProduct, LocalVariant, Planned};
use crate::pancake_products::{
    api::{NewProduct, NewVariation},
    Attribute, Product, Variation,
};

/// Where each SKU sits in Pancake's catalogue.
struct PancakeIndex<'a> {
    products: &'a [Product],
    /// Variation SKU → (product, variation) positions; more than one is a
    /// duplicate Pancake itself allows.
    variations: HashMap<&'a str, Vec<(usize, usize)>>,
    /// Product SKU → product position.
    product_codes: HashMap<&'a str, usize>,
}

impl<'a> PancakeIndex<'a> {
    fn new(products: &'a [Product]) -> Self {
        let mut variations: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        let mut product_codes = HashMap::new();
        for (p, product) in products.iter().enumerate() {
            if let Some(code) = non_blank(product.custom_id.as_deref()) {
                product_codes.insert(code, p);
            }
            for (v, variation) in product.variations.iter().enumerate() {
                if let Some(sku) = non_blank(variation.custom_id.as_deref()) {
                    variations.entry(sku).or_default().push((p, v));
                }
            }
        }
        PancakeIndex {
            products,
            variations,
            product_codes,
        }
    }

    fn places(&self, sku: &str) -> &[(usize, usize)] {
        self.variations.get(sku).map_or(&[], Vec::as_slice)
    }
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.trim().is_empty())
}

/// Works out what pushing `local` to a Pancake holding `pancake` would do,
/// one line per local product, in the order given.
pub fn plan_push(local: &[LocalProduct], pancake: &[Product]) -> Vec<Planned> {
    let index = PancakeIndex::new(pancake);
    let mut plan: Vec<Planned> = local
        .iter()
        .map(|product| plan_product(product, &index))
        .collect();
    settle_names(&mut plan, pancake);
    plan
}

fn plan_product(product: &LocalProduct, index: &PancakeIndex) -> Planned {
    let with_sku: Vec<&LocalVariant> = product
        .variants
        .iter()
        .filter(|variant| non_blank(Some(&variant.sku)).is_some())
        .collect();
    let mut notes = Vec::new();
    let without = product.variants.len() - with_sku.len();
    if without > 0 {
        notes.push(format!("{without} variant(s) without a SKU left out"));
    }
    let line = |sku: &str, action, notes| Planned {
        sku: sku.to_owned(),
        name: product.name.clone(),
        action,
        notes,
    };
    let Some(first) = with_sku.first() else {
        let reason = "no variant has a SKU".to_owned();
        return line("", Action::Skip { reason }, notes);
    };
    let action = match match_product(product, &with_sku, index, &mut notes) {
        Ok(action) => action,
        Err(reason) => Action::Conflict { reason },
    };
    line(&first.sku, action, notes)
}

/// The action for a product with SKUs, or why it conflicts.
fn match_product(
    product: &LocalProduct,
    with_sku: &[&LocalVariant],
    index: &PancakeIndex,
    notes: &mut Vec<String>,
) -> Result<Action, String> {
    let mut matched: Vec<(&LocalVariant, usize, &Variation)> = Vec::new();
    for variant in with_sku {
        match index.places(&variant.sku) {
            [] => {}
            [(p, v)] => matched.push((variant, *p, &index.products[*p].variations[*v])),
            many => {
                return Err(format!(
                    "SKU {} is on {} variations in Pancake",
                    variant.sku,
                    many.len()
                ))
            }
        }
    }
    let mut owners: Vec<usize> = matched.iter().map(|(_, p, _)| *p).collect();
    owners.sort_unstable();
    owners.dedup();
    let owner = match owners.as_slice() {
        [] => None,
        [p] => Some(&index.products[*p]),
        many => {
            let names: Vec<&str> = many
                .iter()
                .map(|p| index.products[*p].name.as_str())
                .collect();
            return Err(format!(
                "its SKUs are on {} Pancake products: {}",
                many.len(),
                names.join(", ")
            ));
        }
    };
    if !product.active {
        let reason = match owner {
            Some(owner) => format!(
                "archived here but still in Pancake; hide it there with \
                 `pancake products hide {}` if it should not be sold",
                owner.id.as_deref().unwrap_or("-")
            ),
            None => "archived".to_owned(),
        };
        return Ok(Action::Skip { reason });
    }
    match owner {
        None => create(product, with_sku, index),
        Some(owner) => update(product, with_sku, owner, &matched, notes),
    }
}

fn create(
    product: &LocalProduct,
    with_sku: &[&LocalVariant],
    index: &PancakeIndex,
) -> Result<Action, String> {
    // Pancake looks a product up by its own SKU as well as by id: creating
    // one whose SKU another product already has would make that ambiguous.
    if let Some((sku, p)) = with_sku
        .iter()
        .find_map(|variant| Some((&variant.sku, index.product_codes.get(variant.sku.as_str())?)))
    {
        return Err(format!(
            "SKU {sku} is the code of the Pancake product {}, not of a variation",
            index.products[*p].name
        ));
    }
    let variations: Vec<NewVariation> = with_sku
        .iter()
        .filter(|variant| variant.active)
        .map(|variant| NewVariation {
            sku: variant.sku.clone(),
            retail_price: variant.price,
            barcode: variant.barcode.clone(),
            fields: variant
                .attributes
                .iter()
                .map(|(name, value)| Attribute {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
        })
        .collect();
    let Some(first) = variations.first() else {
        let reason = "no active variant".to_owned();
        return Ok(Action::Skip { reason });
    };
    Ok(Action::Create {
        product: NewProduct {
            name: product.name.clone(),
            sku: first.sku.clone(),
            // The app keeps no weights; the shop sets them in Pancake.
            weight: 0,
            variations,
        },
    })
}

fn update(
    product: &LocalProduct,
    with_sku: &[&LocalVariant],
    owner: &Product,
    matched: &[(&LocalVariant, usize, &Variation)],
    notes: &mut Vec<String>,
) -> Result<Action, String> {
    let product_id = owner
        .id
        .clone()
        .ok_or_else(|| format!("Pancake sent the product {} without an id", owner.name))?;
    let mut changes = Vec::new();
    let wanted = pancake_name(product, owner, matched);
    if wanted != owner.name {
        changes.push(Change::Name {
            from: owner.name.clone(),
            to: wanted.to_owned(),
        });
    }
    for (variant, _, variation) in matched {
        if !variant.active {
            notes.push(format!(
                "{} is inactive here but still in Pancake",
                variant.sku
            ));
            continue;
        }
        if variation.retail_price != Some(variant.price) {
            changes.push(Change::Price {
                sku: variant.sku.clone(),
                from: variation.retail_price,
                to: variant.price,
            });
        }
        // A barcode Pancake has and the app lacks is kept: the push adds
        // and corrects, it never clears.
        if let Some(barcode) = non_blank(variant.barcode.as_deref()) {
            if variation.barcode.as_deref() != Some(barcode) {
                changes.push(Change::Barcode {
                    sku: variant.sku.clone(),
                    from: variation.barcode.clone(),
                    to: barcode.to_owned(),
                });
            }
        }
    }
    for variant in with_sku {
        let known = matched.iter().any(|(known, _, _)| known.sku == variant.sku);
        if variant.active && !known {
            notes.push(format!(
                "{} is not in Pancake's {}; add the variation there",
                variant.sku, owner.name
            ));
        }
    }
    Ok(if changes.is_empty() {
        Action::Unchanged { product_id }
    } else {
        Action::Update {
            product_id,
            changes,
        }
    })
}

/// The name the local product asks Pancake's product to have. The import
/// turns each variation of a Pancake product into a product here named
/// `Name (Size: M)`; such a name asks for `Name`.
fn pancake_name<'a>(
    product: &'a LocalProduct,
    owner: &Product,
    matched: &[(&LocalVariant, usize, &Variation)],
) -> &'a str {
    if let [(_, _, variation)] = matched {
        let label = variation.label();
        if owner.variations.len() > 1 && !label.is_empty() {
            let suffix = format!(" ({label})");
            if let Some(name) = product.name.strip_suffix(&suffix) {
                return name;
            }
        }
    }
    &product.name
}

/// Local products that share one Pancake product must agree on its name;
/// when they do not, none of them is pushed.
fn settle_names(plan: &mut [Planned], pancake: &[Product]) {
    let names: HashMap<&str, &str> = pancake
        .iter()
        .filter_map(|product| Some((product.id.as_deref()?, product.name.as_str())))
        .collect();
    let current = |id: &str| names.get(id).map(|name| (*name).to_owned());
    let mut wanted: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for (at, item) in plan.iter().enumerate() {
        let (id, name) = match &item.action {
            Action::Unchanged { product_id } => (product_id, current(product_id)),
            Action::Update {
                product_id,
                changes,
            } => {
                let renamed = changes.iter().find_map(|change| match change {
                    Change::Name { to, .. } => Some(to.clone()),
                    _ => None,
                });
                (product_id, renamed.or_else(|| current(product_id)))
            }
            _ => continue,
        };
        if let Some(name) = name {
            wanted.entry(id.clone()).or_default().push((at, name));
        }
    }
    for lines in wanted.values() {
        if lines.iter().all(|(_, name)| *name == lines[0].1) {
            continue;
        }
        let skus: Vec<&str> = lines.iter().map(|(at, _)| plan[*at].sku.as_str()).collect();
        let reason = format!(
            "{} give one Pancake product different names",
            skus.join(", ")
        );
        for (at, _) in lines {
            plan[*at].action = Action::Conflict {
                reason: reason.clone(),
            };
        }
    }
}
