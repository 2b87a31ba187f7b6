//! The rules of a shift: opening one at a time, moving cash, and closing
//! with a count that a manager approves when it is too far off.

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{
        CloseRequest, Figures, MethodTotal, MovementRequest, OpenRequest, Shift, ShiftDetail,
        ShiftSummary, ZReport,
    },
    repo::{self, NewMovement, Signoff, Tally},
    ShiftRules,
};
use crate::notifications::{emit, events, Notice};
use crate::{
    api::PageMeta,
    attribution::Attribution,
    clock, db,
    error::is_unique_violation,
    pagination::Pagination,
    validate::{Problem, Problems},
    web::format::vnd,
    AppError,
};

/// The most cash any one figure typed at the till may be: ten billion đồng,
/// as for a cash payment.
const MAX_AMOUNT: i64 = 10_000_000_000;
const MAX_NOTE_CHARS: usize = 500;
const MAX_REASON_CHARS: usize = 200;

/// Opens a shift with its float. Only one shift is open at a time.
pub async fn open(
    db: &AnyPool,
    request: &OpenRequest,
    by: &Attribution,
) -> Result<ShiftDetail, AppError> {
    let mut problems = Problems::default();
    let opening_float = problems.number("openingFloat", request.opening_float, 0..=MAX_AMOUNT);
    let note = problems.optional_text("note", request.note.as_deref(), MAX_NOTE_CHARS);
    problems.finish()?;

    let now = clock::now_utc();
    let mut conn = db.acquire().await?;
    let note = note.as_deref().unwrap_or_default();
    // The unique index decides between two cashiers opening at once.
    match repo::insert(&mut conn, opening_float, note, by.name(), &now).await {
        Ok(id) => {
            let shift = found(repo::find(&mut conn, id).await?, id)?;
            detail(&mut conn, shift).await
        }
        Err(err) if is_unique_violation(&err) => {
            let message = match repo::find_open(&mut conn).await? {
                Some(open) => format!(
                    "Shift {} is already open; close it before opening another.",
                    open.id
                ),
                // Closed in the meantime: trying again will do.
                None => "Another shift was just opened or closed; try again.".to_owned(),
            };
            Err(AppError::Conflict(message))
        }
        Err(err) => Err(err.into()),
    }
}

/// The open shift with its figures so far.
pub async fn current(db: &AnyPool) -> Result<ShiftDetail, AppError> {
    let mut conn = db.acquire().await?;
    let shift = repo::find_open(&mut conn)
        .await?
        .ok_or_else(|| AppError::NotFound("No shift is open.".into()))?;
    detail(&mut conn, shift).await
}

pub async fn get(db: &AnyPool, id: i64) -> Result<ShiftDetail, AppError> {
    let mut conn = db.acquire().await?;
    let shift = found(repo::find(&mut conn, id).await?, id)?;
    detail(&mut conn, shift).await
}

/// Shifts, newest first.
pub async fn list(
    db: &AnyPool,
    page: Pagination,
) -> Result<(Vec<ShiftSummary>, PageMeta), AppError> {
    let mut conn = db.acquire().await?;
    let shifts = repo::list(&mut conn, page).await?;
    let total = repo::count(&mut conn).await?;
    let summaries = shifts.into_iter().map(ShiftSummary::from).collect();
    Ok((summaries, page.meta(total)))
}

