//! Whom a change is recorded against: stock movements and orders keep the
//! name of whoever made them.

use std::convert::Infallible;

use axum::{extract::FromRequestParts, http::request::Parts};

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

/// Without sign-in the app does not know who is at the till, so nothing is
/// recorded; the auth skill fills this in.
impl<S: Send + Sync> FromRequestParts<S> for Attribution {
    type Rejection = Infallible;

    async fn from_request_parts(_parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::nobody())
    }
}
