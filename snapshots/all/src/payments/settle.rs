//! Applying a verified gateway notification, exactly once.
//!
//! The notification is recorded first under its provider's transaction id,
//! which is unique: a replay finds the row and gets the first answer again,
//! changing nothing. Otherwise, in the same transaction, the attempt is
//! locked, the amount and currency are checked against it, and the money is
//! applied to the order with the core's payment rule, so the order becomes
//! paid once, together with its payment rows. Anything a person must look at
//! (money that matches no attempt, a wrong amount, money for an order that
//! can no longer take it) is recorded with `flagged = 1`.

use sqlx::{AnyConnection, AnyPool, Row};

use super::model::{AttemptStatus, Provider};
use crate::{clock, db, notifications, orders, web::format, AppError};

/// A notification whose signature the gateway's adapter has checked.
#[derive(Debug, Clone)]
pub struct Notice {
    pub provider: Provider,
    /// The gateway's id for the money movement; the deduplication key.
    pub txn_id: String,
    /// Our payment code, when the notification carries one.
    pub reference: Option<String>,
    /// Whole đồng.
    pub amount: i64,
    pub currency: String,
    /// False when the gateway reports that the payment failed.
    pub succeeded: bool,
    /// The body as received, kept for the record.
    pub payload: String,
}

/// What became of a notification. Stored by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The money was applied to the order.
    Applied,
    /// The amount or currency differs from the attempt's; nothing applied.
    Mismatch,
    /// No attempt has this payment code.
    Unmatched,
    /// The attempt succeeded already, or the order takes no more payments.
    NotPayable,
    /// The gateway says the payment failed; a pending attempt is marked
    /// failed. A failed attempt still takes a later success.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Mismatch => "mismatch",
            Self::Unmatched => "unmatched",
            Self::NotPayable => "not_payable",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Self::Applied,
            Self::Mismatch,
            Self::Unmatched,
            Self::NotPayable,
            Self::Failed,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == text)
    }

    /// Whether a manager must look at it.
    pub fn flagged(self) -> bool {
        matches!(self, Self::Mismatch | Self::Unmatched | Self::NotPayable)
    }
}

/// The outcome, and whether this was a replay of a notification already handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub outcome: Outcome,
    pub replay: bool,
    /// The attempt it concerned, if one matched.
    pub payment_id: Option<i64>,
}

pub async fn settle(db: &AnyPool, notice: &Notice) -> Result<Settled, AppError> {
    let mut tx = db::begin_write(db).await?;
    let now = clock::now_utc();
    let recorded: Option<i64> = sqlx::query_scalar(
        "INSERT INTO payment_notifications (provider, provider_txn_id, amount, outcome, \
                                            payload, received_at) \
         VALUES ($1, $2, $3, 'received', $4, $5) \
         ON CONFLICT (provider, provider_txn_id) DO NOTHING RETURNING id",
    )
    .bind(notice.provider.as_str())
    .bind(&notice.txn_id)
    .bind(notice.amount)
    .bind(&notice.payload)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(notification_id) = recorded else {
        tx.rollback().await?;
        return replay(db, notice).await;
    };

    let (outcome, payment_id, detail) = decide(&mut tx, notice, &now).await?;
    sqlx::query(
        "UPDATE payment_notifications \
         SET outcome = $1, flagged = $2, gateway_payment_id = $3, detail = $4 WHERE id = $5",
    )
    .bind(outcome.as_str())
    .bind(i32::from(outcome.flagged()))
    .bind(payment_id)
    .bind(&detail)
    .bind(notification_id)
    .execute(&mut *tx)
    .await?;
    if outcome.flagged() {
        alert_manager(&mut tx, notice, outcome, payment_id, &detail).await?;
    }
    tx.commit().await?;
    if outcome.flagged() {
        tracing::warn!(
            provider = notice.provider.as_str(),
            txn = %notice.txn_id,
            outcome = outcome.as_str(),
            %detail,
            "payment notification needs a manager"
        );
    }
    Ok(Settled {
        outcome,
        replay: false,
        payment_id,
    })
}

