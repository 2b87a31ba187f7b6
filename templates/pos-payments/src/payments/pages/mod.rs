//! The payment pages: refunding a sale, and the gateway notifications a
//! manager must look at.

mod refund;
mod review;
mod text;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(refund::router())
        .merge(review::router())
}
