//! The application's error type and how each error becomes an HTTP response.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};

use crate::{
    api::{ErrorDetails, ErrorEnvelope, FieldError, StockShortage},
    validate::Problem,
};

/// Everything a handler can fail with. The message of each variant except
/// `Internal` is shown to the client, so it must be safe to show.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    Validation {
        message: String,
        details: Vec<FieldError>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Allowed only with a manager's approval, which the request lacks: a
    /// cash shift closing with too large a difference.
    #[error("{0}")]
    ApprovalRequired(String),
    /// A value that must be unique (a SKU, a phone number) is taken.
    #[error("{problem}")]
    Duplicate { field: String, problem: Problem },
    /// A sale or stock change would take stock below zero; nothing was written.
    #[error("{message}")]
    InsufficientStock {
        message: String,
        shortages: Vec<StockShortage>,
    },
    #[error("{0}")]
    RateLimited(String),
    /// A dependency such as the database is down; the client may retry later.
    #[error("{0}")]
    Unavailable(String),
    /// A remote service the app relies on (a payment gateway, an API) failed.
    #[error("{0}")]
    Upstream(String),
    /// A bug or an unexpected failure. Its cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 422 naming one invalid field.
    pub fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        Self::Validation {
            message: "The request has invalid fields.".into(),
            details: vec![FieldError::new(field, problem)],
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_)
            | Self::ApprovalRequired(_)
            | Self::Duplicate { .. }
            | Self::InsufficientStock { .. } => StatusCode::CONFLICT,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, machine-readable code that clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "BAD_REQUEST",
            Self::Validation { .. } => "VALIDATION_ERROR",
            Self::Unauthorized(_) => "UNAUTHORIZED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Conflict(_) | Self::Duplicate { .. } => "CONFLICT",
            Self::ApprovalRequired(_) => "APPROVAL_REQUIRED",
            Self::InsufficientStock { .. } => "INSUFFICIENT_STOCK",
            Self::RateLimited(_) => "RATE_LIMITED",
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::Upstream(_) => "UPSTREAM_ERROR",
            Self::Internal(_) => "INTERNAL_ERROR",
        }
    }
}

/// Whether a database error is a UNIQUE constraint refusing a duplicate.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|db_err| db_err.is_unique_violation())
}

/// Database errors are unexpected by default; handlers that expect one (a
/// missing row, a duplicate key) match on it before using `?`. The one
/// exception is text PostgreSQL cannot store (U+0000, SQLSTATE 22021), which
/// only a client sends, in a search box, a form or a CSV as much as in JSON.
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        let unstorable = err
            .as_database_error()
            .and_then(|db_err| db_err.code())
            .is_some_and(|code| code == "22021");
        if unstorable {
            return Self::BadRequest("Text must not contain the character U+0000.".into());
        }
        Self::Internal(err.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let (message, details) = match self {
            Self::Internal(cause) => {
                tracing::error!(error = %format_args!("{cause:#}"), "internal error");
                ("Something went wrong on our side.".to_owned(), None)
            }
            Self::Validation { message, details } => (
                message,
                (!details.is_empty()).then_some(ErrorDetails::Fields(details)),
            ),
            Self::Duplicate { field, problem } => {
                let message = problem.to_string();
                let details = vec![FieldError::new(field, problem)];
                (message, Some(ErrorDetails::Fields(details)))
            }
            Self::InsufficientStock { message, shortages } => {
                (message, Some(ErrorDetails::Shortages(shortages)))
            }
            other => (other.to_string(), None),
        };
        (status, Json(ErrorEnvelope::new(code, message, details))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    async fn render(err: AppError) -> (StatusCode, Value) {
        let response = err.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn each_variant_has_its_status_and_code() {
        let cases = [
            (AppError::BadRequest("x".into()), 400, "BAD_REQUEST"),
            (AppError::Unauthorized("x".into()), 401, "UNAUTHORIZED"),
            (AppError::Forbidden("x".into()), 403, "FORBIDDEN"),
            (AppError::NotFound("x".into()), 404, "NOT_FOUND"),
            (AppError::Conflict("x".into()), 409, "CONFLICT"),
            (
                AppError::ApprovalRequired("x".into()),
                409,
                "APPROVAL_REQUIRED",
            ),
            (AppError::RateLimited("x".into()), 429, "RATE_LIMITED"),
            (
                AppError::Unavailable("x".into()),
                503,
                "SERVICE_UNAVAILABLE",
            ),
            (AppError::Upstream("x".into()), 502, "UPSTREAM_ERROR"),
        ];
        for (err, status, code) in cases {
            let (got_status, body) = render(err).await;
            assert_eq!(got_status.as_u16(), status);
            assert_eq!(
                body,
                json!({"success": false, "error": {"code": code, "message": "x"}})
            );
        }
    }

    #[tokio::test]
    async fn validation_lists_the_fields() {
        let err = AppError::Validation {
            message: "invalid input".into(),
            details: vec![FieldError::new("price", Problem::NotNegative)],
        };
        let (status, body) = render(err).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
        assert_eq!(body["error"]["details"][0]["field"], "price");
    }

    #[tokio::test]
    async fn a_duplicate_is_a_conflict_naming_the_field() {
        let err = AppError::Duplicate {
            field: "sku".into(),
            problem: Problem::SkuTaken {
                sku: "CF-01".into(),
                product_id: 1,
            },
        };
        let (status, body) = render(err).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "CONFLICT");
        assert_eq!(body["error"]["details"][0]["field"], "sku");
    }

    #[tokio::test]
    async fn insufficient_stock_lists_the_lines() {
        let err = AppError::InsufficientStock {
            message: "not enough stock".into(),
            shortages: vec![StockShortage {
                product_id: 1,
                variant_id: 2,
                sku: "CF-01".into(),
                requested: 3,
                available: 1,
            }],
        };
        let (status, body) = render(err).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "INSUFFICIENT_STOCK");
        assert_eq!(
            body["error"]["details"],
            json!([{"productId": 1, "variantId": 2, "sku": "CF-01", "requested": 3, "available": 1}])
        );
    }

    #[tokio::test]
    async fn internal_errors_hide_their_cause() {
        let err = AppError::from(sqlx::Error::Protocol("secret table exploded".into()));
        let (status, body) = render(err).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "INTERNAL_ERROR");
        assert!(!body.to_string().contains("secret"));
    }
}
