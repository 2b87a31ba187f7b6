//! One's own account: the details, changing the password, and turning
//! two-step verification on and off.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{AppendHeaders, IntoResponse, Redirect},
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    pages::password_length_hint,
    routes::{session_cookie_header, verify_current_password},
    sessions::{self, Client},
    text::{self, AuthText},
    two_factor::{self, Enrolment},
    users::{self, User},
    Actor,
};
use crate::{
    web::{form::FieldErrors, layout::Chrome, ok, render, see_other, PageResult},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route(
            "/account/two-factor",
            get(two_factor_page).post(enable_two_factor),
        )
        .route("/account/two-factor/disable", post(disable_two_factor))
}

/// The account behind the request. API tokens reach these routes too (they
/// are "signed in"), but have no password or second factor of their own.
fn own_id(actor: &Actor) -> Result<i64, AppError> {
    actor.user_id().ok_or_else(|| {
        AppError::Forbidden("An API token has no account of its own to manage.".into())
    })
}

#[derive(askama::Template)]
#[template(path = "auth/account.html")]
struct AccountPage {
    c: Chrome,
    a: &'static AuthText,
    user: User,
    /// Problems of the password form, keyed by the API's field names.
    errors: FieldErrors,
    length_hint: String,
}

async fn show(c: Chrome, State(state): State<AppState>, actor: Actor) -> PageResult {
    account_page(c, &state, &actor, FieldErrors::default()).await
}

async fn account_page(
    c: Chrome,
    state: &AppState,
    actor: &Actor,
    errors: FieldErrors,
) -> PageResult {
    let id = own_id(actor).map_err(|err| c.error(err))?;
    let user = users::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let status = errors.status();
    let a = text::text(c.lang);
    let page = AccountPage {
        c,
        a,
        user,
        errors,
        length_hint: password_length_hint(a),
    };
    Ok(render(status, &page))
}

/// No `Debug`: it holds a password, which must never reach a log.
#[derive(Default, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Changes one's own password. Every session of the account ends, this one
/// included, so this browser gets a new session: only whoever knows the new
/// password stays signed in.
async fn change_password(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    client: Client,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let user_id = own_id(&actor).map_err(|err| c.error(err))?;
    let a = text::text(c.lang);
    let mut errors = FieldErrors::default();
    match verify_current_password(&state, user_id, Some(&form.current_password)).await {
        Ok(()) => {}
        // Its only field problem is a wrong password, worded here in the
        // page's language.
        Err(AppError::Validation { .. }) => errors.add("currentPassword", a.not_your_password),
        Err(err) => return Err(c.error(err)),
    }
    if errors.is_empty() {
        let changed =
            users::set_password(&state.db, &actor, user_id, Some(&form.new_password)).await;
        match changed {
            Ok(()) => {
                let secret = sessions::start(&state.db, &state.auth, user_id, false, &client)
                    .await
                    .map_err(|err| c.error(err.into()))?;
                let cookie = session_cookie_header(&state.auth, &secret);
                return Ok((
                    AppendHeaders([(header::SET_COOKIE, cookie)]),
                    Redirect::to("/account"),
                )
                    .into_response());
            }
            Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
        }
    }
    account_page(c, &state, &actor, errors).await
}

#[derive(askama::Template)]
#[template(path = "auth/account_two_factor.html")]
struct TwoFactorPage {
    c: Chrome,
    a: &'static AuthText,
    /// Whether two-step verification is on: the page offers to turn it off.
    enabled: bool,
    /// A new key to scan. `None` after a wrong code: the app already holds
    /// the key, and a new one would undo the scan.
    enrolment: Option<Enrolment>,
    recovery_codes_left: i64,
    code_error: Option<&'static str>,
    password_error: Option<&'static str>,
}

impl TwoFactorPage {
    fn new(c: Chrome, enabled: bool) -> Self {
        let a = text::text(c.lang);
        Self {
            c,
            a,
            enabled,
            enrolment: None,
            recovery_codes_left: 0,
            code_error: None,
            password_error: None,
        }
    }
}

/// With two-step verification off, starts the enrolment (every visit draws a
/// new key, replacing one never confirmed); with it on, shows what is left of
/// the recovery codes and the form to turn it off.
async fn two_factor_page(c: Chrome, State(state): State<AppState>, actor: Actor) -> PageResult {
    let id = own_id(&actor).map_err(|err| c.error(err))?;
    let user = users::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    if user.two_factor {
        return two_factor_on_page(c, &state, id, None).await;
    }
    let mut enrolment = two_factor::begin(&state.db, id, &state.shop_name)
        .await
        .map_err(|err| c.error(err))?;
    // The QR code comes as a standalone SVG document; its `<?xml …?>`
    // declaration has no place inside an HTML page.
    if let Some(start) = enrolment.qr_svg.find("<svg") {
        enrolment.qr_svg.drain(..start);
    }
    ok(&TwoFactorPage {
        enrolment: Some(enrolment),
        ..TwoFactorPage::new(c, false)
    })
}

async fn two_factor_on_page(
    c: Chrome,
    state: &AppState,
    user_id: i64,
    password_error: Option<&'static str>,
) -> PageResult {
    let left = two_factor::recovery_codes_left(&state.db, user_id)
        .await
        .map_err(|err| c.error(err.into()))?;
    let status = if password_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = TwoFactorPage {
        recovery_codes_left: left,
        password_error,
        ..TwoFactorPage::new(c, true)
    };
    Ok(render(status, &page))
}

#[derive(Debug, Default, Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(askama::Template)]
#[template(path = "auth/recovery_codes.html")]
struct RecoveryCodesPage {
    c: Chrome,
    a: &'static AuthText,
    codes: Vec<String>,
}

/// Confirms the enrolment with a code from the app and shows the recovery
/// codes, the only time anyone sees them.
async fn enable_two_factor(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let id = own_id(&actor).map_err(|err| c.error(err))?;
    let a = text::text(c.lang);
    match two_factor::enable(&state.db, &actor, id, &form.code, &state.shop_name).await {
        Ok(codes) => ok(&RecoveryCodesPage { c, a, codes }),
        // Its only field problem is a wrong code.
        Err(AppError::Validation { .. }) => {
            let page = TwoFactorPage {
                code_error: Some(a.code_wrong),
                ..TwoFactorPage::new(c, false)
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(err) => Err(c.error(err)),
    }
}

/// No `Debug`: it holds a password, which must never reach a log.
#[derive(Default, Deserialize)]
struct DisableForm {
    #[serde(default)]
    password: String,
}

async fn disable_two_factor(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<DisableForm>,
) -> PageResult {
    let id = own_id(&actor).map_err(|err| c.error(err))?;
    match two_factor::disable(&state.db, &actor, id, &form.password).await {
        Ok(()) => see_other("/account"),
        // Its only field problem is a wrong password.
        Err(AppError::Validation { .. }) => {
            let wrong = text::text(c.lang).not_your_password;
            two_factor_on_page(c, &state, id, Some(wrong)).await
        }
        Err(err) => Err(c.error(err)),
    }
}
