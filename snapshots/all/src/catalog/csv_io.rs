//! Products as CSV: import (upsert by SKU, one report line per bad row) and
//! export in the same columns, so an exported file can be edited and
//! imported back.
//!
//! Columns: `sku,name,price,barcode,costPrice,taxRate,category,description,
//! active,lowStockThreshold,stock`. Only `sku`, `name` and `price` are
//! required. A column left out of the file keeps the product's current
//! value; a column present with an empty cell clears an optional field.
//! `category` is a category name, created at the top level when new. `stock`
//! is exported for reading and ignored on import: stock only changes through
//! the inventory ledger.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{ProductInput, ProductRequest},
    repo,
    service::{self, UpsertOutcome},
    Product,
};
use crate::{
    categories, db,
    validate::{Problem, Problems},
    AppError,
};

const COLUMNS: [&str; 11] = [
    "sku",
    "name",
    "price",
    "barcode",
    "costPrice",
    "taxRate",
    "category",
    "description",
    "active",
    "lowStockThreshold",
    "stock",
];

/// What an import did. Rows are numbered as in a spreadsheet: the header is
/// row 1, the first product row 2.
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub created: u32,
    pub updated: u32,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Serialize)]
pub struct RowError {
    pub row: u64,
    pub field: String,
    #[serde(rename = "message")]
    pub problem: Problem,
}

/// Imports every good row, each in a transaction of its own, so a bad row
/// is reported and skipped without undoing the others.
pub async fn import(db: &AnyPool, text: &str) -> Result<ImportReport, AppError> {
    // Spreadsheet programs often start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|err| AppError::BadRequest(format!("Unreadable CSV header: {err}.")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let missing: Vec<_> = ["sku", "name", "price"]
        .into_iter()
        .filter(|required| !headers.iter().any(|h| h == required))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::invalid(
            "header",
            Problem::MissingColumns(missing.join(", ")),
        ));
    }

    let mut report = ImportReport::default();
    for (index, record) in reader.records().enumerate() {
        let row = index as u64 + 2;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                report.errors.push(RowError {
                    row,
                    field: "row".into(),
                    problem: Problem::Worded(err.to_string()),
                });
                continue;
            }
        };
        let cells: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        let mut tx = db::begin_write(db).await?;
        match import_row(&mut tx, &cells).await {
            Ok(UpsertOutcome::Created) => report.created += 1,
            Ok(UpsertOutcome::Updated) => report.updated += 1,
            Err(err) => {
                report.errors.extend(row_errors(row, err)?);
                continue; // Dropping the transaction rolls the row back.
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

async fn import_row(
    conn: &mut AnyConnection,
    cells: &HashMap<&str, &str>,
) -> Result<UpsertOutcome, AppError> {
    let sku = cells.get("sku").copied().unwrap_or_default();
    let existing = service::find_by_sku(conn, sku).await?;
    let mut request = existing.as_ref().map(request_from).unwrap_or_default();
    let mut problems = Problems::default();
    let text = |column: &str| cells.get(column).map(|cell| cell.to_string());
    let mut number = |column: &str, current: Option<i64>| match cells.get(column) {
        None => current,
        Some(&"") => None,
        Some(cell) => cell.parse().map(Some).unwrap_or_else(|_| {
            problems.add(column, Problem::WholeNumber);
            current
        }),
    };
    request.price = number("price", request.price);
    request.cost_price = number("costPrice", request.cost_price);
    request.tax_rate = number("taxRate", request.tax_rate);
    request.low_stock_threshold = number("lowStockThreshold", request.low_stock_threshold);
    request.sku = text("sku");
    request.name = text("name");
    if let Some(barcode) = text("barcode") {
        request.barcode = Some(barcode);
    }
    if let Some(description) = text("description") {
        request.description = Some(description);
    }
    if let Some(active) = cells.get("active").filter(|cell| !cell.is_empty()) {
        match parse_flag(active) {
            Some(active) => request.active = Some(active),
            None => problems.add("active", Problem::TrueOrFalse),
        }
    }
    let mut input = combine(problems.finish(), request.validate())?;
    if let Some(category) = cells.get("category") {
        input.category_id = if category.is_empty() {
            None
        } else {
            Some(categories::find_or_create_by_name(conn, category).await?.id)
        };
    }
    Ok(service::upsert_product(conn, &input).await?.1)
}

/// Reports unreadable cells and invalid values together, leaving out the
/// follow-on complaint about a field whose cell could not be read.
fn combine(
    parsed: Result<(), AppError>,
    validated: Result<ProductInput, AppError>,
) -> Result<ProductInput, AppError> {
    let mut details = match parsed {
        Ok(()) => return validated,
        Err(AppError::Validation { details, .. }) => details,
        Err(other) => return Err(other),
    };
    if let Err(AppError::Validation { details: more, .. }) = validated {
        let unread: Vec<String> = details.iter().map(|d| d.field.clone()).collect();
        details.extend(more.into_iter().filter(|d| !unread.contains(&d.field)));
    }
    Err(AppError::Validation {
        message: "The request has invalid fields.".into(),
        details,
    })
}

/// A product's current values as a request, for columns the file leaves out.
fn request_from(product: &Product) -> ProductRequest {
    ProductRequest {
        name: Some(product.name.clone()),
        sku: Some(product.sku.clone()),
        price: Some(product.price),
        barcode: product.barcode.clone(),
        category_id: product.category_id,
        cost_price: Some(product.cost_price),
        tax_rate: Some(product.tax_rate),
        description: Some(product.description.clone()),
        active: Some(product.active),
        low_stock_threshold: Some(product.low_stock_threshold),
    }
}

fn parse_flag(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" => Some(true),
        "false" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// A row's problems as report lines; an unexpected failure still fails the
/// whole import, because it is the database, not the row, that is wrong.
fn row_errors(row: u64, err: AppError) -> Result<Vec<RowError>, AppError> {
    let line = |field: String, problem: Problem| RowError {
        row,
        field,
        problem,
    };
    match err {
        AppError::Validation { details, .. } => Ok(details
            .into_iter()
            .map(|detail| line(detail.field, detail.problem))
            .collect()),
        AppError::Duplicate { field, problem } => Ok(vec![line(field, problem)]),
        AppError::Conflict(message) => Ok(vec![line("row".into(), Problem::Worded(message))]),
        other => Err(other),
    }
}

/// Every product, active or not, in the import's columns. The file starts with
/// a byte order mark, without which spreadsheet programs read the Vietnamese
/// names as another encoding; the import skips it.
pub async fn export(db: &AnyPool) -> Result<String, AppError> {
    let mut conn = db.acquire().await?;
    let products = repo::all(&mut conn).await?;
    let category_names: HashMap<i64, String> = categories::list_names(&mut conn).await?;
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(COLUMNS).map_err(anyhow::Error::from)?;
    for product in products {
        let category = product
            .category_id
            .and_then(|id| category_names.get(&id).cloned())
            .unwrap_or_default();
        writer
            .write_record([
                product.sku,
                product.name,
                product.price.to_string(),
                product.barcode.unwrap_or_default(),
                product.cost_price.to_string(),
                product.tax_rate.to_string(),
                category,
                product.description,
                product.active.to_string(),
                product.low_stock_threshold.to_string(),
                product.stock.to_string(),
            ])
            .map_err(anyhow::Error::from)?;
    }
    let bytes = writer.into_inner().map_err(anyhow::Error::from)?;
    Ok(String::from_utf8(bytes).map_err(anyhow::Error::from)?)
}
