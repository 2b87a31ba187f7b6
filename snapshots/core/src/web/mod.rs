//! Server-rendered pages for people: the till (POS), receipts and the
//! management screens. Handlers here only speak HTTP and HTML; every rule
//! lives in the feature services they call, exactly as the JSON API does.

mod assets;
mod customers;
pub(crate) mod form;
pub(crate) mod format;
mod i18n;
mod inventory;
pub(crate) mod layout;
pub mod nav;
mod orders;
mod pos;
mod product_form;
mod products;
mod receipt;
pub(crate) mod text;

use askama::Template;
use axum::{
    http::{header, HeaderMap, Method, StatusCode, Uri},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
    Router,
};

use crate::{AppError, AppState};

pub use i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/pos") }))
        .merge(assets::router())
        .merge(i18n::router())
        .merge(pos::router())
        .merge(receipt::router())
        .merge(products::router())
        .merge(orders::router())
        .merge(inventory::router())
        .merge(customers::router())
}

/// Unknown paths: a person following a bad link gets the 404 page in their
/// language; API clients and scripts (no `text/html` in `Accept`) get the JSON
/// envelope, as every other API error.
pub(crate) async fn not_found(
    chrome: layout::Chrome,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let wants_html = !uri.path().starts_with("/api/")
        && headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let err = AppError::NotFound(format!("No route for {method} {}", uri.path()));
    if wants_html {
        chrome.error(err).into_response()
    } else {
        err.into_response()
    }
}

/// What a page handler answers: the page, or an error page already rendered.
pub(crate) type PageResult = Result<Response, PageError>;

/// An error page, rendered in the request's language by [`layout::Chrome::error`].
/// Boxed because a response is large and errors are the rare path.
pub(crate) struct PageError(Box<Response>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// Renders a template with the given status. A template that fails to render
/// is a bug; the cause is logged and the person sees a bare 500.
pub(crate) fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "could not render a page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Renders a page with 200 OK.
pub(crate) fn ok(template: &impl Template) -> PageResult {
    Ok(render(StatusCode::OK, template))
}

/// After a successful POST, sends the browser on with 303 so a reload does
/// not repeat the action.
pub(crate) fn see_other(location: &str) -> PageResult {
    Ok(Redirect::to(location).into_response())
}
