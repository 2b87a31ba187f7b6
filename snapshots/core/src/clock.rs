//! Wall-clock timestamps in the one text format the database stores.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The current time as ISO-8601 UTC with milliseconds, e.g. `2024-05-01T12:30:00.000Z`.
///
/// Timestamps are stored as fixed-width text because both SQLite and
/// PostgreSQL read it back through sqlx's `Any` driver, and because
/// fixed-width text sorts in time order.
pub fn now_utc() -> String {
    // A clock set before 1970 is a broken machine; the epoch is a safe floor.
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format_utc(since_epoch)
}

/// Seconds since the Unix epoch, the unit of the outboxes' due times.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Formats a time since the Unix epoch as ISO-8601 UTC with milliseconds.
pub fn format_utc(since_epoch: Duration) -> String {
    let secs = since_epoch.as_secs();
    // Seconds since 1970 in a u64 are fewer than i64::MAX days.
    let (year, month, day) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(i64::MAX));
    let time_of_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        time_of_day / 3_600,
        time_of_day % 3_600 / 60,
        time_of_day % 60,
        since_epoch.subsec_millis(),
    )
}

/// Converts days since 1970-01-01 (negative before it) to a proleptic
/// Gregorian (year, month, day).
///
/// This is Howard Hinnant's `civil_from_days`, which counts in 400-year eras
/// of 146 097 days with years starting on 1 March, so the leap day falls at
/// the end of a year and needs no special case; it saves a date-time
/// dependency.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01.
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    // Both are small by construction: 1..=12 and 1..=31.
    (year, month as u32, day as u32)
}

/// Converts a proleptic Gregorian date to days since 1970-01-01, the inverse
/// of [`civil_from_days`] (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Reads a stored timestamp (see [`now_utc`]) back as whole seconds since the
/// Unix epoch; `None` when the text is not in that format.
pub fn unix_seconds(utc: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = utc.get(range)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let shape_ok = utc.len() >= 20
        && utc.as_bytes()[4] == b'-'
        && utc.as_bytes()[7] == b'-'
        && utc.as_bytes()[10] == b'T'
        && utc.as_bytes()[13] == b':'
        && utc.as_bytes()[16] == b':'
        && utc.ends_with('Z');
    if !shape_ok {
        return None;
    }
    let (month, day) = (number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(i64::from(number(0..4)?), month, day);
    Some(days * 86_400 + i64::from(hour * 3_600 + minute * 60 + second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let cases = [
            (0, 0, "1970-01-01T00:00:00.000Z"),
            (951_782_400, 0, "2000-02-29T00:00:00.000Z"),
            (1_709_251_199, 999, "2024-02-29T23:59:59.999Z"),
            (1_735_689_599, 5, "2024-12-31T23:59:59.005Z"),
            (4_107_542_400, 0, "2100-03-01T00:00:00.000Z"),
        ];
        for (secs, millis, expected) in cases {
            let since_epoch = Duration::from_secs(secs) + Duration::from_millis(millis);
            assert_eq!(format_utc(since_epoch), expected, "for {secs}s");
        }
    }

    #[test]
    fn reads_stored_timestamps_back() {
        for secs in [0, 951_782_400, 1_709_251_199, 1_735_689_599, 4_107_542_400] {
            let text = format_utc(Duration::from_secs(secs) + Duration::from_millis(7));
            assert_eq!(unix_seconds(&text), Some(secs as i64), "{text}");
        }
        for day in -1_000..1_000 {
            let (year, month, date) = civil_from_days(day * 97);
            assert_eq!(days_from_civil(year, month, date), day * 97);
        }
        for bad in [
            "",
            "2024-13-01T00:00:00.000Z",
            "2024-01-01 00:00:00",
            "x024-01-01T00:00:00Z",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn now_has_the_stored_shape() {
        let now = now_utc();
        assert_eq!(now.len(), "2024-01-01T00:00:00.000Z".len());
        assert!(now.ends_with('Z'));
    }
}
