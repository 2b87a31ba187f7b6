//! The HTTP application: shared state, the router, and serving it.

use std::net::SocketAddr;

use axum::{
    http::{header, HeaderName, HeaderValue},
    middleware,
    response::Response,
    Router,
};
use sqlx::AnyPool;
use tokio::net::TcpListener;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::AuthSettings;
use crate::notifications::Notifications;
use crate::payments::{shifts::ShiftRules, Gateways};
use crate::reports::ReportSettings;
use crate::{
    catalog, categories,
    config::{SalesRules, DEFAULT_SHOP_NAME},
    customers, health, inventory,
    metrics::{self, Metrics},
    orders, request_id, web,
};

use crate::auth;
use crate::geo;
use crate::notifications;
use crate::payments;
use crate::reports;
use crate::stocktake;
use crate::warehouses;
use crate::webhooks;

/// What every handler can reach. Cloned per request, so it holds only handles
/// and small copies.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: AnyPool,
    pub rules: SalesRules,
    pub metrics: Metrics,
    /// Printed on receipts and in the page header.
    pub shop_name: String,
    /// Session lifetimes and cookie flags.
    pub auth: AuthSettings,
    /// The notification providers, retry settings and the live feed.
    pub notifications: Notifications,
    /// The payment gateways configured, each with its keys.
    pub payments: Gateways,
    /// How far a shift's counted cash may differ before a manager approves.
    pub shifts: ShiftRules,
    /// The time zone reports cut days in.
    pub reports: ReportSettings,
    /// How Pancake's webhooks are checked and outgoing ones retried.
    pub webhooks: crate::webhooks::Settings,
}

impl AppState {
    /// State over a database pool with the given selling rules, and metrics
    /// starting from zero.
    pub fn new(db: AnyPool, rules: SalesRules) -> Self {
        Self {
            db,
            rules,
            metrics: Metrics::default(),
            shop_name: DEFAULT_SHOP_NAME.to_owned(),
            auth: AuthSettings::default(),
            notifications: Notifications::default(),
            payments: Gateways::default(),
            shifts: ShiftRules::default(),
            reports: ReportSettings::default(),
            webhooks: crate::webhooks::Settings::default(),
        }
    }

    /// The same state with the shop called `name`.
    pub fn with_shop_name(self, name: impl Into<String>) -> Self {
        Self {
            shop_name: name.into(),
            ..self
        }
    }

    /// The same state with these session settings.
    pub fn with_auth(self, auth: AuthSettings) -> Self {
        Self { auth, ..self }
    }

    /// The same state sending notifications this way.
    pub fn with_notifications(self, notifications: Notifications) -> Self {
        Self {
            notifications,
            ..self
        }
    }

    /// The same state taking payments through these gateways.
    pub fn with_payments(self, payments: Gateways) -> Self {
        Self { payments, ..self }
    }

    /// The same state with these cash shift rules.
    pub fn with_shift_rules(self, shifts: ShiftRules) -> Self {
        Self { shifts, ..self }
    }

    /// The same state with reports cut in this time zone.
    pub fn with_reports(self, reports: ReportSettings) -> Self {
        Self { reports, ..self }
    }

    /// The same state receiving and sending webhooks with these settings.
    pub fn with_webhooks(self, webhooks: crate::webhooks::Settings) -> Self {
        Self { webhooks, ..self }
    }
}

/// Builds the whole router. Each feature module contributes its routes with
/// one `.merge(module::router())` line.
pub fn app(state: AppState) -> Router {
    // `Router::layer` wraps each route after routing, so the metrics see the
    // matched route. The layer added last runs first: request ids are settled
    // before the trace span that records them is opened.
    // The route guard runs inside the metrics layer, so refused requests are
    // counted with their route and status too.
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .merge(categories::router())
        .merge(catalog::router())
        .merge(customers::router())
        .merge(inventory::router())
        .merge(orders::router())
        .merge(web::router())
        .merge(auth::router())
        .merge(notifications::router())
        .merge(geo::router())
        .merge(payments::router())
        .merge(reports::router())
        .merge(stocktake::router())
        .merge(warehouses::router())
        .merge(webhooks::router())
        .fallback(web::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::guard::guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track_requests,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_id::request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(middleware::map_response(security_headers))
        .layer(request_id::propagate_layer())
        .layer(request_id::set_layer())
        .layer(middleware::map_request(request_id::drop_unusable))
        .with_state(state)
}

/// Headers that tell browsers to be strict with this app's pages: only its
/// own scripts, styles and images; never inside another site's frame; no
/// content-type guessing; no full URLs sent to other sites.
const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "same-origin"),
];

/// Adds [`SECURITY_HEADERS`] to every response that does not set its own.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

/// Serves the app until Ctrl-C or SIGTERM, then lets in-flight requests finish.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    // Open notification streams never end by themselves: closing the hub
    // ends them (and stops the worker) so the server can finish.
    let hub = state.notifications.hub.clone();
    let shutdown = async move {
        shutdown_signal().await;
        hub.close();
    };
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };

    // Container runtimes and service managers stop processes with SIGTERM.
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