/// Records cash put into or taken out of an open shift's drawer. Taking out
/// more than the drawer should hold is refused.
pub async fn move_cash(
    db: &AnyPool,
    id: i64,
    request: &MovementRequest,
    by: &Attribution,
) -> Result<ShiftDetail, AppError> {
    let mut problems = Problems::default();
    let kind = request.kind.as_deref().map(str::trim).unwrap_or_default();
    match kind {
        "in" | "out" => {}
        "" => problems.add("kind", Problem::Required),
        _ => problems.add("kind", Problem::Worded("must be \"in\" or \"out\"".into())),
    }
    let amount = problems.number("amount", request.amount, 1..=MAX_AMOUNT);
    let reason = problems.text("reason", request.reason.as_deref(), MAX_REASON_CHARS);
    problems.finish()?;

    let now = clock::now_utc();
    let mut tx = db::begin_write(db).await?;
    let shift = open_shift(&mut tx, id, &now).await?;
    if kind == "out" {
        let figures = repo::figures(&mut tx, id, &shift.opened_at, None).await?;
        let in_drawer = expected(&figures, shift.opening_float)?;
        if amount > in_drawer {
            return Err(AppError::Conflict(format!(
                "Taking out {} is more than the {} the drawer should hold.",
                vnd(amount),
                vnd(in_drawer)
            )));
        }
    }
    let movement = NewMovement {
        shift_id: id,
        kind,
        amount,
        reason: &reason,
        actor: by.name(),
    };
    repo::insert_movement(&mut tx, &movement, &now).await?;
    let shift = found(repo::find(&mut tx, id).await?, id)?;
    let detail = detail(&mut tx, shift).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Closes a shift with the cash counted. A difference above the limit keeps
/// the count and the shift open, and answers `APPROVAL_REQUIRED`.
pub async fn close(
    db: &AnyPool,
    rules: ShiftRules,
    id: i64,
    request: &CloseRequest,
    by: &Attribution,
) -> Result<ShiftDetail, AppError> {
    let mut problems = Problems::default();
    let counted = problems.number("counted", request.counted, 0..=MAX_AMOUNT);
    let note = problems.optional_text("note", request.note.as_deref(), MAX_NOTE_CHARS);
    problems.finish()?;

    let now = clock::now_utc();
    let mut tx = db::begin_write(db).await?;
    let shift = open_shift(&mut tx, id, &now).await?;
    repo::record_count(&mut tx, id, counted, note.as_deref(), by.name(), &now).await?;
    let tally = tally(&mut tx, &shift, counted, &now).await?;
    if tally.difference.unsigned_abs() > rules.difference_limit.unsigned_abs() {
        // The count is kept for the manager who approves it.
        tx.commit().await?;
        return Err(AppError::ApprovalRequired(format!(
            "The counted cash differs from the expected by {}, more than the {} allowed; \
             a manager must approve the count.",
            vnd(tally.difference),
            vnd(rules.difference_limit)
        )));
    }
    let signoff = Signoff {
        closed_by: by.name(),
        approved_by: None,
        approval_note: "",
    };
    finish(tx, id, &tally, signoff, &now).await
}

/// Closes a shift whatever its difference, on a manager's word, with the
/// count waiting for approval or the manager's own recount.
pub async fn approve(
    db: &AnyPool,
    id: i64,
    request: &CloseRequest,
    by: &Attribution,
) -> Result<ShiftDetail, AppError> {
    let mut problems = Problems::default();
    if let Some(counted) = request.counted {
        problems.in_range("counted", counted, 0..=MAX_AMOUNT);
    }
    let note = problems.optional_text("note", request.note.as_deref(), MAX_NOTE_CHARS);
    problems.finish()?;

    let now = clock::now_utc();
    let mut tx = db::begin_write(db).await?;
    let shift = open_shift(&mut tx, id, &now).await?;
    let counted = match (request.counted, shift.counted) {
        (Some(recount), _) => {
            repo::record_count(&mut tx, id, recount, None, by.name(), &now).await?;
            recount
        }
        (None, Some(counted)) => counted,
        (None, None) => return Err(AppError::invalid("counted", Problem::Required)),
    };
    let tally = tally(&mut tx, &shift, counted, &now).await?;
    let signoff = Signoff {
        closed_by: by.name(),
        approved_by: by.name(),
        approval_note: note.as_deref().unwrap_or_default(),
    };
    finish(tx, id, &tally, signoff, &now).await
}

/// The Z-report of a shift closing at `now` with `counted`.
async fn tally(
    conn: &mut AnyConnection,
    shift: &Shift,
    counted: i64,
    now: &str,
) -> Result<Tally, AppError> {
    // Bounded by `now`: a sale stamped after it belongs to the next shift.
    let figures = repo::figures(conn, shift.id, &shift.opened_at, Some(now)).await?;
    let methods = repo::method_totals(conn, &shift.opened_at, Some(now)).await?;
    let expected = expected(&figures, shift.opening_float)?;
    let difference = counted
        .checked_sub(expected)
        .ok_or_else(|| anyhow::anyhow!("shift {} difference overflows", shift.id))?;
    Ok(Tally {
        figures,
        expected,
        difference,
        methods,
    })
}

/// Stores the close and answers with the closed shift.
async fn finish(
    mut tx: db::WriteTx,
    id: i64,
    tally: &Tally,
    signoff: Signoff<'_>,
    now: &str,
) -> Result<ShiftDetail, AppError> {
    if tally.difference != 0 {
        let notice = Notice::new()
            .field("shift", id)
            .field("cashier", signoff.closed_by.unwrap_or("—"))
            .field("counted", vnd(tally.expected + tally.difference))
            .field("expected", vnd(tally.expected))
            .field("difference", vnd(tally.difference))
            .link(format!("/shifts/{id}"));
        emit(&mut tx, events::SHIFT_DIFFERENCE, notice).await?;
    }
    repo::close(&mut tx, id, tally, signoff, now).await?;
    let shift = found(repo::find(&mut tx, id).await?, id)?;
    let detail = detail(&mut tx, shift).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Locks a shift that must still be open.
async fn open_shift(conn: &mut AnyConnection, id: i64, now: &str) -> Result<Shift, AppError> {
    let shift = found(repo::lock(conn, id, now).await?, id)?;
    if shift.is_closed() {
        return Err(AppError::Conflict(format!("Shift {id} is already closed.")));
    }
    Ok(shift)
}

fn found(shift: Option<Shift>, id: i64) -> Result<Shift, AppError> {
    shift.ok_or_else(|| AppError::NotFound(format!("Shift {id} not found.")))
}

fn expected(figures: &Figures, opening_float: i64) -> Result<i64, AppError> {
    figures
        .expected(opening_float)
        .ok_or_else(|| anyhow::anyhow!("a shift's expected cash overflows").into())
}

/// A shift with its Z-report: the stored one when it is closed, the figures
/// so far while it is open.
async fn detail(conn: &mut AnyConnection, shift: Shift) -> Result<ShiftDetail, AppError> {
    let (figures, methods) = if shift.is_closed() {
        let figures = shift
            .stored_figures()
            .ok_or_else(|| anyhow::anyhow!("shift {} is closed without its figures", shift.id))?;
        (figures, repo::stored_method_totals(conn, shift.id).await?)
    } else {
        (
            repo::figures(conn, shift.id, &shift.opened_at, None).await?,
            repo::method_totals(conn, &shift.opened_at, None).await?,
        )
    };
    let report = report(&shift, figures, methods)?;
    let movements = repo::movements(conn, shift.id).await?;
    Ok(ShiftDetail {
        status: shift.status(),
        shift,
        report,
        movements,
    })
}

fn report(shift: &Shift, figures: Figures, methods: Vec<MethodTotal>) -> Result<ZReport, AppError> {
    let expected = match shift.expected {
        Some(stored) => stored,
        None => expected(&figures, shift.opening_float)?,
    };
    // A count waiting for approval is compared with the cash expected now.
    let difference = shift.difference.or_else(|| {
        shift
            .counted
            .and_then(|counted| counted.checked_sub(expected))
    });
    Ok(ZReport {
        live: !shift.is_closed(),
        opening_float: shift.opening_float,
        cash_taken: figures.cash_taken,
        change_given: figures.change_given,
        cash_refunds: figures.cash_refunds,
        cash_in: figures.cash_in,
        cash_out: figures.cash_out,
        expected,
        counted: shift.counted,
        difference,
        methods,
    })
}
