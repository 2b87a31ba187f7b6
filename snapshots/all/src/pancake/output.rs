//! Printing what `pancake …` subcommands fetch: a plain table for people, or
//! JSON with `--json` for scripts.

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use super::Page;

/// The `--json` switch every listing subcommand takes.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print the data as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `items` as pretty JSON or as the table `table` lays out.
pub fn render<T: Serialize>(
    output: &OutputArgs,
    items: &[T],
    table: fn(&[T]) -> String,
) -> anyhow::Result<String> {
    if output.json {
        let json = serde_json::to_string_pretty(items).context("cannot encode JSON")?;
        Ok(format!("{json}\n"))
    } else {
        Ok(table(items))
    }
}

/// One page of a list: as [`render`], and for people the page's place in
/// the list after the table.
pub fn render_page<T: Serialize>(
    output: &OutputArgs,
    page: &Page<T>,
    table: fn(&[T]) -> String,
) -> anyhow::Result<String> {
    let mut printed = render(output, &page.data, table)?;
    if !output.json {
        if let (Some(number), Some(total)) = (page.page_number, page.total_pages) {
            printed.push_str(&format!("page {number} of {total}\n"));
        }
    }
    Ok(printed)
}

/// `-` for a missing value.
pub fn opt(value: Option<&str>) -> String {
    value.unwrap_or("-").to_owned()
}

/// Left-aligned columns separated by two spaces, without trailing blanks.
pub fn format_table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - display_width(cell) + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Terminal columns taken by `text`: Vietnamese names may arrive decomposed,
/// and combining diacritics (U+0300–U+036F) occupy no column of their own.
fn display_width(text: &str) -> usize {
    text.chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .count()
}
