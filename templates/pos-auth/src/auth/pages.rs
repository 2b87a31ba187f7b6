//! The pages of signing in: the sign-in form, the two-factor step, signing
//! out, and choosing a new password with a reset link.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{AppendHeaders, IntoResponse, Redirect},
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    audit,
    guard::PendingSignIn,
    login::{self, Outcome},
    password, reset,
    routes::{cleared_cookie_header, session_cookie_header},
    sessions::{self, Client},
    text::{self, AuthText},
    Actor,
};
use crate::{
    extract::Query,
    web::{form::FieldErrors, layout::Chrome, render, Lang, PageResult},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route(
            "/login/two-factor",
            get(second_factor_form).post(second_factor),
        )
        .route("/logout", post(logout))
        .route("/reset-password", get(reset_form).post(reset_password))
}

/// The signed-in person in the page header.
#[derive(Debug, Clone)]
pub struct AccountMenu {
    pub name: String,
    /// "Signed in with the role CASHIER", shown on hover.
    pub title: String,
    pub sign_out: &'static str,
}

impl AccountMenu {
    pub fn new(actor: &Actor, lang: Lang) -> Self {
        let t = text::text(lang);
        let name = match actor {
            Actor::User { name, .. } => name.clone(),
            other => other.label(),
        };
        Self {
            name,
            title: format!("{} {}", t.signed_in_as, actor.role()),
            sign_out: t.sign_out,
        }
    }
}

/// One option of a select on the auth pages, worded for the page.
#[derive(Debug, Clone)]
pub(super) struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// Where to go after signing in: a path on this site only, never another
/// site (`//evil.example` is a URL to another host).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next) if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') => {
            next.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    c: Chrome,
    a: &'static AuthText,
    email: String,
    next: String,
    error: Option<&'static str>,
}

async fn login_form(c: Chrome, Query(query): Query<NextQuery>) -> PageResult {
    let a = text::text(c.lang);
    let page = LoginPage {
        c,
        a,
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// No `Debug`: it holds a password, which must never reach a log.
#[derive(Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(
    c: Chrome,
    State(state): State<AppState>,
    client: Client,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let next = safe_next(form.next.as_deref());
    let outcome =
        login::with_password(&state.db, &state.auth, &form.email, &form.password, &client).await;
    let (secret, target) = match outcome {
        Ok(Outcome::SignedIn { secret, .. }) => (secret, next),
        Ok(Outcome::SecondFactorDue { secret }) => (
            secret,
            format!(
                "/login/two-factor?next={}",
                crate::web::format::encode_component(&next)
            ),
        ),
        Err(err) => {
            let a = text::text(c.lang);
            let (status, error) = match err {
                AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, a.wrong_credentials),
                AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, a.rate_limited),
                other => return Err(c.error(other)),
            };
            let page = LoginPage {
                c,
                a,
                email: form.email,
                next,
                error: Some(error),
            };
            return Ok(render(status, &page));
        }
    };
    let cookie = session_cookie_header(&state.auth, &secret);
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to(&target),
    )
        .into_response())
}

#[derive(askama::Template)]
#[template(path = "auth/two_factor.html")]
struct SecondFactorPage {
    c: Chrome,
    a: &'static AuthText,
    next: String,
    error: Option<&'static str>,
}

