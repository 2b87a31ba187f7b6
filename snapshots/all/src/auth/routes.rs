//! The JSON API: `/api/auth/…` for signing in and one's own account,
//! `/api/users` and `/api/audit` for managers and admins.

use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{AppendHeaders, IntoResponse, Response},
    routing::{delete, get, post},
    Router,
};
use serde::{Deserialize, Serialize};

use super::{
    audit,
    guard::PendingSignIn,
    login::{self, Outcome},
    password, reset,
    sessions::{self, Client},
    settings::AuthSettings,
    tokens::{self, ApiToken, CreatedToken, NewToken},
    two_factor::{self, Enrolment},
    users::{self, NewUser, User, UserChange},
    Actor,
};
use crate::{
    api::ApiResponse,
    extract::{Json, Path, Query},
    pagination::Pagination,
    validate::Problem,
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/login/two-factor", post(second_factor))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/me", get(me))
        .route("/api/auth/password", post(change_password))
        .route("/api/auth/password-reset", post(complete_reset))
        .route("/api/auth/two-factor/setup", post(two_factor_setup))
        .route("/api/auth/two-factor/enable", post(two_factor_enable))
        .route("/api/auth/two-factor/disable", post(two_factor_disable))
        .route("/api/auth/tokens", get(list_tokens).post(create_token))
        .route("/api/auth/tokens/{id}", delete(revoke_token))
        .route("/api/users", get(list_users).post(create_user))
        .route("/api/users/{id}", get(show_user).put(update_user))
        .route("/api/users/{id}/password", post(set_user_password))
        .route("/api/users/{id}/reset-link", post(reset_link))
        .route("/api/audit", get(audit_log))
}

/// `Set-Cookie` for a new session secret.
pub fn session_cookie_header(settings: &AuthSettings, secret: &str) -> HeaderValue {
    let secure = if settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        settings.cookie_name(),
        settings.lifetime.as_secs()
    );
    HeaderValue::from_str(&value).expect("hex secrets make valid header values")
}

/// `Set-Cookie` that removes the session cookie.
pub fn cleared_cookie_header(settings: &AuthSettings) -> HeaderValue {
    let secure = if settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        settings.cookie_name()
    );
    HeaderValue::from_str(&value).expect("a valid header value")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginRequest {
    email: Option<String>,
    password: Option<String>,
}

/// The answer to a sign-in: the person, or that the second step is due.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInResult {
    two_factor_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<User>,
}

async fn login(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<LoginRequest>,
) -> Result<Response, AppError> {
    let email = request.email.unwrap_or_default();
    let password = request.password.unwrap_or_default();
    let outcome = login::with_password(&state.db, &state.auth, &email, &password, &client).await?;
    let (secret, result) = match outcome {
        Outcome::SignedIn { secret, user_id } => {
            let user = users::get(&state.db, user_id).await?;
            (
                secret,
                SignInResult {
                    two_factor_required: false,
                    user: Some(user),
                },
            )
        }
        Outcome::SecondFactorDue { secret } => (
            secret,
            SignInResult {
                two_factor_required: true,
                user: None,
            },
        ),
    };
    let cookie = session_cookie_header(&state.auth, &secret);
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        ApiResponse::ok(result),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecondFactorRequest {
    code: Option<String>,
    recovery_code: Option<String>,
}

async fn second_factor(
    State(state): State<AppState>,
    pending: PendingSignIn,
    client: Client,
    Json(request): Json<SecondFactorRequest>,
) -> Result<Response, AppError> {
    let secret = login::with_second_factor(
        &state.db,
        &state.auth,
        pending,
        request.code.as_deref(),
        request.recovery_code.as_deref(),
        &state.shop_name,
        &client,
    )
    .await?;
    let user = users::get(&state.db, pending.user_id).await?;
    let cookie = session_cookie_header(&state.auth, &secret);
    let result = SignInResult {
        two_factor_required: false,
        user: Some(user),
    };
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        ApiResponse::ok(result),
    )
        .into_response())
}

async fn logout(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    if let Actor::User { id, session_id, .. } = &actor {
        sessions::end(&state.db, *session_id).await?;
        audit::record(&state.db, audit::Event::Logout.by(&actor).about(*id)).await?;
    }
    Ok((
        AppendHeaders([(header::SET_COOKIE, cleared_cookie_header(&state.auth))]),
        ApiResponse::ok(serde_json::Value::Null),
    )
        .into_response())
}

/// Who the caller is and what they may do.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Me {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    role: super::permissions::Role,
    permissions: Vec<&'static str>,
}

async fn me(State(state): State<AppState>, actor: Actor) -> Result<ApiResponse<Me>, AppError> {
    let permissions = super::permissions::Permission::ALL
        .into_iter()
        .filter(|permission| actor.can(*permission))
        .map(|permission| permission.name())
        .collect();
    let me = match &actor {
        Actor::User { id, role, .. } => Me {
            kind: "user",
            user: Some(users::get(&state.db, *id).await?),
            token: None,
            role: *role,
            permissions,
        },
        Actor::Token { name, role, .. } => Me {
            kind: "token",
            user: None,
            token: Some(name.clone()),
            role: *role,
            permissions,
        },
        Actor::Operator => Me {
            kind: "operator",
            user: None,
            token: None,
            role: actor.role(),
            permissions,
        },
    };
    Ok(ApiResponse::ok(me))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordChange {
    current_password: Option<String>,
    new_password: Option<String>,
}

/// Changes one's own password. Every session of the account ends, and this
/// client gets a new one, so only whoever knows the new password stays in.
async fn change_password(
    State(state): State<AppState>,
    actor: Actor,
    client: Client,
    Json(request): Json<PasswordChange>,
) -> Result<Response, AppError> {
    let Some(user_id) = actor.user_id() else {
        return Err(AppError::Forbidden(
            "An API token has no password to change.".into(),
        ));
    };
    verify_current_password(&state, user_id, request.current_password.as_deref()).await?;
    users::set_password(&state.db, &actor, user_id, request.new_password.as_deref()).await?;
    let secret = sessions::start(&state.db, &state.auth, user_id, false, &client).await?;
    let cookie = session_cookie_header(&state.auth, &secret);
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        ApiResponse::ok(serde_json::Value::Null),
    )
        .into_response())
}

