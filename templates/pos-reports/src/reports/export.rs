//! Downloads of a report's table: CSV (with the csv crate) written to the
//! response a few hundred rows at a time, and XLSX (with rust_xlsxwriter in
//! its constant-memory mode, which puts each finished row on disk).
//!
//! Money is whole đồng in both, so a spreadsheet adds up to the same figures
//! as the page; percentages are numbers with two decimals (CSV) or real
//! percentages with a percent format (XLSX).

use std::convert::Infallible;

use axum::{
    body::{Body, Bytes},
    http::header,
    response::{IntoResponse, Response},
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::table::{Cell, Column, Kind, Table};
use crate::AppError;

/// Rows written to the response at a time.
const CSV_CHUNK_ROWS: usize = 500;

/// A download format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The table as a file named `{name}.{csv|xlsx}`.
pub async fn download(table: Table, name: &str, format: FileFormat) -> Result<Response, AppError> {
    let body = match format {
        FileFormat::Csv => csv_body(table),
        FileFormat::Xlsx => {
            let bytes = tokio::task::spawn_blocking(move || xlsx(&table))
                .await
                .map_err(|err| anyhow::anyhow!("the XLSX writer stopped: {err}"))?
                .map_err(|err| anyhow::anyhow!("could not write the XLSX file: {err}"))?;
            Body::from(bytes)
        }
    };
    let disposition = format!(r#"attachment; filename="{name}.{}""#, format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The CSV text of the header, the rows and the totals, encoded a chunk of
/// rows at a time as the response is sent.
fn csv_body(table: Table) -> Body {
    let Table {
        columns,
        rows,
        totals,
    } = table;
    let mut header = Some(columns.iter().map(|c| c.label).collect::<Vec<_>>());
    let mut rows = rows.into_iter().chain(totals);
    let chunks = std::iter::from_fn(move || {
        // Writing to memory cannot fail, so `ok()?` only ends the stream.
        let header = header.take();
        // A UTF-8 byte order mark first, so spreadsheet programs read
        // Vietnamese letters right when the file is opened directly.
        let start = if header.is_some() { "\u{feff}" } else { "" };
        let mut writer = csv::Writer::from_writer(start.as_bytes().to_vec());
        if let Some(header) = header {
            writer.write_record(header).ok()?;
        }
        for row in rows.by_ref().take(CSV_CHUNK_ROWS) {
            writer.write_record(row_texts(&columns, &row)).ok()?;
        }
        let bytes = writer.into_inner().ok()?;
        (!bytes.is_empty()).then(|| Ok::<_, Infallible>(Bytes::from(bytes)))
    });
    Body::from_stream(futures_util::stream::iter(chunks))
}

/// One row as CSV fields.
fn row_texts(columns: &[Column], row: &[Cell]) -> Vec<String> {
    columns
        .iter()
        .zip(row)
        .map(|(column, cell)| match (cell, column.kind) {
            (Cell::Text(text), _) => text.clone(),
            (Cell::Number(value), Kind::Percent) => percent_text(*value),
            (Cell::Number(value), _) => value.to_string(),
            (Cell::Empty, _) => String::new(),
        })
        .collect()
}

/// Basis points as a percentage with two decimals: 1 250 is `12.50`.
fn percent_text(basis_points: i64) -> String {
    let sign = if basis_points < 0 { "-" } else { "" };
    let magnitude = basis_points.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// The table as an XLSX workbook of one sheet, header row bold and frozen.
fn xlsx(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0");
    let percent = Format::new().set_num_format("0.00%");
    for (col, column) in (0u16..).zip(&table.columns) {
        sheet.write_string_with_format(0, col, column.label, &bold)?;
        let width = if column.kind == Kind::Text { 28 } else { 14 };
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (row_number, row) in (1u32..).zip(table.rows.iter().chain(&table.totals)) {
        for ((col, column), cell) in (0u16..).zip(&table.columns).zip(row) {
            match (cell, column.kind) {
                (Cell::Text(text), _) => {
                    sheet.write_string(row_number, col, text)?;
                }
                (Cell::Number(value), Kind::Money) => {
                    sheet.write_number_with_format(row_number, col, *value as f64, &money)?;
                }
                (Cell::Number(value), Kind::Percent) => {
                    let fraction = *value as f64 / 10_000.0;
                    sheet.write_number_with_format(row_number, col, fraction, &percent)?;
                }
                (Cell::Number(value), _) => {
                    sheet.write_number(row_number, col, *value as f64)?;
                }
                (Cell::Empty, _) => {}
            }
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_two_decimals() {
        assert_eq!(percent_text(1_250), "12.50");
        assert_eq!(percent_text(-5), "-0.05");
        assert_eq!(percent_text(0), "0.00");
    }
}