async fn second_factor_form(
    c: Chrome,
    pending: Option<PendingSignIn>,
    Query(query): Query<NextQuery>,
) -> PageResult {
    if pending.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let a = text::text(c.lang);
    let page = SecondFactorPage {
        c,
        a,
        next: safe_next(query.next.as_deref()),
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// No `Debug`: a recovery code is as secret as a password.
#[derive(Default, Deserialize)]
struct SecondFactorForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    recovery_code: String,
    next: Option<String>,
}

async fn second_factor(
    c: Chrome,
    State(state): State<AppState>,
    pending: Option<PendingSignIn>,
    client: Client,
    Form(form): Form<SecondFactorForm>,
) -> PageResult {
    let Some(pending) = pending else {
        return Ok(Redirect::to("/login").into_response());
    };
    let next = safe_next(form.next.as_deref());
    let result = login::with_second_factor(
        &state.db,
        &state.auth,
        pending,
        Some(&form.code),
        Some(&form.recovery_code),
        &state.shop_name,
        &client,
    )
    .await;
    match result {
        Ok(secret) => {
            let cookie = session_cookie_header(&state.auth, &secret);
            Ok((
                AppendHeaders([(header::SET_COOKIE, cookie)]),
                Redirect::to(&next),
            )
                .into_response())
        }
        Err(err) => {
            let a = text::text(c.lang);
            let (status, error) = match err {
                AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, a.code_wrong),
                AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, a.rate_limited),
                other => return Err(c.error(other)),
            };
            let page = SecondFactorPage {
                c,
                a,
                next,
                error: Some(error),
            };
            Ok(render(status, &page))
        }
    }
}

async fn logout(State(state): State<AppState>, actor: Actor, c: Chrome) -> PageResult {
    if let Actor::User { id, session_id, .. } = &actor {
        sessions::end(&state.db, *session_id)
            .await
            .map_err(|err| c.error(err.into()))?;
        audit::record(&state.db, audit::Event::Logout.by(&actor).about(*id))
            .await
            .map_err(|err| c.error(err.into()))?;
    }
    Ok((
        AppendHeaders([(header::SET_COOKIE, cleared_cookie_header(&state.auth))]),
        Redirect::to("/login"),
    )
        .into_response())
}

/// Where the reset page is: the form, a link that no longer works, or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResetStep {
    Form,
    Invalid,
    Done,
}

#[derive(askama::Template)]
#[template(path = "auth/reset_password.html")]
struct ResetPage {
    c: Chrome,
    a: &'static AuthText,
    step: ResetStep,
    token: String,
    errors: FieldErrors,
    length_hint: String,
}

impl ResetPage {
    fn new(c: Chrome, step: ResetStep, token: String, errors: FieldErrors) -> Self {
        let a = text::text(c.lang);
        Self {
            length_hint: password_length_hint(a),
            c,
            a,
            step,
            token,
            errors,
        }
    }
}

/// "10 to 256 characters", in the page's language.
pub(super) fn password_length_hint(a: &AuthText) -> String {
    AuthText::fill(
        a.password_length_hint,
        &[
            ("min", &password::MIN_LENGTH),
            ("max", &password::MAX_LENGTH),
        ],
    )
}

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The form behind a reset link. Whether the token still works is only
/// known when it is used, so any non-empty token gets the form.
async fn reset_form(c: Chrome, Query(query): Query<TokenQuery>) -> PageResult {
    let token = query.token.unwrap_or_default();
    let (status, step) = if token.trim().is_empty() {
        (StatusCode::BAD_REQUEST, ResetStep::Invalid)
    } else {
        (StatusCode::OK, ResetStep::Form)
    };
    let page = ResetPage::new(c, step, token, FieldErrors::default());
    Ok(render(status, &page))
}

/// No `Debug`: it holds a password, which must never reach a log.
#[derive(Default, Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// Sets the new password. The service checks the password before it uses up
/// the token, so a password that is too short can simply be typed again.
async fn reset_password(
    c: Chrome,
    State(state): State<AppState>,
    Form(form): Form<ResetForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    let (status, step) = match reset::complete(&state.db, &form.token, Some(&form.password)).await {
        Ok(()) => (StatusCode::OK, ResetStep::Done),
        Err(AppError::BadRequest(_)) => (StatusCode::BAD_REQUEST, ResetStep::Invalid),
        Err(err) => {
            errors.absorb(err, c.t).map_err(|err| c.error(err))?;
            (StatusCode::UNPROCESSABLE_ENTITY, ResetStep::Form)
        }
    };
    let page = ResetPage::new(c, step, form.token, errors);
    Ok(render(status, &page))
}
