//! `pancake products …`: Pancake's catalogue from the shell.

use clap::{Args, Subcommand};

use super::{
    api::{NewProduct, ProductChange},
    push::{self, Counts},
    sync::{self, Action, Planned},
    Category, Product, Variation,
};
use crate::{
    config::Config,
    db,
    pancake::{
        output::{format_table, opt, render, render_page, OutputArgs},
        PancakeClient, PancakeError,
    },
};

#[derive(Debug, Args)]
pub struct ProductArgs {
    #[command(subcommand)]
    command: ProductCommand,
}

#[derive(Debug, Subcommand)]
enum ProductCommand {
    /// List products with their variations, a page at a time.
    List {
        /// Part of a name, SKU or barcode.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// One product, by SKU or id, with its variations.
    Get {
        sku_or_id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List variations with their stock and prices.
    Variations {
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The category tree.
    Categories {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a product with one variation (needs CONFIRM_WRITE=YES).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        sku: String,
        /// Retail price in đồng.
        #[arg(long)]
        price: i64,
        #[arg(long)]
        barcode: Option<String>,
        /// Weight in grams.
        #[arg(long, default_value_t = 0)]
        weight: i64,
    },
    /// Rename a product or change a variation's price (needs CONFIRM_WRITE=YES).
    Update {
        sku_or_id: String,
        #[arg(long)]
        name: Option<String>,
        /// New retail price in đồng, for the variation given by --variation.
        #[arg(long, requires = "variation")]
        price: Option<i64>,
        /// The SKU of the variation whose price changes.
        #[arg(long, requires = "price")]
        variation: Option<String>,
    },
    /// Bring Pancake's catalogue into the app's, matched by SKU: shows what
    /// would change, and changes it with --apply.
    Import {
        /// Write the changes to the app's database (nothing is written to Pancake).
        #[arg(long)]
        apply: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Send the app's catalogue to Pancake, matched by SKU: shows what would
    /// change, and changes it with --apply.
    Push {
        /// Create and update the products in Pancake (needs CONFIRM_WRITE=YES).
        #[arg(long)]
        apply: bool,
        /// Only the products with these SKUs.
        #[arg(long = "sku", value_name = "SKU", num_args = 1..)]
        skus: Vec<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Hide products from sale (needs CONFIRM_WRITE=YES).
    Hide {
        #[arg(required = true)]
        product_ids: Vec<String>,
    },
    /// Put hidden products on sale again (needs CONFIRM_WRITE=YES).
    Show {
        #[arg(required = true)]
        product_ids: Vec<String>,
    },
}

/// Runs a `pancake products` subcommand and returns what it prints; `config`
/// locates the app's database for `import` and `push`.
pub async fn execute(
    client: &PancakeClient,
    config: &Config,
    args: ProductArgs,
) -> anyhow::Result<String> {
    match args.command {
        ProductCommand::Import { apply, output } => import(client, config, apply, &output).await,
        ProductCommand::Push {
            apply,
            skus,
            output,
        } => push(client, config, apply, &skus, &output).await,
        ProductCommand::List {
            search,
            page,
            output,
        } => {
            let page = client.products(search.as_deref(), page).await?;
            render_page(&output, &page, product_table)
        }
        ProductCommand::Get { sku_or_id, output } => {
            let product = client.product(&sku_or_id).await?;
            if output.json {
                render(&output, &[product], product_table)
            } else {
                Ok(format!(
                    "{} ({})\n{}",
                    product.name,
                    opt(product.custom_id.as_deref()),
                    variation_table(&product.variations)
                ))
            }
        }
        ProductCommand::Variations {
            search,
            page,
            output,
        } => {
            let page = client.variations(search.as_deref(), page).await?;
            render(&output, &page.data, variation_table)
        }
        ProductCommand::Categories { output } => {
            let categories = client.categories().await?;
            render(&output, &categories, category_table)
        }
        ProductCommand::Create {
            name,
            sku,
            price,
            barcode,
            weight,
        } => {
            let new = NewProduct {
                weight,
                ..NewProduct::single(name, sku, price, barcode)
            };
            let product = client.create_product(&new).await?;
            Ok(format!(
                "created {} ({})\n",
                product.name,
                opt(product.id.as_deref())
            ))
        }
        ProductCommand::Update {
            sku_or_id,
            name,
            price,
            variation,
        } => {
            let change = ProductChange {
                name,
                prices: variation.zip(price).into_iter().collect(),
                ..ProductChange::default()
            };
            let product = client.update_product(&sku_or_id, &change).await?;
            Ok(format!("updated {}\n", product.name))
        }
        ProductCommand::Hide { product_ids } => {
            client.set_hidden(&product_ids, true).await?;
            Ok(format!("hid {} product(s)\n", product_ids.len()))
        }
        ProductCommand::Show { product_ids } => {
            client.set_hidden(&product_ids, false).await?;
            Ok(format!("put {} product(s) on sale\n", product_ids.len()))
        }
    }
}

async fn import(
    client: &PancakeClient,
    config: &Config,
    apply: bool,
    output: &OutputArgs,
) -> anyhow::Result<String> {
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    let plan = sync::plan_import(client, &pool).await?;
    let mut printed = render(output, &plan, plan_table)?;
    if apply {
        let applied = sync::apply_import(&pool, &plan).await?;
        if !output.json {
            printed.push_str(&format!(
                "created {}, updated {}, refused {}\n",
                applied.created,
                applied.updated,
                applied.failed.len()
            ));
            for (sku, reason) in &applied.failed {
                printed.push_str(&format!("  {sku}: {reason}\n"));
            }
        }
    } else if !output.json {
        printed.push_str("dry run: nothing was written; run again with --apply\n");
    }
    pool.close().await;
    Ok(printed)
}

async fn push(
    client: &PancakeClient,
    config: &Config,
    apply: bool,
    skus: &[String],
    output: &OutputArgs,
) -> anyhow::Result<String> {
    // Refused before anything is read: a forgotten CONFIRM_WRITE should not
    // cost a walk through the whole catalogue.
    if apply && !client.config().writes.confirmed {
        return Err(PancakeError::WriteNotConfirmed.into());
    }
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    let local = push::local_catalogue(&pool).await;
    pool.close().await;
    let local = push::with_skus(local?, skus)?;
    let pancake = client.all_products().await?;
    let plan = push::plan_push(&local, &pancake);
    let mut printed = render(output, &plan, push_table)?;
    if !output.json {
        let counts = Counts::of(&plan);
        printed.push_str(&format!(
            "{} to create, {} to update, {} unchanged, {} conflict(s), {} skipped\n",
            counts.create, counts.update, counts.unchanged, counts.conflict, counts.skip
        ));
    }
    if apply {
        let pushed = push::apply_push(client, &plan).await?;
        if !output.json {
            printed.push_str(&format!(
                "created {} and updated {} product(s) in Pancake\n",
                pushed.created.len(),
                pushed.updated.len()
            ));
        }
    } else if !output.json {
        printed.push_str("dry run: nothing was written to Pancake; run again with --apply\n");
    }
    Ok(printed)
}

fn push_table(plan: &[push::Planned]) -> String {
    let rows =
        plan.iter()
            .map(|item| {
                let (action, mut detail) = match &item.action {
                    push::Action::Create { product } => {
                        let variations = product.variations.iter().map(|variation| {
                            format!("{} {}", variation.sku, variation.retail_price)
                        });
                        ("create", variations.collect())
                    }
                    push::Action::Update { changes, .. } => {
                        ("update", changes.iter().map(ToString::to_string).collect())
                    }
                    push::Action::Unchanged { .. } => ("unchanged", Vec::new()),
                    push::Action::Conflict { reason } => ("conflict", vec![reason.clone()]),
                    push::Action::Skip { reason } => ("skip", vec![reason.clone()]),
                };
                detail.extend(item.notes.iter().cloned());
                vec![
                    item.sku.clone(),
                    item.name.clone(),
                    action.to_owned(),
                    detail.join("; "),
                ]
            })
            .collect();
    format_table(&["SKU", "NAME", "ACTION", "DETAIL"], rows)
}

fn plan_table(plan: &[Planned]) -> String {
    let rows = plan
        .iter()
        .map(|item| {
            let (action, detail) = match &item.action {
                Action::Create => ("create", String::new()),
                Action::Update { changes } => ("update", changes.join("; ")),
                Action::Unchanged => ("unchanged", String::new()),
                Action::Skip { reason } => ("skip", reason.clone()),
            };
            vec![
                item.sku.clone(),
                item.name.clone(),
                item.price.to_string(),
                action.to_owned(),
                detail,
            ]
        })
        .collect();
    format_table(&["SKU", "NAME", "PRICE", "ACTION", "DETAIL"], rows)
}

fn product_table(products: &[Product]) -> String {
    let rows = products
        .iter()
        .map(|product| {
            let prices: Vec<i64> = product
                .variations
                .iter()
                .filter_map(|variation| variation.retail_price)
                .collect();
            let price = match (prices.iter().min(), prices.iter().max()) {
                (Some(low), Some(high)) if low == high => low.to_string(),
                (Some(low), Some(high)) => format!("{low}–{high}"),
                _ => "-".to_owned(),
            };
            vec![
                opt(product.custom_id.as_deref()),
                product.name.clone(),
                product.variations.len().to_string(),
                price,
            ]
        })
        .collect();
    format_table(&["SKU", "NAME", "VARIATIONS", "PRICE"], rows)
}

fn variation_table(variations: &[Variation]) -> String {
    let rows = variations
        .iter()
        .map(|variation| {
            vec![
                opt(variation.custom_id.as_deref()),
                variation.label(),
                opt(variation.barcode.as_deref()),
                variation
                    .retail_price
                    .map_or_else(|| "-".to_owned(), |price| price.to_string()),
                variation
                    .remain_quantity
                    .map_or_else(|| "-".to_owned(), |stock| stock.to_string()),
            ]
        })
        .collect();
    format_table(&["SKU", "VARIATION", "BARCODE", "PRICE", "STOCK"], rows)
}

fn category_table(categories: &[Category]) -> String {
    let mut rows = Vec::new();
    let mut stack: Vec<(usize, &Category)> = categories.iter().rev().map(|c| (0, c)).collect();
    while let Some((depth, category)) = stack.pop() {
        rows.push(vec![
            category.id.to_string(),
            format!("{}{}", "  ".repeat(depth), category.text),
        ]);
        stack.extend(category.nodes.iter().rev().map(|child| (depth + 1, child)));
    }
    format_table(&["ID", "NAME"], rows)
}
