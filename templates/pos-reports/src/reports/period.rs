//! The dates a report covers, in the shop's time zone, and the instants that
//! cut them into days, weeks or months.
//!
//! Orders are stamped in UTC; a shop's day runs from its own midnight to the
//! next. Every boundary is worked out here with the time-zone database, so a
//! sale at 00:30 in Hồ Chí Minh City (17:30 UTC the day before) counts for the
//! right day, and a day of 23 or 25 hours in a zone with daylight saving has
//! its true length. The SQL then only compares stored timestamps with these
//! boundaries, which the indexes on the timestamps serve.

use jiff::{civil::Date, tz::TimeZone, Timestamp, ToSpan};
use serde::Serialize;

use crate::{clock, validate::Problem, AppError};

/// The longest range one report covers: a little over a year, as days.
pub const MAX_DAYS: i32 = 400;

/// How the range is cut into rows and chart bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    Day,
    /// Monday to Sunday.
    Week,
    Month,
}

impl Grain {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The first day of the bucket holding `date`.
    fn start_of(self, date: Date) -> Date {
        match self {
            Self::Day => date,
            Self::Week => {
                let since_monday = date.weekday().to_monday_zero_offset();
                date.checked_sub(i64::from(since_monday).days())
                    .unwrap_or(date)
            }
            Self::Month => date.first_of_month(),
        }
    }

    /// The first day of the bucket after the one starting on `start`.
    fn next(self, start: Date) -> Option<Date> {
        match self {
            Self::Day => start.tomorrow().ok(),
            Self::Week => start.checked_add(1.week()).ok(),
            Self::Month => start.checked_add(1.month()).ok(),
        }
    }
}

/// Local calendar days `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// A stretch of time as the database compares it: `start` included, `end`
/// excluded, both stored-format UTC text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// What a person reads: `2026-11-27`, `2026-W48` or `2026-11`.
    pub label: String,
    pub start: String,
    pub end: String,
}

impl Period {
    /// Checks a range from a request: both dates given, `from` not after
    /// `to`, and at most [`MAX_DAYS`] days.
    pub fn new(from: Date, to: Date) -> Result<Self, AppError> {
        if from > to {
            return Err(AppError::invalid(
                "from",
                Problem::Worded("must not be after `to`".into()),
            ));
        }
        if days_between(from, to) >= i64::from(MAX_DAYS) {
            return Err(AppError::invalid(
                "to",
                Problem::Worded(format!("may be at most {MAX_DAYS} days after `from`")),
            ));
        }
        Ok(Self { from, to })
    }

    /// The `days` days ending with `to`.
    pub fn ending(to: Date, days: i32) -> Self {
        let from = to.checked_sub((days.max(1) - 1).days()).unwrap_or(to);
        Self { from, to }
    }

