//! The security audit log, newest first, filtered by event.

use axum::{extract::State, routing::get, Router};
use serde::Deserialize;

use super::{
    audit::{self, Event, Record},
    pages::Choice,
    text::{self, AuthText},
};
use crate::{
    extract::Query,
    pagination::Pagination,
    web::{form::Pager, format, layout::Chrome, ok, PageResult},
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

/// Every event, in the order the filter offers them.
const EVENTS: [Event; 16] = [
    Event::LoginSucceeded,
    Event::LoginFailed,
    Event::LoginRateLimited,
    Event::Logout,
    Event::PasswordChanged,
    Event::PasswordResetIssued,
    Event::PasswordReset,
    Event::RoleChanged,
    Event::UserCreated,
    Event::UserDisabled,
    Event::UserEnabled,
    Event::TwoFactorEnabled,
    Event::TwoFactorDisabled,
    Event::RecoveryCodeUsed,
    Event::TokenCreated,
    Event::TokenRevoked,
];

#[derive(Debug, Deserialize)]
struct AuditQuery {
    event: Option<String>,
    page: Option<u32>,
}

#[derive(askama::Template)]
#[template(path = "auth/audit.html")]
struct AuditPage {
    c: Chrome,
    a: &'static AuthText,
    /// The filter's choices; the events' names go in the URL.
    events: Vec<Choice>,
    records: Vec<Record>,
    pager: Pager,
}

impl AuditPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    /// An event's name for people; a stored name this version does not know
    /// is shown as it is.
    fn event_label<'s>(&self, stored: &'s str) -> &'s str {
        EVENTS
            .into_iter()
            .find(|event| event.as_str() == stored)
            .map_or(stored, |event| self.a.event_name(event))
    }
}

async fn list(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<AuditQuery>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    // An unknown event in a hand-edited URL just lists everything.
    let event = EVENTS
        .into_iter()
        .map(Event::as_str)
        .find(|name| query.event.as_deref() == Some(*name))
        .unwrap_or_default();
    let (records, meta) = audit::list(&state.db, Some(event), page)
        .await
        .map_err(|err| c.error(err.into()))?;
    let pager = Pager::new(meta, "/audit", &[("event", event)]);
    let a = text::text(c.lang);
    let events = EVENTS
        .into_iter()
        .map(|each| Choice {
            value: each.as_str(),
            label: a.event_name(each),
            selected: each.as_str() == event,
        })
        .collect();
    ok(&AuditPage {
        c,
        a,
        events,
        records,
        pager,
    })
}