pub(super) async fn verify_current_password(
    state: &AppState,
    user_id: i64,
    given: Option<&str>,
) -> Result<(), AppError> {
    let stored = users::password_hash(&state.db, user_id).await?;
    let given = given.unwrap_or_default().to_owned();
    let matches = tokio::task::spawn_blocking(move || password::verify(&given, &stored))
        .await
        .map_err(anyhow::Error::from)?;
    if matches {
        Ok(())
    } else {
        Err(AppError::invalid(
            "currentPassword",
            Problem::Worded("is not your current password".into()),
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetCompletion {
    token: Option<String>,
    password: Option<String>,
}

async fn complete_reset(
    State(state): State<AppState>,
    Json(request): Json<ResetCompletion>,
) -> Result<ApiResponse<serde_json::Value>, AppError> {
    reset::complete(
        &state.db,
        request.token.as_deref().unwrap_or_default(),
        request.password.as_deref(),
    )
    .await?;
    Ok(ApiResponse::ok(serde_json::Value::Null))
}

fn own_account(actor: &Actor) -> Result<i64, AppError> {
    actor.user_id().ok_or_else(|| {
        AppError::Forbidden("Two-factor sign-in belongs to people, not API tokens.".into())
    })
}

async fn two_factor_setup(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<ApiResponse<Enrolment>, AppError> {
    let user_id = own_account(&actor)?;
    Ok(ApiResponse::ok(
        two_factor::begin(&state.db, user_id, &state.shop_name).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct CodeRequest {
    code: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RecoveryCodes {
    recovery_codes: Vec<String>,
}

async fn two_factor_enable(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<CodeRequest>,
) -> Result<ApiResponse<RecoveryCodes>, AppError> {
    let user_id = own_account(&actor)?;
    let code = request.code.unwrap_or_default();
    let recovery_codes =
        two_factor::enable(&state.db, &actor, user_id, &code, &state.shop_name).await?;
    Ok(ApiResponse::ok(RecoveryCodes { recovery_codes }))
}

#[derive(Debug, Deserialize)]
struct PasswordConfirmation {
    password: Option<String>,
}

async fn two_factor_disable(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<PasswordConfirmation>,
) -> Result<ApiResponse<serde_json::Value>, AppError> {
    let user_id = own_account(&actor)?;
    let password = request.password.unwrap_or_default();
    two_factor::disable(&state.db, &actor, user_id, &password).await?;
    Ok(ApiResponse::ok(serde_json::Value::Null))
}

async fn list_tokens(
    State(state): State<AppState>,
) -> Result<ApiResponse<Vec<ApiToken>>, AppError> {
    Ok(ApiResponse::ok(tokens::list(&state.db).await?))
}

async fn create_token(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<NewToken>,
) -> Result<(StatusCode, ApiResponse<CreatedToken>), AppError> {
    let created = tokens::create(&state.db, &actor, &request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(created)))
}

async fn revoke_token(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> Result<ApiResponse<ApiToken>, AppError> {
    Ok(ApiResponse::ok(
        tokens::revoke(&state.db, &actor, id).await?,
    ))
}

async fn list_users(State(state): State<AppState>) -> Result<ApiResponse<Vec<User>>, AppError> {
    Ok(ApiResponse::ok(users::list(&state.db).await?))
}

async fn create_user(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<NewUser>,
) -> Result<(StatusCode, ApiResponse<User>), AppError> {
    let user = users::create(&state.db, &actor, &request).await?;
    Ok((StatusCode::CREATED, ApiResponse::ok(user)))
}

async fn show_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ApiResponse<User>, AppError> {
    Ok(ApiResponse::ok(users::get(&state.db, id).await?))
}

async fn update_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(change): Json<UserChange>,
) -> Result<ApiResponse<User>, AppError> {
    Ok(ApiResponse::ok(
        users::update(&state.db, &actor, id, &change).await?,
    ))
}

async fn set_user_password(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(request): Json<PasswordConfirmation>,
) -> Result<ApiResponse<serde_json::Value>, AppError> {
    users::set_password(&state.db, &actor, id, request.password.as_deref()).await?;
    Ok(ApiResponse::ok(serde_json::Value::Null))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResetLink {
    token: String,
    path: String,
    expires_in_minutes: u64,
}

async fn reset_link(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> Result<ApiResponse<ResetLink>, AppError> {
    let token = reset::issue(&state.db, &actor, id).await?;
    Ok(ApiResponse::ok(ResetLink {
        path: format!("/reset-password?token={token}"),
        token,
        expires_in_minutes: reset::VALID_FOR.as_secs() / 60,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuditQuery {
    event: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
}

async fn audit_log(
    State(state): State<AppState>,
    Query(query): Query<AuditQuery>,
) -> Result<ApiResponse<Vec<audit::Record>>, AppError> {
    let page = Pagination::new(query.page, query.page_size)?;
    let (records, meta) = audit::list(&state.db, query.event.as_deref(), page).await?;
    Ok(ApiResponse::page(records, meta))
}