    /// How many days the period has.
    pub fn days(&self) -> i64 {
        days_between(self.from, self.to) + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Self {
        let length = self.days();
        let to = self.from.yesterday().unwrap_or(self.from);
        let from = to.checked_sub((length - 1).days()).unwrap_or(to);
        Self { from, to }
    }

    /// The whole period as one span.
    pub fn span(&self, tz: &TimeZone) -> Span {
        Span {
            label: format!("{} – {}", self.from, self.to),
            start: start_of_day(self.from, tz),
            end: start_of_day(self.to.tomorrow().unwrap_or(self.to), tz),
        }
    }

    /// The period cut by `grain`; the first and last buckets are clipped to
    /// the period, so a week report from a Wednesday starts on that Wednesday.
    pub fn buckets(&self, grain: Grain, tz: &TimeZone) -> Vec<Span> {
        let end = self.to.tomorrow().unwrap_or(self.to);
        let mut buckets = Vec::new();
        let mut start = grain.start_of(self.from);
        while start < end {
            let next = grain.next(start).unwrap_or(end);
            let (from, until) = (start.max(self.from), next.min(end));
            buckets.push(Span {
                label: label(grain, from),
                start: start_of_day(from, tz),
                end: start_of_day(until, tz),
            });
            start = next;
        }
        buckets
    }
}

fn days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

fn label(grain: Grain, start: Date) -> String {
    match grain {
        Grain::Day => start.to_string(),
        Grain::Week => {
            let week = start.iso_week_date();
            format!("{}-W{:02}", week.year(), week.week())
        }
        Grain::Month => format!("{:04}-{:02}", start.year(), start.month()),
    }
}

/// The instant the shop's `date` begins, as stored text. A midnight that
/// does not exist (a daylight-saving jump at 00:00) is the first instant of
/// the day that does.
pub fn start_of_day(date: Date, tz: &TimeZone) -> String {
    let instant = date
        .to_zoned(tz.clone())
        .map(|zoned| zoned.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    stored(instant)
}

/// A timestamp in the one text format the database stores.
pub fn stored(instant: Timestamp) -> String {
    let seconds = u64::try_from(instant.as_second()).unwrap_or(0);
    clock::format_utc(std::time::Duration::from_secs(seconds))
}

/// A stored timestamp as the shop's local time, `27/11/2026 19:30`; text
/// that is not a stored timestamp is shown as it is.
pub fn local_time(utc: &str, tz: &TimeZone) -> String {
    clock::unix_seconds(utc)
        .and_then(|seconds| Timestamp::from_second(seconds).ok())
        .map_or_else(
            || utc.to_owned(),
            |instant| {
                instant
                    .to_zoned(tz.clone())
                    .strftime("%d/%m/%Y %H:%M")
                    .to_string()
            },
        )
}

/// Today in the shop's time zone.
pub fn today(tz: &TimeZone) -> Date {
    Timestamp::now().to_zoned(tz.clone()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn saigon() -> TimeZone {
        TimeZone::get("Asia/Ho_Chi_Minh").unwrap()
    }

    #[test]
    fn a_day_in_saigon_starts_at_five_pm_utc_the_day_before() {
        let span = Period::new(date("2026-11-27"), date("2026-11-27"))
            .unwrap()
            .span(&saigon());
        assert_eq!(span.start, "2026-11-26T17:00:00.000Z");
        assert_eq!(span.end, "2026-11-27T17:00:00.000Z");
    }

    #[test]
    fn weeks_start_on_monday_and_are_clipped_to_the_period() {
        // 2026-11-25 is a Wednesday.
        let period = Period::new(date("2026-11-25"), date("2026-12-08")).unwrap();
        let buckets = period.buckets(Grain::Week, &saigon());
        let labels: Vec<&str> = buckets.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["2026-W48", "2026-W49", "2026-W50"]);
        assert_eq!(buckets[0].start, "2026-11-24T17:00:00.000Z");
        assert_eq!(buckets[1].start, "2026-11-29T17:00:00.000Z");
        assert_eq!(buckets[2].end, "2026-12-08T17:00:00.000Z");
    }

    #[test]
    fn months_and_days_cover_the_period_without_gaps() {
        let period = Period::new(date("2026-01-15"), date("2026-03-10")).unwrap();
        for grain in [Grain::Day, Grain::Week, Grain::Month] {
            let buckets = period.buckets(grain, &saigon());
            let whole = period.span(&saigon());
            assert_eq!(buckets.first().unwrap().start, whole.start);
            assert_eq!(buckets.last().unwrap().end, whole.end);
            for pair in buckets.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "{grain:?}");
            }
        }
        let months = period.buckets(Grain::Month, &saigon());
        assert_eq!(months.len(), 3);
        assert_eq!(months[1].label, "2026-02");
        assert_eq!(period.buckets(Grain::Day, &saigon()).len(), 55);
    }

    #[test]
    fn a_daylight_saving_day_has_its_true_length() {
        let new_york = TimeZone::get("America/New_York").unwrap();
        let period = Period::new(date("2026-03-08"), date("2026-03-08")).unwrap();
        let span = period.span(&new_york);
        assert_eq!(span.start, "2026-03-08T05:00:00.000Z");
        assert_eq!(span.end, "2026-03-09T04:00:00.000Z", "23 hours");
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        let period = Period::new(date("2026-03-01"), date("2026-03-31")).unwrap();
        let previous = period.previous();
        assert_eq!(previous.to, date("2026-02-28"));
        assert_eq!(previous.days(), 31);
        assert_eq!(previous.from, date("2026-01-29"));
    }

    #[test]
    fn local_times_follow_the_zone() {
        assert_eq!(
            local_time("2026-03-10T17:30:00.000Z", &saigon()),
            "11/03/2026 00:30"
        );
        assert_eq!(local_time("soon", &saigon()), "soon");
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert!(Period::new(date("2026-03-02"), date("2026-03-01")).is_err());
        assert!(Period::new(date("2025-01-01"), date("2026-03-01")).is_err());
        assert!(Period::new(date("2026-01-01"), date("2026-12-31")).is_ok());
    }
}
