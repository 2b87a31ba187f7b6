//! The route guard: works out who is calling, refuses cross-site writes, and
//! applies the access rule of the matched route from [`permissions::ROUTES`].
//!
//! It runs after routing (it is added with `Router::layer`), so it sees the
//! route pattern that matched, e.g. `/api/products/{id}`. A route without a
//! rule is refused to everyone, so a forgotten rule fails closed.

use std::net::SocketAddr;

use axum::{
    extract::{
        ConnectInfo, FromRequestParts, MatchedPath, OptionalFromRequestParts, Request, State,
    },
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use super::{
    permissions::{self, Access},
    sessions::{self, Client, Found},
    tokens, Actor,
};
use crate::{web::layout::Chrome, AppError, AppState};

/// A password accepted, the second factor still due. The two-factor step's
/// routes are public, so their handlers look this up from the cookie
/// themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingSignIn {
    pub session_id: i64,
    pub user_id: i64,
}

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // No matched route: the 404 fallback, which reveals nothing.
    let Some(route) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
    else {
        return next.run(request).await;
    };
    let method = request.method().clone();
    let Some(access) = permissions::access_for(method.as_str(), &route) else {
        // Another method of a known route: answered as axum would, without
        // running a handler that has no rule.
        if permissions::ROUTES.iter().any(|rule| rule.path == route) {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        tracing::error!(%method, %route, "refused: the route has no access rule");
        let err = AppError::Forbidden("This route has no access rule.".into());
        return refuse(&state, request, err).await;
    };
    // Browsers attach cookies to requests other sites trigger; a bearer token
    // they never attach, so token-authenticated calls need no such check.
    let bearer = request.headers().contains_key(header::AUTHORIZATION);
    if !bearer && !method.is_safe() && is_cross_site(request.headers()) {
        let err = AppError::Forbidden("Cross-site request refused.".into());
        return refuse(&state, request, err).await;
    }
    // A public route needs nobody's identity, so assets, health checks and
    // webhooks cost no session lookup, and answer while the database is down.
    if access == Access::Public {
        return next.run(request).await;
    }
    let actor = match identify(&state, request.headers()).await {
        Ok(actor) => actor,
        Err(err) => return refuse(&state, request, err).await,
    };
    let allowed = match (access, &actor) {
        (_, None) => Err(AppError::Unauthorized("Sign in first.".into())),
        (Access::Public | Access::SignedIn, Some(_)) => Ok(()),
        (Access::Requires(permission), Some(actor)) if actor.can(permission) => Ok(()),
        (Access::Requires(permission), Some(actor)) => Err(AppError::Forbidden(format!(
            "Your role ({}) does not allow this ({}).",
            actor.role(),
            permission.name()
        ))),
    };
    if let Err(err) = allowed {
        return refuse(&state, request, err).await;
    }
    let signed_in = actor.is_some();
    if let Some(actor) = actor {
        request.extensions_mut().insert(actor);
    }
    let mut response = next.run(request).await;
    if signed_in {
        // Pages and data for a signed-in person must not stay in shared caches.
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

/// Who the bearer token or the session cookie belongs to; `None` for a
/// stranger, or a session still waiting for its second factor. A bearer token
/// that is not valid is an error rather than "anonymous", so a broken
/// integration hears it.
async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Option<Actor>, AppError> {
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        let secret = authorization
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        return match tokens::find(&state.db, secret).await? {
            Some(actor) => Ok(Some(actor)),
            None => Err(AppError::Unauthorized(
                "The API token is not valid or was revoked.".into(),
            )),
        };
    }
    let Some(secret) = session_cookie(headers, state.auth.cookie_name()) else {
        return Ok(None);
    };
    Ok(
        match sessions::find(&state.db, &state.auth, &secret).await? {
            Some(Found::SignedIn(actor)) => Some(actor),
            Some(Found::AwaitingSecondFactor { .. }) | None => None,
        },
    )
}

/// The value of the session cookie, if the request has one.
pub fn session_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// Whether a browser says the request comes from another site. Modern
/// browsers send `Sec-Fetch-Site`; older ones send `Origin` on cross-origin
/// writes. A request with neither did not come from a browser's page.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, authority)| authority);
    origin_host.is_none() || origin_host != host
}

/// Answers a refused request: JSON for the API and scripts; for a person's
/// browser, the sign-in page (when not signed in) or an error page.
async fn refuse(state: &AppState, request: Request, err: AppError) -> Response {
    let (mut parts, _body) = request.into_parts();
    if !wants_html(&parts) {
        return err.into_response();
    }
    if matches!(err, AppError::Unauthorized(_)) && parts.method == Method::GET {
        let next = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        let target = format!("/login?next={}", crate::web::format::encode_component(next));
        return Redirect::to(&target).into_response();
    }
    let Ok(chrome) = Chrome::from_request_parts(&mut parts, state).await;
    chrome.error(err).into_response()
}

fn wants_html(parts: &Parts) -> bool {
    !parts.uri.path().starts_with("/api/")
        && parts
            .headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// The client's address (from the connection) and user agent.
impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            ip: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(address)| address.ip().to_string()),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|ua| ua.to_str().ok())
                .map(str::to_owned),
        })
    }
}

/// The pending sign-in behind the request's session cookie, if there is one.
async fn pending_sign_in(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<PendingSignIn>, AppError> {
    let Some(secret) = session_cookie(&parts.headers, state.auth.cookie_name()) else {
        return Ok(None);
    };
    Ok(
        match sessions::find(&state.db, &state.auth, &secret).await? {
            Some(Found::AwaitingSecondFactor {
                session_id,
                user_id,
            }) => Some(PendingSignIn {
                session_id,
                user_id,
            }),
            Some(Found::SignedIn(_)) | None => None,
        },
    )
}

/// The two-factor step's API handler takes the pending sign-in as an argument.
impl FromRequestParts<AppState> for PendingSignIn {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        pending_sign_in(parts, state)
            .await?
            .ok_or_else(|| AppError::Unauthorized("Sign in with your password first.".into()))
    }
}

/// The sign-in pages ask whether a password step is pending.
impl OptionalFromRequestParts<AppState> for PendingSignIn {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        pending_sign_in(parts, state).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    header::HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn otherwise_the_origin_must_match_the_host() {
        let same = headers(&[
            ("origin", "http://till.local:3000"),
            ("host", "till.local:3000"),
        ]);
        assert!(!is_cross_site(&same));
        let other = headers(&[
            ("origin", "https://evil.example"),
            ("host", "till.local:3000"),
        ]);
        assert!(is_cross_site(&other));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "a")
        ])));
        assert!(!is_cross_site(&HeaderMap::new()));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "lang=vi; session=abc123; other=x")]);
        assert_eq!(session_cookie(&h, "session").as_deref(), Some("abc123"));
        assert_eq!(session_cookie(&h, "__Host-session"), None);
    }
}