/// Tells the managers about a notification they must review, in the
/// transaction that flags it.
async fn alert_manager(
    conn: &mut AnyConnection,
    notice: &Notice,
    outcome: Outcome,
    payment_id: Option<i64>,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let order: Option<String> = match payment_id {
        Some(id) => {
            sqlx::query_scalar(
                "SELECT o.number FROM gateway_payments g JOIN orders o ON o.id = g.order_id \
                 WHERE g.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        }
        None => None,
    };
    let outcome = if detail.is_empty() {
        outcome.as_str().to_owned()
    } else {
        format!("{} ({detail})", outcome.as_str())
    };
    let alert = notifications::Notice::new()
        .field("provider", notice.provider.as_str())
        .field("amount", format::vnd(notice.amount))
        .field("order", order.unwrap_or_else(|| notice.txn_id.clone()))
        .field("outcome", outcome)
        .link("/payments/review");
    notifications::emit(conn, notifications::events::PAYMENT_FLAGGED, alert).await?;
    Ok(())
}

/// The answer given the first time, for a notification seen before.
async fn replay(db: &AnyPool, notice: &Notice) -> Result<Settled, AppError> {
    let row = sqlx::query(
        "SELECT outcome, gateway_payment_id FROM payment_notifications \
         WHERE provider = $1 AND provider_txn_id = $2",
    )
    .bind(notice.provider.as_str())
    .bind(&notice.txn_id)
    .fetch_one(db)
    .await?;
    let stored: String = row.try_get("outcome")?;
    let outcome = Outcome::parse(&stored)
        .ok_or_else(|| anyhow::anyhow!("unknown notification outcome {stored:?}"))?;
    Ok(Settled {
        outcome,
        replay: true,
        payment_id: row.try_get("gateway_payment_id")?,
    })
}

async fn decide(
    conn: &mut AnyConnection,
    notice: &Notice,
    now: &str,
) -> Result<(Outcome, Option<i64>, String), AppError> {
    let Some(reference) = &notice.reference else {
        return Ok((Outcome::Unmatched, None, "no payment code".into()));
    };
    // A no-op update locks the attempt on both databases, so two different
    // notifications for one attempt are handled one after the other.
    let row = sqlx::query(
        "UPDATE gateway_payments SET updated_at = $1 \
         WHERE reference = $2 AND provider = $3 \
         RETURNING id, order_id, amount, currency, status",
    )
    .bind(now)
    .bind(reference)
    .bind(notice.provider.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok((Outcome::Unmatched, None, format!("no payment {reference}")));
    };
    let id: i64 = row.try_get("id")?;
    let order_id: i64 = row.try_get("order_id")?;
    let amount: i64 = row.try_get("amount")?;
    let currency: String = row.try_get("currency")?;
    let status: String = row.try_get("status")?;
    let status = AttemptStatus::parse(&status);
    let open = matches!(status, Some(AttemptStatus::Pending | AttemptStatus::Failed));
    if !open {
        let status = status.map_or("closed", AttemptStatus::as_str);
        let detail = format!("payment {reference} is already {status}");
        return Ok((Outcome::NotPayable, Some(id), detail));
    }
    if !notice.succeeded {
        if status == Some(AttemptStatus::Pending) {
            set_status(conn, id, AttemptStatus::Failed, None, now).await?;
        }
        return Ok((Outcome::Failed, Some(id), String::new()));
    }
    // A failed attempt still takes a success: Stripe lets the customer try
    // another card on a declined PaymentIntent, and the money then pays.
    if notice.amount != amount || !notice.currency.eq_ignore_ascii_case(&currency) {
        let detail = format!(
            "expected {amount} {currency}, received {} {}",
            notice.amount, notice.currency
        );
        return Ok((Outcome::Mismatch, Some(id), detail));
    }
    let applied =
        orders::payments::record(&mut *conn, order_id, notice.provider.as_str(), amount).await;
    let outcome = match applied {
        Ok(outcome) => outcome,
        // Cancelled or already paid: the money came in anyway and must be handed back.
        Err(AppError::Conflict(message)) => {
            return Ok((Outcome::NotPayable, Some(id), message));
        }
        Err(err) => return Err(err),
    };
    let payment_id = outcome.payments.last().map(|payment| payment.id);
    set_status(conn, id, AttemptStatus::Succeeded, payment_id, now).await?;
    let detail = if outcome.change > 0 {
        format!("{} more than was due: hand it back", outcome.change)
    } else {
        String::new()
    };
    Ok((Outcome::Applied, Some(id), detail))
}

async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: AttemptStatus,
    payment_id: Option<i64>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE gateway_payments SET status = $1, payment_id = $2, settled_at = $3, \
                                     updated_at = $3 WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(payment_id)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
