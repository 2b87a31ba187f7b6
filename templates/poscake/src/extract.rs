//! Request extractors that fail with the API's error envelope.
//!
//! axum's own `Json`, `Query` and `Path` reject with plain-text bodies; these
//! wrappers turn every rejection into an [`AppError`], so clients always get
//! the same JSON shape: malformed JSON is a 400 `BAD_REQUEST`, well-formed JSON
//! with a field of the wrong type is a 422 `VALIDATION_ERROR` naming the field.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, HeaderMap},
};
use serde::de::DeserializeOwned;

use crate::{api::FieldError, validate::Problem, AppError};

/// A JSON request body.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::BadRequest(
                "Expected a JSON body with Content-Type: application/json.".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))?;
        // Parsing into a value first separates broken JSON (400) from JSON
        // whose fields have the wrong types (422).
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|err| AppError::BadRequest(format!("Malformed JSON: {err}.")))?;
        // PostgreSQL cannot store U+0000 in text and refuses a query that binds it,
        // which would surface as a server error; no field has a use for it.
        if let Some(path) = nul_at(&value, "") {
            let field = if path.is_empty() {
                "body".to_owned()
            } else {
                path
            };
            return Err(AppError::invalid(
                field,
                Problem::Worded("must not contain the character U+0000".into()),
            ));
        }
        serde_path_to_error::deserialize(value)
            .map(Json)
            .map_err(|err| {
                let path = err.path().to_string();
                let field = if path == "." { "body".to_owned() } else { path };
                AppError::Validation {
                    message: "The request has invalid fields.".into(),
                    details: vec![FieldError::new(
                        field,
                        Problem::Worded(err.into_inner().to_string()),
                    )],
                }
            })
    }
}

/// The path (`items[0].name`) of the first string or key in `value` that holds U+0000,
/// below `path`. serde_json nests at most 128 levels, so the recursion is bounded.
fn nul_at(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) => text.contains('\0').then(|| path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| nul_at(item, &format!("{path}[{index}]"))),
        Value::Object(fields) => fields.iter().find_map(|(name, field)| {
            let path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if name.contains('\0') {
                Some(path)
            } else {
                nul_at(field, &path)
            }
        }),
        _ => None,
    }
}

/// A request body as it came, for signed notifications whose signature covers the
/// exact bytes. One over the size limit is refused in the API's error envelope, as
/// [`Json`] refuses it, instead of axum's plain text.
#[derive(Debug, Clone)]
pub struct RawBody(pub Bytes);

impl<S> FromRequest<S> for RawBody
where
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
    }
}

/// The `Idempotency-Key` header, if sent: a retried request with the same
/// key gets the first answer instead of doing the work a second time.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    headers
        .get("idempotency-key")
        .map(|value| {
            value
                .to_str()
                .map_err(|_| AppError::invalid("Idempotency-Key", Problem::VisibleAscii))
        })
        .transpose()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json")
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

/// Query-string parameters; a value of the wrong type is a 400.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|query| Query(query.0))
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
    }
}

/// Path parameters such as `{id}`; one that does not parse is a 400.
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|path| Path(path.0))
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        headers
    }

    #[test]
    fn finds_the_nul_character_wherever_it_is() {
        let at = |value: serde_json::Value| nul_at(&value, "");
        assert_eq!(at(serde_json::json!({"name": "a", "n": 1})), None);
        assert_eq!(at(serde_json::json!("a\u{0}")), Some(String::new()));
        assert_eq!(
            at(serde_json::json!({"items": [{"sku": "ok"}, {"sku": "x\u{0}y"}]})),
            Some("items[1].sku".into())
        );
        assert_eq!(
            at(serde_json::json!({"a": {"\u{0}": 1}})),
            Some("a.\u{0}".into())
        );
    }

    #[test]
    fn recognises_json_content_types() {
        assert!(is_json(&headers("application/json")));
        assert!(is_json(&headers("application/json; charset=utf-8")));
        assert!(is_json(&headers("application/problem+json")));
        assert!(!is_json(&headers("text/plain")));
        assert!(!is_json(&HeaderMap::new()));
    }
}
