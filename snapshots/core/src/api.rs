//! The JSON envelope that wraps every API response, success or error.

use axum::{
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;

use crate::validate::Problem;

/// A successful response: `{"success":true,"data":…,"meta":…}`.
#[derive(Debug, Serialize)]
pub struct ApiResponse<T> {
    success: bool,
    data: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<PageMeta>,
}

impl<T> ApiResponse<T> {
    /// Wraps a single result.
    pub fn ok(data: T) -> Self {
        Self {
            success: true,
            data,
            meta: None,
        }
    }

    /// Wraps one page of a list, with where that page sits in the whole.
    pub fn page(data: T, meta: PageMeta) -> Self {
        Self {
            success: true,
            data,
            meta: Some(meta),
        }
    }
}

impl<T: Serialize> IntoResponse for ApiResponse<T> {
    fn into_response(self) -> Response {
        Json(self).into_response()
    }
}

/// Paging information for list responses: `{"page":1,"pageSize":20,"total":100}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageMeta {
    pub page: u32,
    pub page_size: u32,
    pub total: i64,
}

/// One invalid input field, listed in a validation error's `details` as
/// `{"field":…,"message":…}` with the problem worded in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    #[serde(rename = "message")]
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

/// One order line that cannot be sold from stock, listed in an
/// `INSUFFICIENT_STOCK` error's `details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StockShortage {
    pub product_id: i64,
    pub variant_id: i64,
    pub sku: String,
    pub requested: i64,
    pub available: i64,
}

/// What an error's `details` list: invalid fields, or lines short of stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ErrorDetails {
    Fields(Vec<FieldError>),
    Shortages(Vec<StockShortage>),
}

/// An error response: `{"success":false,"error":{"code":…,"message":…}}`.
#[derive(Debug, Serialize)]
pub struct ErrorEnvelope {
    success: bool,
    error: ErrorBody,
}

#[derive(Debug, Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<ErrorDetails>,
}

impl ErrorEnvelope {
    pub fn new(code: &'static str, message: String, details: Option<ErrorDetails>) -> Self {
        Self {
            success: false,
            error: ErrorBody {
                code,
                message,
                details,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_without_meta() {
        let body = serde_json::to_value(ApiResponse::ok(json!({"id": 1}))).unwrap();
        assert_eq!(body, json!({"success": true, "data": {"id": 1}}));
    }

    #[test]
    fn success_with_camel_case_meta() {
        let meta = PageMeta {
            page: 1,
            page_size: 20,
            total: 100,
        };
        let body = serde_json::to_value(ApiResponse::page(vec![1, 2], meta)).unwrap();
        assert_eq!(
            body,
            json!({"success": true, "data": [1, 2], "meta": {"page": 1, "pageSize": 20, "total": 100}})
        );
    }

    #[test]
    fn error_with_details() {
        let details = vec![FieldError::new("name", Problem::Required)];
        let body = ErrorEnvelope::new(
            "VALIDATION_ERROR",
            "invalid input".into(),
            Some(ErrorDetails::Fields(details)),
        );
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            json!({"success": false, "error": {
                "code": "VALIDATION_ERROR",
                "message": "invalid input",
                "details": [{"field": "name", "message": "is required"}],
            }})
        );
    }
}
