//! Signing in and who may do what.
//!
//! People sign in with email and password (argon2id), plus a TOTP code when
//! they turned two-factor sign-in on; the session lives in the database and
//! the browser holds only a random secret in an HttpOnly cookie. Integrations
//! use API tokens (`Authorization: Bearer pct_…`). Every route has an access
//! rule in [`permissions::ROUTES`], applied by [`guard::guard`].

mod account_pages;
mod actor;
pub mod audit;
mod audit_pages;
pub mod cli;
pub mod guard;
pub mod login;
pub mod pages;
pub mod password;
pub mod permissions;
pub mod reset;
mod routes;
mod secret;
pub mod sessions;
mod settings;
mod text;
mod token_pages;
pub mod tokens;
pub mod two_factor;
mod user_pages;
pub mod users;

use axum::Router;

use crate::AppState;

pub use actor::Actor;
pub use settings::{AuthConfig, AuthSettings};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(routes::router())
        .merge(pages::router())
        .merge(account_pages::router())
        .merge(user_pages::router())
        .merge(token_pages::router())
        .merge(audit_pages::router())
}
