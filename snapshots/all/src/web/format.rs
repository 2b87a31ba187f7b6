//! How money and times are shown to people: one place, so every page agrees.

use std::{borrow::Borrow, time::Duration};

use crate::clock;

/// Vietnam is UTC+7 all year (Asia/Ho_Chi_Minh has no daylight saving).
const VIETNAM_OFFSET_SECS: u64 = 7 * 3_600;

/// An amount in đồng the Vietnamese way: `45.000 ₫`, `-1.500 ₫`.
pub fn vnd(amount: impl Borrow<i64>) -> String {
    let amount = *amount.borrow();
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if amount < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(digit);
    }
    out.push_str(" ₫");
    out
}

/// A stored UTC timestamp (`2024-05-01T12:30:00.000Z`) as Vietnamese local
/// time, `01/05/2024 19:30`. Text that is not such a timestamp is shown as is.
pub fn local_time(utc: impl AsRef<str>) -> String {
    let utc = utc.as_ref();
    let Some(secs) = clock::unix_seconds(utc).and_then(|secs| u64::try_from(secs).ok()) else {
        return utc.to_owned();
    };
    // Reuse the clock's calendar arithmetic, then reorder to day/month/year.
    let local = clock::format_utc(Duration::from_secs(secs + VIETNAM_OFFSET_SECS));
    format!(
        "{}/{}/{} {}",
        &local[8..10],
        &local[5..7],
        &local[0..4],
        &local[11..16]
    )
}

/// Percent-encodes a value for use inside a query string.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_separators() {
        assert_eq!(
            encode_component("/products?page=2&q=cà"),
            "/products%3Fpage%3D2%26q%3Dc%C3%A0"
        );
    }

    #[test]
    fn money_uses_dots_between_thousands() {
        assert_eq!(vnd(0), "0 ₫");
        assert_eq!(vnd(500), "500 ₫");
        assert_eq!(vnd(45_000), "45.000 ₫");
        assert_eq!(vnd(1_234_567), "1.234.567 ₫");
        assert_eq!(vnd(-1_500), "-1.500 ₫");
    }

    #[test]
    fn times_are_shown_in_vietnam() {
        assert_eq!(local_time("2024-05-01T12:30:00.000Z"), "01/05/2024 19:30");
        // Late evening UTC is the next morning in Hà Nội, across a year end.
        assert_eq!(local_time("2023-12-31T20:15:00.000Z"), "01/01/2024 03:15");
        assert_eq!(local_time("2024-02-28T18:00:00.000Z"), "29/02/2024 01:00");
        assert_eq!(local_time("not a time"), "not a time");
    }
}
