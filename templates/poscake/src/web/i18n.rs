//! The page language: Vietnamese unless the `lang` cookie says English, and
//! the `/lang/{code}` switch that sets that cookie.

use axum::{
    extract::{Path, Query},
    http::{header, request::Parts, HeaderValue},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

use super::text::{Text, EN, VI};
use crate::AppState;

const COOKIE: &str = "lang";

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The BCP 47 code, for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    /// Every piece of page text in this language.
    pub fn text(self) -> &'static Text {
        match self {
            Self::Vi => &VI,
            Self::En => &EN,
        }
    }

    /// The language the request's cookie chose, Vietnamese by default.
    pub fn from_parts(parts: &Parts) -> Self {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .and_then(|(_, value)| Self::parse(value.trim()))
            .unwrap_or_default()
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/lang/{code}", get(switch))
}

#[derive(Debug, Deserialize)]
struct SwitchQuery {
    next: Option<String>,
}

/// Sets the language cookie for a year and goes back to the page it came from.
async fn switch(Path(code): Path<String>, Query(query): Query<SwitchQuery>) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    // Only a path on this site: `//host` or a full URL would make this an
    // open redirect.
    let next = query
        .next
        .filter(|next| next.starts_with('/') && !next.starts_with("//") && !next.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
