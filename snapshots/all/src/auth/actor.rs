//! Who is making a request, as the route guard established it.

use axum::{extract::FromRequestParts, http::request::Parts};

use super::permissions::{Permission, Role};
use crate::AppError;

/// A signed-in person, an API token, or the operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User {
        id: i64,
        email: String,
        name: String,
        role: Role,
        /// The session the request came with.
        session_id: i64,
    },
    Token {
        id: i64,
        name: String,
        role: Role,
    },
    /// `<app> user …` and `<app> token …`, run by whoever runs the server.
    Operator,
}

impl Actor {
    pub fn role(&self) -> Role {
        match self {
            Self::User { role, .. } | Self::Token { role, .. } => *role,
            Self::Operator => Role::Admin,
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role().can(permission)
    }

    /// The account behind the request, when a person made it.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Self::User { id, .. } => Some(*id),
            Self::Token { .. } | Self::Operator => None,
        }
    }

    /// How logs and stock movements name this actor.
    pub fn label(&self) -> String {
        match self {
            Self::User { email, .. } => email.clone(),
            Self::Token { name, .. } => format!("token:{name}"),
            Self::Operator => "operator".to_owned(),
        }
    }
}

/// Handlers behind a signed-in route take the actor as an argument. The guard
/// has already refused anonymous requests to such routes; the 401 here only
/// matters if a handler asks for an actor on a public route.
impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or_else(|| AppError::Unauthorized("Sign in first.".into()))
    }
}
