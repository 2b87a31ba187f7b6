//! Managing accounts: the list with a form to add one, an account's edit
//! form, and password reset links to hand over. Who may manage whom is the
//! users service's call (a manager never touches an admin); its refusals
//! show as error pages.

use axum::{
    extract::State,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    pages::Choice,
    password,
    permissions::Role,
    reset,
    text::{self, AuthText},
    users::{self, NewUser, User, UserChange},
    Actor,
};
use crate::{
    extract::Path,
    web::{form::FieldErrors, format, layout::Chrome, ok, render, see_other, PageResult},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(show).post(update))
        .route("/users/{id}/reset-link", post(reset_link))
}

/// `roles` as choices in the page's language, `selected` picked.
pub(super) fn role_options(
    a: &AuthText,
    roles: impl IntoIterator<Item = Role>,
    selected: &str,
) -> Vec<Choice> {
    roles
        .into_iter()
        .map(|role| Choice {
            value: role.as_str(),
            label: a.role_name(role),
            selected: role.as_str().eq_ignore_ascii_case(selected),
        })
        .collect()
}

/// The roles offered to `actor`. The service decides who may hand out which
/// role; the select only leaves out ADMIN for a manager, which it would always
/// refuse, unless it is the `current` role of the account shown.
fn offered_roles(actor: &Actor, current: Option<Role>) -> impl Iterator<Item = Role> {
    let admin = actor.role() == Role::Admin;
    Role::ALL
        .into_iter()
        .filter(move |role| admin || *role != Role::Admin || Some(*role) == current)
}

/// The role a new account gets unless another is picked: most accounts in a
/// shop are for the till.
const DEFAULT_ROLE: Role = Role::Cashier;

/// The add-an-account form as typed; names match the API's fields. No
/// `Debug`: it holds a password, which must never reach a log.
#[derive(Default, Deserialize)]
struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
}

impl NewUserForm {
    fn request(&self) -> NewUser {
        NewUser {
            email: Some(self.email.clone()),
            name: Some(self.name.clone()),
            password: Some(self.password.clone()),
            role: Some(self.role.clone()),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "auth/users.html")]
struct ListPage {
    c: Chrome,
    a: &'static AuthText,
    users: Vec<User>,
    form: NewUserForm,
    roles: Vec<Choice>,
    errors: FieldErrors,
    password_hint: String,
}

async fn list(c: Chrome, State(state): State<AppState>, actor: Actor) -> PageResult {
    let form = NewUserForm {
        role: DEFAULT_ROLE.as_str().to_owned(),
        ..NewUserForm::default()
    };
    list_page(c, &state, &actor, form, FieldErrors::default()).await
}

async fn list_page(
    c: Chrome,
    state: &AppState,
    actor: &Actor,
    form: NewUserForm,
    errors: FieldErrors,
) -> PageResult {
    let users = users::list(&state.db).await.map_err(|err| c.error(err))?;
    let a = text::text(c.lang);
    let status = errors.status();
    let page = ListPage {
        c,
        a,
        users,
        roles: role_options(a, offered_roles(actor, None), &form.role),
        form,
        errors,
        password_hint: AuthText::fill(a.first_password_hint, &[("min", &password::MIN_LENGTH)]),
    };
    Ok(render(status, &page))
}

/// Adds an account. A form with problems is shown again with 422, what was
/// typed kept except the password.
async fn create(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Form(mut form): Form<NewUserForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    match users::create(&state.db, &actor, &form.request()).await {
        Ok(user) => return see_other(&format!("/users/{}", user.id)),
        Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
    }
    form.password.clear();
    list_page(c, &state, &actor, form, errors).await
}

/// The edit form as typed.
#[derive(Debug, Default, Deserialize)]
struct UserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    /// A checkbox: the browser sends it when ticked and leaves it out when not.
    active: Option<String>,
}

impl UserForm {
    fn from_user(user: &User) -> Self {
        Self {
            name: user.name.clone(),
            role: user.role.as_str().to_owned(),
            active: user.active.then(|| "on".to_owned()),
        }
    }

    fn change(&self) -> UserChange {
        UserChange {
            name: Some(self.name.clone()),
            role: Some(self.role.clone()),
            active: Some(self.active.is_some()),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "auth/user.html")]
struct UserPage {
    c: Chrome,
    a: &'static AuthText,
    user: User,
    form: UserForm,
    roles: Vec<Choice>,
    errors: FieldErrors,
}

impl UserPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

async fn show(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> PageResult {
    user_page(c, &state, &actor, id, None, FieldErrors::default()).await
}

/// The edit page, with the form as stored or, after a failed save, as typed.
async fn user_page(
    c: Chrome,
    state: &AppState,
    actor: &Actor,
    id: i64,
    form: Option<UserForm>,
    errors: FieldErrors,
) -> PageResult {
    let user = users::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let form = form.unwrap_or_else(|| UserForm::from_user(&user));
    let a = text::text(c.lang);
    let status = errors.status();
    let page = UserPage {
        roles: role_options(a, offered_roles(actor, Some(user.role)), &form.role),
        c,
        a,
        user,
        form,
        errors,
    };
    Ok(render(status, &page))
}

async fn update(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Form(form): Form<UserForm>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    match users::update(&state.db, &actor, id, &form.change()).await {
        Ok(user) => return see_other(&format!("/users/{}", user.id)),
        Err(err) => errors.absorb(err, c.t).map_err(|err| c.error(err))?,
    }
    user_page(c, &state, &actor, id, Some(form), errors).await
}

#[derive(askama::Template)]
#[template(path = "auth/reset_link.html")]
struct ResetLinkPage {
    c: Chrome,
    a: &'static AuthText,
    user: User,
    /// The path to hand over: `/reset-password?token=…`.
    path: String,
    intro: String,
}

/// Makes a single-use reset link. It is shown once here and never stored:
/// the database keeps only its digest.
async fn reset_link(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> PageResult {
    let issued: Result<_, AppError> = async {
        let user = users::get(&state.db, id).await?;
        let token = reset::issue(&state.db, &actor, id).await?;
        Ok((user, token))
    }
    .await;
    let (user, token) = issued.map_err(|err| c.error(err))?;
    let a = text::text(c.lang);
    let intro = AuthText::fill(
        a.reset_link_intro,
        &[
            ("name", &user.name),
            ("minutes", &(reset::VALID_FOR.as_secs() / 60)),
        ],
    );
    ok(&ResetLinkPage {
        c,
        a,
        user,
        path: format!("/reset-password?token={token}"),
        intro,
    })
}
