//! Whom a change is recorded against: stock movements and orders keep the
//! name of whoever made them.

use std::convert::Infallible;

use axum::{extract::FromRequestParts, http::request::Parts};

use crate::auth::Actor;

/// The name recorded for a request's changes, if the app knows one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution(Option<String>);

impl Attribution {
    /// Changes made by `name`, e.g. a command-line job.
    pub fn named(name: impl Into<String>) -> Self {
        Self(Some(name.into()))
    }

    /// Changes nobody in particular made, such as the demo seed.
    pub fn nobody() -> Self {
        Self(None)
    }

    pub fn name(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// The signed-in person's email or the API token's name, as the route guard
/// established them.
impl<S: Send + Sync> FromRequestParts<S> for Attribution {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<Actor>().map(Actor::label)))
    }
}
