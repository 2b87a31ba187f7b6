//! Shift types as the API shows and accepts them.

use serde::{Deserialize, Serialize};

/// Where a shift is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftStatus {
    /// Taking sales; nobody has counted the drawer yet.
    Open,
    /// Counted with a difference above the limit: still open, and waiting
    /// for a manager to approve the count or recount.
    AwaitingApproval,
    /// Counted and closed; its Z-report is fixed.
    Closed,
}

/// A shift as stored, its Z-report figures set once it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Shift {
    pub id: i64,
    pub opening_float: i64,
    pub opening_note: String,
    pub opened_by: Option<String>,
    pub opened_at: String,
    /// The last count, also while it waits for approval.
    pub counted: Option<i64>,
    pub counted_by: Option<String>,
    pub counted_at: Option<String>,
    pub closing_note: String,
    pub closed_by: Option<String>,
    /// The manager who accepted a difference above the limit, and why.
    pub approved_by: Option<String>,
    pub approval_note: String,
    pub closed_at: Option<String>,
    /// The cash the drawer should hold, stored at the close.
    pub expected: Option<i64>,
    /// Counted less expected, stored at the close.
    pub difference: Option<i64>,
    /// The rest of the stored Z-report, shown through [`ZReport`].
    #[serde(skip)]
    pub cash_taken: Option<i64>,
    #[serde(skip)]
    pub change_given: Option<i64>,
    #[serde(skip)]
    pub cash_refunds: Option<i64>,
    #[serde(skip)]
    pub cash_in: Option<i64>,
    #[serde(skip)]
    pub cash_out: Option<i64>,
}

impl Shift {
    pub fn status(&self) -> ShiftStatus {
        match (&self.closed_at, self.counted) {
            (Some(_), _) => ShiftStatus::Closed,
            (None, Some(_)) => ShiftStatus::AwaitingApproval,
            (None, None) => ShiftStatus::Open,
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// The figures stored at the close; `None` while the shift is open.
    pub fn stored_figures(&self) -> Option<Figures> {
        Some(Figures {
            cash_taken: self.cash_taken?,
            change_given: self.change_given?,
            cash_refunds: self.cash_refunds?,
            cash_in: self.cash_in?,
            cash_out: self.cash_out?,
        })
    }
}

/// The cash that moved through the drawer in a shift's window, summed by
/// the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Figures {
    /// What customers handed over in cash.
    pub cash_taken: i64,
    /// The change handed back to them.
    pub change_given: i64,
    /// Cash given back by succeeded refunds.
    pub cash_refunds: i64,
    pub cash_in: i64,
    pub cash_out: i64,
}

impl Figures {
    /// The cash the drawer should hold on top of `opening_float`:
    /// float + taken − change − refunds + in − out. Each sum fits an `i64`,
    /// so the `i128` arithmetic cannot overflow; `None` when the result
    /// does not fit, which takes more cash than exists.
    pub fn expected(&self, opening_float: i64) -> Option<i64> {
        let expected = i128::from(opening_float) + i128::from(self.cash_taken)
            - i128::from(self.change_given)
            - i128::from(self.cash_refunds)
            + i128::from(self.cash_in)
            - i128::from(self.cash_out);
        i64::try_from(expected).ok()
    }
}

/// What one payment method took and gave back in a shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct MethodTotal {
    pub method: String,
    /// Put towards orders; for cash, what was handed over less the change.
    pub paid: i64,
    /// Given back by succeeded refunds.
    pub refunded: i64,
}

/// A shift's Z-report: live figures while it is open, stored ones once closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZReport {
    /// True while the shift is open and the figures still change.
    pub live: bool,
    pub opening_float: i64,
    pub cash_taken: i64,
    pub change_given: i64,
    pub cash_refunds: i64,
    pub cash_in: i64,
    pub cash_out: i64,
    pub expected: i64,
    pub counted: Option<i64>,
    /// Counted less expected: negative when cash is missing.
    pub difference: Option<i64>,
    pub methods: Vec<MethodTotal>,
}

/// Cash put into or taken out of the drawer besides sales and refunds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct CashMovement {
    pub id: i64,
    /// `in` or `out`.
    pub kind: String,
    pub amount: i64,
    pub reason: String,
    pub actor: Option<String>,
    pub created_at: String,
}

/// A shift with its Z-report and cash movements.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftDetail {
    #[serde(flatten)]
    pub shift: Shift,
    pub status: ShiftStatus,
    pub report: ZReport,
    pub movements: Vec<CashMovement>,
}

/// One shift in a list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftSummary {
    #[serde(flatten)]
    pub shift: Shift,
    pub status: ShiftStatus,
}

impl From<Shift> for ShiftSummary {
    fn from(shift: Shift) -> Self {
        Self {
            status: shift.status(),
            shift,
        }
    }
}

/// The body of `POST /api/shifts`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenRequest {
    pub opening_float: Option<i64>,
    pub note: Option<String>,
}

/// The body of `POST /api/shifts/{id}/cash-movements`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementRequest {
    pub kind: Option<String>,
    pub amount: Option<i64>,
    pub reason: Option<String>,
}

/// The body of `POST /api/shifts/{id}/close`, and of `…/approve`, where the
/// count is optional and replaces the one waiting for approval.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloseRequest {
    pub counted: Option<i64>,
    pub note: Option<String>,
}
