//! "Forgot your password?": a person asks for a reset link by email.
//!
//! The answer is the same whether or not the address belongs to an account,
//! so the form cannot be used to find out who works here. An account gets
//! at most one link a minute, so the form cannot flood an inbox either.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    emit_to, events,
    text::{self, NotificationText},
    Notice,
};
use crate::{
    auth::{audit, reset, sessions::Client, users},
    clock, db,
    extract::Json,
    validate::Problems,
    web::{layout::Chrome, ok, PageResult},
    AppError, AppState,
};

/// The shortest time between two links for one account.
const ONE_LINK_PER: Duration = Duration::from_secs(60);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/password-reset/request", post(request_api))
        .route("/forgot-password", get(form).post(request_page))
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetRequest {
    #[serde(default)]
    pub email: Option<String>,
}

/// Emails a reset link to the account with this address, if there is one.
pub async fn request(
    db: &sqlx::AnyPool,
    email: Option<&str>,
    client: &Client,
) -> Result<(), AppError> {
    let mut problems = Problems::default();
    let email = users::normalise_email(&problems.text("email", email, 254));
    problems.finish()?;

    let mut tx = db::begin_write(db).await?;
    let user_id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND active = 1")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(user_id) = user_id else {
        return Ok(());
    };
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(ONE_LINK_PER);
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2",
    )
    .bind(user_id)
    .bind(clock::format_utc(since))
    .fetch_one(&mut *tx)
    .await?;
    if recent > 0 {
        return Ok(());
    }
    let secret = reset::store_token(&mut tx, user_id).await?;
    let notice = Notice::new()
        .field("minutes", reset::VALID_FOR.as_secs() / 60)
        .link(format!("/reset-password?token={secret}"));
    emit_to(&mut tx, events::PASSWORD_RESET, user_id, notice).await?;
    tx.commit().await?;
    audit::record(
        db,
        audit::Entry::new(audit::Event::PasswordResetIssued)
            .about(user_id)
            .ip(client.ip.as_deref())
            .detail("emailed on request"),
    )
    .await?;
    Ok(())
}

/// `POST /api/auth/password-reset/request` with `{"email": …}`: 202 whether
/// or not the address has an account.
async fn request_api(
    State(state): State<AppState>,
    client: Client,
    Json(body): Json<ResetRequest>,
) -> Result<StatusCode, AppError> {
    request(&state.db, body.email.as_deref(), &client).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(askama::Template)]
#[template(path = "notifications/forgot.html")]
struct ForgotPage {
    c: Chrome,
    n: &'static NotificationText,
    email: String,
    sent: bool,
    error: Option<String>,
}

async fn form(c: Chrome) -> PageResult {
    ok(&ForgotPage {
        n: text::text(c.lang),
        c,
        email: String::new(),
        sent: false,
        error: None,
    })
}

async fn request_page(
    c: Chrome,
    State(state): State<AppState>,
    client: Client,
    Form(body): Form<ResetRequest>,
) -> PageResult {
    let email = body.email.clone().unwrap_or_default();
    let (sent, error) = match request(&state.db, body.email.as_deref(), &client).await {
        Ok(()) => (true, None),
        Err(AppError::Validation { .. }) => (false, Some(c.t.fix_errors.to_owned())),
        Err(err) => return Err(c.error(err)),
    };
    ok(&ForgotPage {
        n: text::text(c.lang),
        c,
        email,
        sent,
        error,
    })
}
