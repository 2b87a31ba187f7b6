//! API tokens for integrations: the list, a form to create one (its secret
//! shown once, right after), and revoking.

use axum::{
    extract::State,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    pages::Choice,
    permissions::Role,
    text::{self, AuthText},
    tokens::{self, ApiToken, CreatedToken, NewToken},
    user_pages::role_options,
    Actor,
};
use crate::{
    extract::Path,
    web::{form::FieldErrors, format, layout::Chrome, render, see_other, PageResult},
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list).post(create))
        .route("/tokens/{id}/revoke", post(revoke))
}

/// The role a new token gets unless another is picked: the least trusted.
const DEFAULT_ROLE: Role = Role::Cashier;

/// The create form as typed; names match the API's fields.
#[derive(Debug, Default, Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

impl TokenForm {
    fn blank() -> Self {
        Self {
            name: String::new(),
            role: DEFAULT_ROLE.as_str().to_owned(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "auth/tokens.html")]
struct ListPage {
    c: Chrome,
    a: &'static AuthText,
    tokens: Vec<ApiToken>,
    /// The token just created, whose secret this page shows the only time.
    created: Option<CreatedToken>,
    form: TokenForm,
    roles: Vec<Choice>,
    errors: FieldErrors,
}

impl ListPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

async fn list(c: Chrome, State(state): State<AppState>) -> PageResult {
    list_page(c, &state, TokenForm::blank(), None, FieldErrors::default()).await
}

async fn list_page(
    c: Chrome,
    state: &AppState,
    form: TokenForm,
    created: Option<CreatedToken>,
    errors: FieldErrors,
) -> PageResult {
    let tokens = tokens::list(&state.db).await.map_err(|err| c.error(err))?;
    let a = text::text(c.lang);
    let status = errors.status();
    let page = ListPage {
        c,
        a,
        tokens,
        created,
        roles: role_options(a, Role::ALL, &form.role),
        form,
        errors,
    };
    Ok(render(status, &page))
}

/// Creates a token and shows the list with its secret. There is no redirect
/// here: the secret exists only in this response.
async fn create(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<TokenForm>,
) -> PageResult {
    let request = NewToken {
        name: Some(form.name.clone()),
        role: Some(form.role.clone()),
    };
    let mut errors = FieldErrors::default();
    match tokens::create(&state.db, &actor, &request).await {
        Ok(created) => list_page(c, &state, TokenForm::blank(), Some(created), errors).await,
        Err(err) => {
            errors.absorb(err, c.t).map_err(|err| c.error(err))?;
            list_page(c, &state, form, None, errors).await
        }
    }
}

async fn revoke(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> PageResult {
    tokens::revoke(&state.db, &actor, id)
        .await
        .map_err(|err| c.error(err))?;
    see_other("/tokens")
}
