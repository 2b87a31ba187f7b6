//! What every page's frame needs: language, shop name, sidebar and the path
//! being shown, gathered once per request by the [`Chrome`] extractor.

use axum::{extract::FromRequestParts, http::request::Parts};

use super::{
    assets,
    form::describe,
    format::encode_component,
    i18n::Lang,
    nav::{NavEntry, NAV},
    render,
    text::Text,
    PageError,
};
use crate::{
    auth::{pages::AccountMenu, Actor},
    validate::Problem,
    AppError, AppState,
};

/// The frame around a page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub t: &'static Text,
    pub shop_name: String,
    /// The sidebar links the signed-in person may follow.
    pub nav: Vec<&'static NavEntry>,
    /// The signed-in person's name and sign-out button, if someone is signed in.
    pub account: Option<AccountMenu>,
    /// The current path and query, percent-encoded for the language links.
    pub next: String,
    path: String,
    pub version: &'static str,
}

impl Chrome {
    /// Whether a sidebar link points at the page being shown or above it.
    pub fn is_current(&self, href: impl AsRef<str>) -> bool {
        let href = href.as_ref();
        self.path == href || self.path.starts_with(&format!("{href}/"))
    }

    /// A service's field problem in this page's language.
    pub fn problem(&self, problem: &Problem) -> String {
        describe(problem, self.t)
    }

    /// Renders an error as a page in this frame, with the error's status.
    pub fn error(&self, err: AppError) -> PageError {
        let status = err.status();
        if status.is_server_error() {
            tracing::error!(error = %format_args!("{err:#}"), "page failed");
        }
        let message = match &err {
            AppError::NotFound(_) => self.t.not_found.to_owned(),
            AppError::Internal(_) => self.t.server_error.to_owned(),
            AppError::Validation { details, .. } if !details.is_empty() => details
                .iter()
                .map(|detail| format!("{}: {}", detail.field, self.problem(&detail.problem)))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        let page = ErrorPage {
            c: self.clone(),
            message,
        };
        PageError(Box::new(render(status, &page)))
    }
}

impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_parts(parts);
        // Put there by the route guard; absent on public pages for strangers.
        let actor = parts.extensions.get::<Actor>();
        let path = parts.uri.path().to_owned();
        let full = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        Ok(Self {
            lang,
            t: lang.text(),
            shop_name: state.shop_name.clone(),
            nav: NAV.iter().filter(|entry| entry.allows(actor)).collect(),
            account: actor.map(|actor| AccountMenu::new(actor, lang)),
            next: encode_component(full),
            path,
            version: assets::VERSION.as_str(),
        })
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: String,
}
