//! Prometheus metrics: what the app counts, and the `/metrics` endpoint that
//! exposes it.
//!
//! The registry belongs to [`AppState`] rather than to a global, so every
//! test starts from zero and sees only its own requests.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{FromRef, MatchedPath, Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use prometheus_client::{
    encoding::{text, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, histogram::Histogram},
    registry::{Registry, Unit},
};

use crate::{error::AppError, AppState};

/// Where Prometheus scrapes. Its own requests are not measured, so a scrape
/// never changes the numbers it reads and the histogram holds real traffic only.
pub const METRICS_PATH: &str = "/metrics";

/// The route label of requests that matched no route. Real routes start with
/// `/`, so it cannot be mistaken for one, and probes for random paths add no
/// new series.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// OpenMetrics text, the format `prometheus-client` writes and Prometheus reads.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds, in seconds, of the latency buckets: the Prometheus client
/// defaults, which span a cached lookup to a request that is timing out.
const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The labels of one latency series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The app's metrics. Cloning is cheap: every clone records into the same series.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    request_duration: LatencyFamily,
    orders_created: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let request_duration = LatencyFamily::new_with_constructor(latency_histogram);
        let orders_created = Counter::default();

        let mut registry = Registry::default();
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method, matched route and status",
            Unit::Seconds,
            request_duration.clone(),
        );
        // Exposed as `orders_created_total`: the encoder adds the counter suffix.
        registry.register(
            "orders_created",
            "Orders created since the process started",
            orders_created.clone(),
        );

        Self {
            registry: Arc::new(registry),
            request_duration,
            orders_created,
        }
    }
}

impl Metrics {
    /// Counts one new order. The orders module calls this once the order is
    /// committed, so a rolled-back order is never counted.
    pub fn order_created(&self) {
        self.orders_created.inc();
    }

    /// The current values of every metric, as OpenMetrics text.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    fn observe_request(&self, labels: &RequestLabels, seconds: f64) {
        self.request_duration.get_or_create(labels).observe(seconds);
    }
}

impl FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route(METRICS_PATH, get(export))
}

/// Middleware that times every request except scrapes of [`METRICS_PATH`].
///
/// It must be added with `Router::layer`, which runs it after routing, so the
/// matched route is known.
pub async fn track_requests(
    State(metrics): State<Metrics>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    if route == METRICS_PATH {
        return next.run(request).await;
    }
    let method = method_label(request.method());

    let started = Instant::now();
    let response = next.run(request).await;
    let labels = RequestLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    metrics.observe_request(&labels, started.elapsed().as_secs_f64());
    response
}

async fn export(State(metrics): State<Metrics>) -> Result<Response, AppError> {
    let text = metrics
        .encode()
        .map_err(|err| anyhow::anyhow!("could not encode the metrics: {err}"))?;
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response())
}

/// The method as a label. Clients may send any token as a method, so
/// non-standard ones share one label to keep the number of series bounded.
fn method_label(method: &Method) -> &'static str {
    // A static, not a const, so the names borrowed from it live forever.
    static KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::CONNECT,
        Method::OPTIONS,
        Method::TRACE,
        Method::PATCH,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("OTHER", Method::as_str)
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_methods_keep_their_name() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
    }

    #[test]
    fn other_methods_share_one_label() {
        let made_up = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&made_up), "OTHER");
    }

    #[test]
    fn a_new_registry_has_the_counter_but_no_latency_series_yet() {
        let text = Metrics::default().encode().unwrap();
        assert!(text.contains("orders_created_total 0"), "{text}");
        assert!(!text.contains("http_request_duration"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn observed_requests_appear_with_their_labels() {
        let metrics = Metrics::default();
        let labels = RequestLabels {
            method: "GET",
            route: "/health".into(),
            status: 200,
        };
        metrics.observe_request(&labels, 0.003);

        let text = metrics.encode().unwrap();
        assert!(
            text.contains("# TYPE http_request_duration_seconds histogram"),
            "{text}"
        );
        assert!(
            text.contains("# UNIT http_request_duration_seconds seconds"),
            "{text}"
        );
        let first_bucket = r#"http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health",status="200"} 1"#;
        assert!(text.contains(first_bucket), "{text}");
    }
}
