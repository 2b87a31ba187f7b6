//! `pancake customers …`: Pancake's customers from the shell.

use clap::{ArgGroup, Args, Subcommand};

use super::{
    api::{CustomerChange, NewCustomer},
    Customer, CustomerLevel, PointLog,
};
use crate::customers::normalise_phone;
use crate::pancake::{
    output::{format_table, opt, render, render_page, OutputArgs},
    PancakeClient,
};

#[derive(Debug, Args)]
pub struct CustomerArgs {
    #[command(subcommand)]
    command: CustomerCommand,
}

#[derive(Debug, Subcommand)]
enum CustomerCommand {
    /// List customers, a page at a time.
    List {
        /// Part of a name or a phone number (Pancake's search is fuzzy).
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// One customer, by id, with their addresses.
    Get {
        /// The customer's id (a UUID, as `list` shows it).
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The customer with exactly this phone number.
    ///
    /// Any spelling matches: 0901 234 567, +84901234567 and 84901234567 are
    /// one number. Near misses from Pancake's fuzzy search are left out.
    Find {
        #[arg(long)]
        phone: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a customer (needs CONFIRM_WRITE=YES).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = phone_number)]
        phone: String,
        /// A delivery address in full, e.g. "190 Cầu Giấy, Hà Nội".
        #[arg(long)]
        address: Option<String>,
    },
    /// Rename a customer or set their email (needs CONFIRM_WRITE=YES).
    #[command(group(ArgGroup::new("change").required(true).multiple(true)))]
    Update {
        /// The customer's id (a UUID, as `list` shows it).
        id: String,
        #[arg(long, group = "change")]
        name: Option<String>,
        /// Becomes the customer's first email; the others are kept.
        #[arg(long, group = "change")]
        email: Option<String>,
    },
    /// The shop's loyalty levels.
    Levels {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// A customer's reward-point history, a page at a time.
    Points {
        /// The customer's id (a UUID, as `list` shows it).
        id: String,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs a `pancake customers` subcommand and returns what it prints.
pub async fn execute(client: &PancakeClient, args: CustomerArgs) -> anyhow::Result<String> {
    match args.command {
        CustomerCommand::List {
            search,
            page,
            output,
        } => {
            let page = client.customers(search.as_deref(), page).await?;
            render_page(&output, &page, customer_table)
        }
        CustomerCommand::Get { id, output } => {
            let customer = client.customer(&id).await?;
            show(&output, customer)
        }
        CustomerCommand::Find { phone, output } => match client.customer_by_phone(&phone).await? {
            Some(customer) => show(&output, customer),
            None if output.json => render(&output, &[], customer_table),
            None => Ok(format!("no customer has phone {phone}\n")),
        },
        CustomerCommand::Create {
            name,
            phone,
            address,
        } => {
            let new = NewCustomer {
                name,
                phone,
                address,
            };
            let customer = client.create_customer(&new).await?;
            Ok(format!("created {} ({})\n", customer.name, customer.id))
        }
        CustomerCommand::Update { id, name, email } => {
            let customer = client
                .update_customer(&id, &CustomerChange { name, email })
                .await?;
            Ok(format!("updated {} ({})\n", customer.name, customer.id))
        }
        CustomerCommand::Levels { output } => {
            let levels = client.customer_levels().await?;
            render(&output, &levels, level_table)
        }
        CustomerCommand::Points { id, page, output } => {
            let page = client.point_logs(&id, page).await?;
            render(&output, &page.data, point_table)
        }
    }
}

/// A phone number for a new customer, checked before anything is sent.
fn phone_number(text: &str) -> Result<String, String> {
    normalise_phone(text).ok_or_else(|| "not a phone number (8 to 15 digits)".to_owned())
}

/// One customer: as JSON, or as a card of its fields and its addresses.
fn show(output: &OutputArgs, customer: Customer) -> anyhow::Result<String> {
    if output.json {
        return render(output, &[customer], customer_table);
    }
    let fields = [
        ("id", customer.id.clone()),
        ("phone", joined(&customer.phone_numbers)),
        ("email", joined(&customer.emails)),
        ("gender", opt(customer.gender.as_deref())),
        ("born", opt(customer.date_of_birth.as_deref())),
        ("level", opt(customer.level_id.as_deref())),
        ("points", shown(customer.reward_point)),
        ("orders", shown(customer.order_count)),
        ("purchased", shown(customer.purchased_amount)),
        (
            "last order",
            opt(customer.last_order_at.as_deref().map(day)),
        ),
    ];
    let width = fields
        .iter()
        .map(|(label, _)| label.len())
        .max()
        .unwrap_or(0)
        + 2;
    let mut printed = format!("{}\n", customer.name);
    for (label, value) in fields {
        printed.push_str(&format!("{label:<width$}{value}\n"));
    }
    if !customer.shop_customer_address.is_empty() {
        let rows = customer
            .shop_customer_address
            .iter()
            .map(|address| {
                vec![
                    opt(address.full_name.as_deref()),
                    opt(address.phone_number.as_deref()),
                    opt(address.full_address.as_deref()),
                ]
            })
            .collect();
        printed.push('\n');
        printed.push_str(&format_table(&["RECIPIENT", "PHONE", "ADDRESS"], rows));
    }
    Ok(printed)
}

fn customer_table(customers: &[Customer]) -> String {
    let rows = customers
        .iter()
        .map(|customer| {
            vec![
                customer.id.clone(),
                customer.name.clone(),
                opt(customer.phone_numbers.first().map(String::as_str)),
                shown(customer.order_count),
                shown(customer.purchased_amount),
                shown(customer.reward_point),
            ]
        })
        .collect();
    format_table(
        &["ID", "NAME", "PHONE", "ORDERS", "PURCHASED", "POINTS"],
        rows,
    )
}

fn level_table(levels: &[CustomerLevel]) -> String {
    let rows = levels
        .iter()
        .map(|level| {
            vec![
                level.id.clone(),
                level.name.clone(),
                shown(level.discount),
                shown(level.upgrade_by_order_count),
                shown(level.upgrade_by_point),
                shown(level.upgrade_by_total_purchase),
            ]
        })
        .collect();
    format_table(
        &[
            "ID",
            "NAME",
            "DISCOUNT",
            "FROM ORDERS",
            "FROM POINTS",
            "FROM PURCHASED",
        ],
        rows,
    )
}

fn point_table(logs: &[PointLog]) -> String {
    let rows = logs
        .iter()
        .map(|log| {
            vec![
                opt(log.inserted_at.as_deref().map(day)),
                log.amount
                    .map_or_else(|| "-".to_owned(), |amount| format!("{amount:+}")),
                shown(log.current_point),
                opt(log.creator.as_ref().and_then(|staff| staff.name.as_deref())),
                opt(log.note.as_deref()),
            ]
        })
        .collect();
    format_table(&["DATE", "CHANGE", "BALANCE", "BY", "NOTE"], rows)
}

/// `-` for a missing number. Points print as `10` or `12.5`, never `10.0`.
fn shown<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

fn joined(values: &[String]) -> String {
    if values.is_empty() {
        "-".to_owned()
    } else {
        values.join(", ")
    }
}

/// The date of one of Pancake's timestamps (`2020-04-01T10:18:41Z`).
fn day(timestamp: &str) -> &str {
    timestamp.split('T').next().unwrap_or(timestamp)
}
