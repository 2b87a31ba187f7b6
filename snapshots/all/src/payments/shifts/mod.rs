//! Cash shifts: opening float, cash in and out, closing count and the Z-report.
//!
//! The shop has one cash drawer, so at most one shift is open at a time (a
//! unique index says so). A shift owns the cash payments and refunds made
//! while it is open, by their time, and the cash movements recorded against
//! it. Closing it stores the Z-report's figures on the row, so a closed
//! shift's report never changes. A count that differs from the expected cash
//! by more than [`ShiftRules::difference_limit`] is kept, and the shift stays
//! open until a manager approves it.

mod model;
mod pages;
mod repo;
mod routes;
mod service;
mod text;

pub use routes::router;

/// The environment variable that sets [`ShiftRules::difference_limit`].
const LIMIT_VAR: &str = "SHIFT_DIFFERENCE_LIMIT";

/// How strictly a shift's count is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftRules {
    /// The largest difference, in whole đồng either way, between counted and
    /// expected cash that a shift may close with and no manager's approval.
    pub difference_limit: i64,
}

impl Default for ShiftRules {
    /// Fifty thousand đồng: a miscounted note, not a missing bundle.
    fn default() -> Self {
        Self {
            difference_limit: 50_000,
        }
    }
}

impl ShiftRules {
    /// The rules from `SHIFT_DIFFERENCE_LIMIT`; unset or blank means the
    /// default.
    pub fn from_env() -> Self {
        Self::from_setting(std::env::var(LIMIT_VAR).ok().as_deref())
    }

    /// The rules from the variable's value. A value that is not a whole
    /// number of at least zero is logged and the default used, as the
    /// gateways' settings are: a typo must not stop the till.
    fn from_setting(value: Option<&str>) -> Self {
        let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
            return Self::default();
        };
        match value.parse::<i64>() {
            Ok(limit) if limit >= 0 => Self {
                difference_limit: limit,
            },
            _ => {
                let default = Self::default();
                tracing::warn!(
                    value,
                    default = default.difference_limit,
                    "{LIMIT_VAR} is not a whole number of đồng of at least 0; the default is used"
                );
                default
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_read_or_defaulted() {
        let limit = |value| ShiftRules::from_setting(value).difference_limit;
        assert_eq!(limit(None), 50_000);
        assert_eq!(limit(Some(" ")), 50_000);
        assert_eq!(limit(Some("0")), 0);
        assert_eq!(limit(Some(" 20000 ")), 20_000);
        assert_eq!(limit(Some("-1")), 50_000);
        assert_eq!(limit(Some("50.000")), 50_000);
    }
}
