//! The notification pages: a person's notification centre and settings, and
//! the admin's list of deliveries. Every rule is the services', as for the
//! API.

use axum::{
    extract::State,
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::{
    deliveries::{self, Delivery},
    events,
    inbox::{self, Item},
    outbox::Status,
    preferences::{self, ChoiceUpdate, Preferences, PreferencesUpdate},
    routes::person,
    text::{self, NotificationText},
};
use crate::{
    auth::Actor,
    clock::unix_now,
    extract::{Path, Query},
    pagination::Pagination,
    web::{
        form::{FieldErrors, Pager},
        format,
        layout::Chrome,
        ok, render, see_other, PageResult,
    },
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(centre))
        .route("/notifications/read", post(read_all))
        .route("/account/notifications", get(settings).post(save_settings))
        .route("/notifications/deliveries", get(delivery_list))
        .route("/notifications/deliveries/{id}/retry", post(retry))
}

#[derive(askama::Template)]
#[template(path = "notifications/centre.html")]
struct CentrePage {
    c: Chrome,
    n: &'static NotificationText,
    items: Vec<Item>,
    unread: i64,
    pager: Pager,
}

impl CentrePage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

#[derive(Debug, Deserialize)]
struct PageParam {
    page: Option<u32>,
}

async fn centre(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<PageParam>,
) -> PageResult {
    let user_id = person(&actor).map_err(|err| c.error(err))?;
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let (items, meta) = inbox::list(&state.db, user_id, false, page, c.lang)
        .await
        .map_err(|err| c.error(err))?;
    let unread = inbox::unread(&state.db, user_id)
        .await
        .map_err(|err| c.error(err))?;
    ok(&CentrePage {
        n: text::text(c.lang),
        c,
        items,
        unread,
        pager: Pager::new(meta, "/notifications", &[]),
    })
}

async fn read_all(c: Chrome, State(state): State<AppState>, actor: Actor) -> PageResult {
    let user_id = person(&actor).map_err(|err| c.error(err))?;
    inbox::mark_all_read(&state.db, user_id)
        .await
        .map_err(|err| c.error(err))?;
    see_other("/notifications")
}

#[derive(askama::Template)]
#[template(path = "notifications/settings.html")]
struct SettingsPage {
    c: Chrome,
    n: &'static NotificationText,
    prefs: Preferences,
    /// The phone number as typed, when the form was refused.
    phone: String,
    errors: FieldErrors,
    saved: bool,
}

impl SettingsPage {
    /// The event's description in the page's language.
    fn describe(&self, name: &str) -> &'static str {
        events::find(name).map_or("", |event| event.description.get(self.c.lang))
    }

    /// Whether SMS can be sent, so asking for a phone number makes sense.
    fn offers_sms(&self) -> bool {
        self.prefs.channels.contains(&"sms")
    }
}

#[derive(Debug, Deserialize)]
struct SavedParam {
    #[serde(default)]
    saved: bool,
}

async fn settings(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<SavedParam>,
) -> PageResult {
    let user_id = person(&actor).map_err(|err| c.error(err))?;
    let prefs = preferences::load(&state, user_id, actor.role())
        .await
        .map_err(|err| c.error(err))?;
    ok(&SettingsPage {
        n: text::text(c.lang),
        phone: prefs.phone.clone().unwrap_or_default(),
        c,
        prefs,
        errors: FieldErrors::default(),
        saved: query.saved,
    })
}

/// The settings form: `language`, `phone`, and one `event:channel` checkbox
/// per choice shown (a box left unticked is not sent at all).
async fn save_settings(
    c: Chrome,
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult {
    let user_id = person(&actor).map_err(|err| c.error(err))?;
    let value = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let shown = preferences::load(&state, user_id, actor.role())
        .await
        .map_err(|err| c.error(err))?;
    let events = shown
        .events
        .iter()
        .filter(|choice| choice.optional)
        .flat_map(|choice| {
            choice.channels.keys().map(|channel| ChoiceUpdate {
                event: choice.event.to_owned(),
                channel: (*channel).to_owned(),
                enabled: value(&format!("{}:{channel}", choice.event)).is_some(),
            })
        })
        .collect();
    let update = PreferencesUpdate {
        language: value("language"),
        phone: Some(value("phone").unwrap_or_default()),
        events,
    };
    match preferences::save(&state.db, user_id, actor.role(), &update).await {
        Ok(()) => see_other("/account/notifications?saved=true"),
        Err(err) => {
            let mut errors = FieldErrors::default();
            errors.absorb(err, c.t).map_err(|err| c.error(err))?;
            let page = SettingsPage {
                n: text::text(c.lang),
                phone: update.phone.unwrap_or_default(),
                c,
                prefs: shown,
                errors,
                saved: false,
            };
            Ok(render(page.errors.status(), &page))
        }
    }
}

#[derive(askama::Template)]
#[template(path = "notifications/deliveries.html")]
struct DeliveriesPage {
    c: Chrome,
    n: &'static NotificationText,
    rows: Vec<Delivery>,
    /// The status shown, empty for all.
    status: String,
    statuses: [&'static str; 5],
    pager: Pager,
}

impl DeliveriesPage {
    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

#[derive(Debug, Deserialize)]
struct DeliveryParams {
    page: Option<u32>,
    status: Option<String>,
}

async fn delivery_list(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<DeliveryParams>,
) -> PageResult {
    let status = deliveries::status_filter(query.status.as_deref()).map_err(|err| c.error(err))?;
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let (rows, meta) = deliveries::list(&state.db, status, page)
        .await
        .map_err(|err| c.error(err))?;
    let status = status.map_or("", |status| status.as_str());
    ok(&DeliveriesPage {
        n: text::text(c.lang),
        c,
        rows,
        status: status.to_owned(),
        statuses: Status::ALL.map(Status::as_str),
        pager: Pager::new(meta, "/notifications/deliveries", &[("status", status)]),
    })
}

async fn retry(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    deliveries::retry(&state.db, id, unix_now())
        .await
        .map_err(|err| c.error(err))?;
    see_other("/notifications/deliveries")
}
